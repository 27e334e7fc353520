import Logging
import Synchronization

/// Keeps every log line a ``Logger`` made, to check that secrets never reach the logs.
final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] {
        self.lines.withLock { $0 }
    }

    func logger() -> Logger {
        var logger = Logger(label: "smtp.test") { _ in RecordingLogHandler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ line: String) {
        self.lines.withLock { $0.append(line) }
    }
}

private struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let metadata = self.metadata.merging(event.metadata ?? [:]) { $1 }
        self.recorder.append("\(event.level) \(event.message) \(metadata) \(event.error.map { "\($0)" } ?? "")")
    }
}
