/// Makes server reply text safe to keep in errors and logs.
///
/// A hostile or buggy server may echo what it received, so the credentials of the session (in clear and in the
/// base64 forms AUTH sends) are cut out, and control characters are dropped so the text cannot forge log lines.
struct ServerText: Sendable {
    static let maximumLength = 160

    private let secrets: [String]

    init(secrets: [String] = []) {
        // Longest first, so a secret that contains another is removed whole.
        self.secrets = secrets.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
    }

    func sanitise(_ lines: [String]) -> String {
        var text = self.redact(lines.joined(separator: " "))
        text = String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { scalar in
                    scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                        ? " " : scalar
                }
            )
        )
        text = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        text = self.redact(text)
        if text.count > Self.maximumLength {
            text = String(text.prefix(Self.maximumLength)) + "..."
        }
        return text
    }

    private func redact(_ text: String) -> String {
        var text = text
        for secret in self.secrets {
            text = text.replacing(secret, with: "<redacted>")
        }
        return text
    }
}
