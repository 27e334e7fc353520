import CoreMetrics

/// `bitaqa_contacts_erased_total{reason="request|retention"}`: orders whose buyer's contacts were erased.
public struct ContactMetrics: Sendable {
    let factory: any MetricsFactory

    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func erased(_ orders: Int, reason: ContactEraser.Reason) {
        guard orders > 0 else { return }
        Counter(label: "bitaqa_contacts_erased_total", dimensions: [("reason", reason.rawValue)], factory: factory)
            .increment(by: orders)
    }

    func sealed(_ orders: Int) {
        guard orders > 0 else { return }
        Counter(label: "bitaqa_contacts_sealed_total", factory: factory).increment(by: orders)
    }
}
