import BitaqaCore
import Logging

/// Wraps a log handler and passes every message and metadata value through the ``SecretScrubber``.
public struct ScrubbingLogHandler: LogHandler {
    private var inner: any LogHandler
    private let scrubber: SecretScrubber

    public init(wrapping inner: any LogHandler, scrubber: SecretScrubber) {
        self.inner = inner
        self.scrubber = scrubber
    }

    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue.mapValues(scrub) }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue.map(scrub) }
    }

    public func log(event: LogEvent) {
        var event = event
        event.message = "\(scrubber.scrub(event.message.description))"
        event.metadata = event.metadata?.mapValues(scrub)
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
