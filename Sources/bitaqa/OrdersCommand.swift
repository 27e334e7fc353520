import ArgumentParser
import BitaqaApp
import BitaqaCore
import Foundation
import Orders

/// `bitaqa orders`: operations on orders.
struct OrdersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orders",
        abstract: "Operations on orders.",
        subcommands: [Resend.self, Check.self]
    )

    /// `bitaqa orders resend TOPUP_ID|REF [--channel email|sms]`.
    struct Resend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue the card's delivery again (a new, audited attempt); a running serve sends it."
        )

        @OptionGroup var common: CommonOptions

        @Argument(help: "The order's topupId, or a gift-card order's ref.")
        var topupId: String

        @Option(help: "email or sms; every channel with a contact when omitted.")
        var channel: String?

        func validate() throws {
            guard TopupID(topupId) != nil else { throw ValidationError("TOPUP_ID is not a topupId") }
            if let channel, DeliveryChannel(rawValue: channel) == nil {
                throw ValidationError("--channel must be email or sms")
            }
        }

        func run() async throws {
            try await reportingFailures {
                let (configuration, logger) = try await ConfigurationSource.prepare(common)
                guard let id = TopupID(topupId) else { throw ValidationError("TOPUP_ID is not a topupId") }
                try await Composition.withCommand("orders resend", configuration, logger: logger) { app in
                    // A gift-card order is named by its ref; a top-up id is looked for first.
                    var id = id
                    if try await app.domain.repositories.orders.find(id) == nil,
                        let gift = try await app.domain.repositories.giftCards.find(ref: topupId)
                    {
                        id = gift.key
                    }
                    let queued = try await app.orders.resend(
                        id, channel: channel.flatMap(DeliveryChannel.init(rawValue:)),
                        by: MerchantOrders.Requester(
                            actor: "bitaqa orders resend", requestID: nil, clientRequestID: nil, session: nil,
                            limited: false))
                    print("queued \(topupId) on \(queued.map(\.rawValue).joined(separator: ", "))")
                }
            }
        }
    }

    /// `bitaqa orders check TOPUP_ID`.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Ask OneClickDz for the order's status now and print the order after the check (exit 1 when the upstream fails).",
            discussion:
                "Uses ONECLICKDZ_API_KEY; in development without one, the sandbox lives inside `serve`: use POST /v1/orders/{topupId}/check."
        )

        @OptionGroup var common: CommonOptions

        @Argument(help: "The order's topupId, or a gift-card order's ref.")
        var topupId: String

        func validate() throws {
            guard TopupID(topupId) != nil else { throw ValidationError("TOPUP_ID is not a topupId") }
        }

        func run() async throws {
            try await reportingFailures {
                let (configuration, logger) = try await ConfigurationSource.prepare(common)
                guard let id = TopupID(topupId) else { throw ValidationError("TOPUP_ID is not a topupId") }
                let result: OrderCheckTask.Result
                do {
                    result = try await OrderCheckTask.run(configuration, topupId: id, logger: logger)
                } catch let refusal as OrderCheckTask.Refusal {
                    throw RuntimeFailure(description: refusal.description)
                }
                print(result.orderJSON)
                if let failure = result.upstreamFailure {
                    FileHandle.standardError.write(
                        Data("bitaqa: the upstream did not answer the check: \(failure)\n".utf8))
                    throw ExitCode(1)
                }
            }
        }
    }
}
