import BitaqaCore

/// Why a message is sent: the card itself, or the notice that the order failed and was refunded.
public enum DeliveryPurpose: String, Sendable, Codable {
    case card
    case refundNotice = "refund_notice"
    /// The order is QUEUED at the operator for longer than `BITAQA_DELAY_NOTICE_AFTER`: the card is
    /// delayed and will come.
    case delayNotice = "delay_notice"
}

/// One attempt-tracked message to the buyer on one channel.
public struct DeliveryRecord: Sendable, Equatable {
    public var id: String
    public var topupId: TopupID
    public var channel: DeliveryChannel
    public var purpose: DeliveryPurpose
    public var state: DeliveryState
    public var attempts: Int
    public var lastError: String?
    public var providerMessageId: String?
    public var createdAt: Int64
    public var deliveredAt: Int64?
    public var nextAttemptAt: Int64?

    /// A delivery with the fields every stored delivery has; the rest start empty.
    public init(
        id: String, topupId: TopupID, channel: DeliveryChannel, purpose: DeliveryPurpose, state: DeliveryState,
        attempts: Int, createdAt: Int64
    ) {
        self.id = id
        self.topupId = topupId
        self.channel = channel
        self.purpose = purpose
        self.state = state
        self.attempts = attempts
        self.createdAt = createdAt
    }
}
