import BitaqaCore
import Logging

/// Wraps a log handler and passes every message and metadata value through the ``SecretScrubber``.
///
/// The handler's own metadata is kept as set and scrubbed only when a message is actually written:
/// a request sets its metadata whether or not anything is logged, and scrubbing is a string search
/// per known secret, far too dear to pay on every request at the `error` level.
public struct ScrubbingLogHandler: LogHandler {
    private var inner: any LogHandler
    private let scrubber: SecretScrubber
    public var metadata: Logger.Metadata = [:]

    public init(wrapping inner: any LogHandler, scrubber: SecretScrubber) {
        self.inner = inner
        self.scrubber = scrubber
        self.metadata = inner.metadata
        self.inner.metadata = [:]
    }

    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        event.message = "\(scrubber.scrub(event.message.description))"
        // The handler's metadata travels with the event; the event's own values win, as in any handler.
        let merged = metadata.merging(event.metadata ?? [:]) { _, explicit in explicit }
        event.metadata = merged.isEmpty ? nil : merged.mapValues(scrub)
        inner.log(event: event)
    }

    private func scrub(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let string): .string(scrubber.scrub(string))
        case .stringConvertible(let convertible): .string(scrubber.scrub(convertible.description))
        case .array(let array): .array(array.map(scrub))
        case .dictionary(let dictionary): .dictionary(dictionary.mapValues(scrub))
        }
    }
}
