/// A setting that stops the process at startup (exit code 2). The message names the setting and
/// never repeats a secret value.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The environment variable name of the setting.
    public let setting: String
    public let reason: String

    public init(_ setting: String, _ reason: String) {
        self.setting = setting
        self.reason = reason
    }

    public var description: String { "\(setting): \(reason)" }
}
