import BitaqaCore

/// What a merchant does to many at once after an outage is fixed: send again every card whose
/// delivery failed, and retry every failed webhook message. Each one is the single action, audited as
/// it is (`RESEND_REQUESTED`, `WEBHOOK_RETRY_REQUESTED`), so the trail shows every order touched.
public struct BulkActions: Sendable {
    let context: DomainContext
    let resender: Resender
    let webhooks: WebhookRetry

    public init(context: DomainContext, resender: Resender, webhooks: WebhookRetry) {
        self.context = context
        self.resender = resender
        self.webhooks = webhooks
    }

    /// The most orders or messages one bulk action touches; the merchant runs it again for more.
    public static let limit = 500

    /// Queues the card again on each channel whose latest card delivery failed, for every fulfilled
    /// order with one; returns the orders and channels queued.
    public func resendFailedDeliveries(actor: String, requestID: String?) async throws -> [(TopupID, [DeliveryChannel])]
    {
        var search = OrderSearch(limit: 200)
        search.delivery = .failed
        search.status = .fulfilled
        let listing = OrderListing(context: context)
        var queued: [(TopupID, [DeliveryChannel])] = []
        var seen = 0
        while seen < Self.limit {
            let page = try await listing.page(search)
            for order in page.orders {
                let cards = (page.deliveries[order.topupId] ?? []).filter { $0.purpose == .card }
                // A channel whose newest card delivery failed: an older failure since delivered stays.
                let failed = DeliveryChannel.allCases.filter { channel in
                    cards.filter { $0.channel == channel }.max { $0.createdAt < $1.createdAt }?.state == .failed
                }
                var channels: [DeliveryChannel] = []
                for channel in failed {
                    do {
                        channels += try await resender.resend(
                            order.topupId, channel: channel, actor: actor, requestID: requestID)
                    } catch is Resender.Refusal {
                        // Its contact is gone, or the order changed meanwhile: nothing to send there.
                    }
                }
                if !channels.isEmpty { queued.append((order.topupId, channels)) }
            }
            seen += page.orders.count
            guard let next = page.nextCursor, let position = OrderListing.position(next) else { break }
            search.after = position
        }
        return queued
    }

    /// Makes every failed webhook message due again; returns their ids.
    public func retryFailedWebhooks(actor: String, requestID: String?, session: String?) async throws -> [String] {
        let failed = try await context.repositories.webhooks.messages(state: .failed, limit: Self.limit, after: nil)
        var retried: [String] = []
        for message in failed {
            do {
                try await webhooks.retry(message.id, actor: actor, requestID: requestID, session: session)
                retried.append(message.id)
            } catch let error as PublicError where error.code == .notFound {
                // Delivered or gone meanwhile.
            }
        }
        return retried
    }
}
