extension SMTPSession {
    /// AUTH PLAIN when offered, else AUTH LOGIN. The caller has made sure the channel is encrypted or that
    /// plain text was chosen explicitly. Payloads are never logged: commands log only their verb.
    func authenticate(username: String, password: String) async throws(SMTPError) {
        let mechanisms = self.capabilities.authMechanisms
        if mechanisms.contains("PLAIN") {
            let payload = Base64.encode("\0\(username)\0\(password)")
            var reply = try await self.command("AUTH PLAIN \(payload)", logAs: "AUTH PLAIN")
            if reply.code == 334 {
                // Some servers ignore the initial response and ask for it again.
                reply = try await self.command(payload, logAs: "AUTH PLAIN response")
            }
            try self.expectAuthenticated(reply)
        } else if mechanisms.contains("LOGIN") {
            let start = try await self.command("AUTH LOGIN", logAs: "AUTH LOGIN")
            try self.expectChallenge(start)
            let user = try await self.command(Base64.encode(username), logAs: "AUTH LOGIN user")
            try self.expectChallenge(user)
            let secret = try await self.command(Base64.encode(password), logAs: "AUTH LOGIN password")
            try self.expectAuthenticated(secret)
        } else if mechanisms.isEmpty {
            throw SMTPError(.authenticationUnavailable, "credentials were given but the server does not offer AUTH")
        } else {
            throw SMTPError(.authenticationUnavailable, "the server offers neither AUTH PLAIN nor AUTH LOGIN")
        }
    }

    private func expectChallenge(_ reply: SMTPReply) throws(SMTPError) {
        guard reply.code == 334 else {
            throw self.failure(for: reply, command: "AUTH", kind: .authenticationFailed)
        }
    }

    private func expectAuthenticated(_ reply: SMTPReply) throws(SMTPError) {
        guard reply.code == 235 else {
            throw self.failure(for: reply, command: "AUTH", kind: .authenticationFailed)
        }
    }
}
