import Metrics
import Prometheus

/// The process's one Prometheus registry, installed as the swift-metrics backend on first use.
///
/// swift-metrics can be bootstrapped once per process; tests build many applications in one process,
/// so the bootstrap lives in a lazily initialised global rather than in `buildApplication`.
enum MetricsRegistry {
    static let shared: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    /// The metrics in Prometheus text format.
    static func render() -> [UInt8] {
        var buffer: [UInt8] = []
        shared.emit(into: &buffer)
        return buffer
    }
}
