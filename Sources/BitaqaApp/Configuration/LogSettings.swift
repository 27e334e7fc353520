import Configuration
import Logging

/// How the service logs.
///
/// Keys:
/// - `BITAQA_LOG_LEVEL`: `trace`, `debug`, `info` (default), `notice`, `warning`, `error`, `critical`.
/// - `BITAQA_LOG_FORMAT`: `text` (default) or `json` (one JSON object a line).
public struct LogSettings: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case text
        case json
    }

    public var level: Logger.Level
    public var format: Format

    init(reader: ConfigReader) throws(ConfigurationError) {
        let log = SettingsReader(reader, scope: ["bitaqa", "log"])
        level = try log.choice("level", default: Logger.Level.info)
        format = try log.choice("format", default: Format.text)
    }
}
