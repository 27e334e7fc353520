import CoreMetrics
import Prometheus

/// The application's Prometheus registry and the swift-metrics factory that records into it.
///
/// A value handed to whatever records metrics, never the process-wide `MetricsSystem`: tests build many
/// applications in one process, and each one's `/metrics` shows only its own figures.
public struct MetricsRegistry: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: PrometheusMetricsFactory

    public init() {
        registry = PrometheusCollectorRegistry()
        factory = PrometheusMetricsFactory(registry: registry)
    }

    /// The metrics in Prometheus text format.
    func render() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
