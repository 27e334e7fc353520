import Logging
import NIOConcurrencyHelpers

/// A log handler that keeps every rendered line, to search for what must never be logged.
public final class LogCapture: Sendable {
    private let lines = NIOLockedValueBox<[String]>([])

    public init() {}

    /// A logger at `trace` that records into this capture.
    public func logger(label: String = "bitaqa-test") -> Logger {
        Logger(label: label) { label in CaptureHandler(label: label, capture: self) }
    }

    public var text: String { lines.withLockedValue { $0.joined(separator: "\n") } }

    fileprivate func append(_ line: String) {
        lines.withLockedValue { $0.append(line) }
    }
}

private struct CaptureHandler: LogHandler {
    let label: String
    let capture: LogCapture
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        capture.append("\(event.level) \(event.message) \(merged)")
    }
}
