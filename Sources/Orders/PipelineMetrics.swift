import BitaqaCore
import CoreMetrics

/// The pipeline's metrics, recorded into the application's registry. Labels are fixed words (statuses,
/// classes, channels), never ids.
public struct PipelineMetrics: Sendable {
    let factory: any MetricsFactory

    /// - Parameter factory: where the figures go; by default nowhere (unit tests).
    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func check(_ status: String) {
        Counter(label: "bitaqa_checks_total", dimensions: [("status", status)], factory: factory).increment()
    }

    /// One call to the upstream about orders, by endpoint (`check-id`, `list`).
    func upstreamCall(_ endpoint: String) {
        Counter(label: "bitaqa_upstream_calls_total", dimensions: [("endpoint", endpoint)], factory: factory)
            .increment()
    }

    /// A check of an order not final past the upstream's promise.
    func overdue() {
        Counter(label: "bitaqa_overdue_checks_total", factory: factory).increment()
    }

    func upstreamError(_ errorClass: String) {
        Counter(label: "bitaqa_upstream_errors_total", dimensions: [("class", errorClass)], factory: factory)
            .increment()
    }

    func delivery(_ channel: DeliveryChannel, outcome: String) {
        Counter(
            label: "bitaqa_deliveries_total", dimensions: [("channel", channel.rawValue), ("outcome", outcome)],
            factory: factory
        ).increment()
    }

    func timeToDelivery(_ channel: DeliveryChannel, milliseconds: Int64) {
        Timer(
            label: "bitaqa_time_to_delivery", dimensions: [("channel", channel.rawValue)],
            preferredDisplayUnit: .seconds,
            factory: factory
        ).recordMilliseconds(max(0, milliseconds))
    }

    func queueDepth(checks: Int, deliveries: Int) {
        Gauge(label: "bitaqa_queue_depth", dimensions: [("queue", "checks")], factory: factory).record(checks)
        Gauge(label: "bitaqa_queue_depth", dimensions: [("queue", "deliveries")], factory: factory).record(deliveries)
    }

    /// A card shown to its buyer, by channel (`in-app`, `reveal-page`).
    public func reveal(channel: String) {
        Counter(label: "bitaqa_reveals_total", dimensions: [("channel", channel)], factory: factory).increment()
    }
}
