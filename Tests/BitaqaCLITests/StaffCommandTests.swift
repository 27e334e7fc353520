import BitaqaCore
import BitaqaTestSupport
import Foundation
import Testing

@Suite("bitaqa staff")
struct StaffCommandTests {
    static let adminToken = "staff-cli-admin-token-0123456789"

    @Test(
        "add prints only the token, list shows names and roles (never tokens), remove works, a bad role is exit 2; the token works against serve within its role",
        arguments: TestDatabase.available)
    func lifecycle(database: TestDatabase) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, drop) = try await database.makeLocation(in: directory)
        defer { Task { await drop() } }
        let environment = [
            "BITAQA_DATA_DIR": directory.path, "BITAQA_DATABASE_URL": TestDatabase.url(of: location),
            "BITAQA_ADMIN_TOKEN": Self.adminToken, "ENCRYPTION_KEY": String(repeating: "4d", count: 32),
        ]
        let added = try BitaqaProcess.run(["staff", "add", "vera", "--role", "viewer"], environment: environment)
        #expect(added.status == 0, "\(added.stderr)")
        let token = added.stdout.trimmingCharacters(in: .newlines)
        #expect(added.stdout == token + "\n", "nothing but the token on stdout")
        #expect(token.count == 64 && Hex.isHex(token))
        let support = try BitaqaProcess.run(["staff", "add", "sam", "--role", "support"], environment: environment)
        #expect(support.status == 0, "\(support.stderr)")
        let supportToken = support.stdout.trimmingCharacters(in: .newlines)

        let badRole = try BitaqaProcess.run(["staff", "add", "eve", "--role", "admin"], environment: environment)
        #expect(badRole.status == 2 && badRole.stdout.isEmpty)
        let badName = try BitaqaProcess.run(
            ["staff", "add", "Eve Smith", "--role", "viewer"], environment: environment)
        #expect(badName.status == 2 && badName.stdout.isEmpty)
        let taken = try BitaqaProcess.run(["staff", "add", "vera", "--role", "owner"], environment: environment)
        #expect(taken.status == 1 && taken.stdout.isEmpty && taken.stderr.contains("already exists"))

        let list = try BitaqaProcess.run(["staff", "list"], environment: environment)
        #expect(list.status == 0, "\(list.stderr)")
        let lines = list.stdout.split(separator: "\n").map {
            $0.split(separator: "\t").prefix(2).joined(separator: " ")
        }
        #expect(lines == ["sam support", "vera viewer"])
        #expect(!list.stdout.contains(token) && !list.stdout.contains(supportToken))

        let server = try await ServerProcess.start(directory: directory.path, environment: environment)
        let read = try HTTPProbe.request(
            "GET", server.base + "/v1/orders", headers: ["Authorization": "Bearer \(token)"])
        #expect(read.0 == 200)
        let register = try HTTPProbe.request(
            "POST", server.base + "/v1/orders",
            headers: ["Authorization": "Bearer \(supportToken)", "Content-Type": "application/json"],
            body: #"{"topupId":"cli-staff-1","userId":"u-1"}"#)
        #expect(register.0 == 403 && register.1.contains("FORBIDDEN"))
        let resend = try HTTPProbe.request(
            "POST", server.base + "/v1/orders/none/resend",
            headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"], body: "{}")
        #expect(resend.0 == 403)

        let removed = try BitaqaProcess.run(["staff", "remove", "vera"], environment: environment)
        #expect(removed.status == 0, "\(removed.stderr)")
        let after = try HTTPProbe.request(
            "GET", server.base + "/v1/orders", headers: ["Authorization": "Bearer \(token)"])
        #expect(after.0 == 401, "a removed member's token stops at once")
        _ = server.stop()
        let unknown = try BitaqaProcess.run(["staff", "remove", "vera"], environment: environment)
        #expect(unknown.status == 1 && unknown.stderr.contains("no staff member"))
        let remaining = try BitaqaProcess.run(["staff", "list"], environment: environment)
        #expect(remaining.stdout.hasPrefix("sam\tsupport\t") && !remaining.stdout.contains("vera"))
        let verify = try BitaqaProcess.run(["audit", "verify"], environment: environment)
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
    }
}
