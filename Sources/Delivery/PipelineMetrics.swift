import BitaqaCore
import Metrics

/// The pipeline's metrics. Labels are fixed words (statuses, classes, channels), never ids.
enum PipelineMetrics {
    static func check(_ status: String) {
        Counter(label: "bitaqa_checks_total", dimensions: [("status", status)]).increment()
    }

    static func upstreamError(_ errorClass: String) {
        Counter(label: "bitaqa_upstream_errors_total", dimensions: [("class", errorClass)]).increment()
    }

    static func delivery(_ channel: DeliveryChannel, outcome: String) {
        Counter(label: "bitaqa_deliveries_total", dimensions: [("channel", channel.rawValue), ("outcome", outcome)]).increment()
    }

    static func timeToDelivery(_ channel: DeliveryChannel, milliseconds: Int64) {
        Timer(label: "bitaqa_time_to_delivery", dimensions: [("channel", channel.rawValue)], preferredDisplayUnit: .seconds)
            .recordMilliseconds(max(0, milliseconds))
    }

    static func queueDepth(checks: Int, deliveries: Int) {
        Gauge(label: "bitaqa_queue_depth", dimensions: [("queue", "checks")]).record(checks)
        Gauge(label: "bitaqa_queue_depth", dimensions: [("queue", "deliveries")]).record(deliveries)
    }
}
