import Logging
import Synchronization

/// Keeps every log line the domain writes, with its metadata, so a test can look for what must be
/// said (a warning) and what must never be (a card code).
public final class RecordingLog: Sendable {
    /// One line as written.
    public struct Line: Sendable {
        public let level: Logger.Level
        public let message: String
        public let metadata: [String: String]
    }

    private let lines = Mutex<[Line]>([])

    public init() {}

    /// A logger that writes here, at every level.
    public func logger(_ label: String = "bitaqa.test") -> Logger {
        Logger(label: label) { _ in Handler(log: self) }
    }

    public var all: [Line] { lines.withLock { $0 } }

    /// Every line and its metadata as one text.
    public var text: String {
        all.map { line in
            ([line.message] + line.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
                .joined(separator: " ")
        }.joined(separator: "\n")
    }

    fileprivate func append(_ line: Line) {
        lines.withLock { $0.append(line) }
    }

    private struct Handler: LogHandler {
        let log: RecordingLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            log.append(
                Line(
                    level: event.level, message: "\(event.message)",
                    metadata: merged.mapValues { "\($0)" }))
        }
    }
}
