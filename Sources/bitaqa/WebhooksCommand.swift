import ArgumentParser
import Orders

/// `bitaqa webhooks secret`.
struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks", abstract: "Webhook tools.", subcommands: [Secret.self])

    struct Secret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print a new webhook signing secret (whsec_ + base64 of 32 random bytes) for BITAQA_WEBHOOK_SECRET, and nothing else."
        )

        func run() async throws {
            print(WebhookSecret.generate())
        }
    }
}
