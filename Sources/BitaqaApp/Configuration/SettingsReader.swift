import BitaqaCore
import Configuration
import Foundation

/// A scoped view of the configuration that reads raw strings and parses them itself, so that every
/// bad value becomes a ``ConfigurationError`` naming its environment variable instead of a silent default.
struct SettingsReader {
    let reader: ConfigReader
    let prefix: [String]

    init(_ root: ConfigReader, scope: [String]) {
        self.reader = scope.isEmpty ? root : root.scoped(to: ConfigKey(scope))
        self.prefix = scope
    }

    /// The environment variable that holds `name` in this scope, e.g. `BITAQA_HTTP_PORT`.
    func variable(_ name: String) -> String {
        (prefix + [name]).joined(separator: "_").replacingOccurrences(of: ".", with: "_").uppercased()
    }

    /// The trimmed value, nil when unset or empty.
    func string(_ name: String, secret: Bool = false) -> String? {
        let value = reader.string(forKey: ConfigKey(name.split(separator: ".").map(String.init)), isSecret: secret)
        guard let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else {
            return nil
        }
        return trimmed
    }

    func int(_ name: String, default defaultValue: Int, range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let raw = string(name) else { return defaultValue }
        guard let value = Int(raw), range.contains(value) else {
            throw ConfigurationError(
                variable(name), "'\(raw)' is not a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func double(_ name: String, default defaultValue: Double, range: ClosedRange<Double>) throws(ConfigurationError)
        -> Double
    {
        guard let raw = string(name) else { return defaultValue }
        guard let value = Double(raw), value.isFinite, range.contains(value) else {
            throw ConfigurationError(
                variable(name), "'\(raw)' is not a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A duration written in seconds, decimals allowed (`0.5`), within `range` seconds.
    func duration(_ name: String, default defaultSeconds: Double, range: ClosedRange<Double>) throws(ConfigurationError)
        -> Duration
    {
        .seconds(decimal: try double(name, default: defaultSeconds, range: range))
    }

    func bool(_ name: String, default defaultValue: Bool) throws(ConfigurationError) -> Bool {
        guard let raw = string(name) else { return defaultValue }
        switch raw.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw ConfigurationError(variable(name), "'\(raw)' is not true or false")
        }
    }

    func choice<T: RawRepresentable & CaseIterable>(_ name: String, default defaultValue: T) throws(ConfigurationError)
        -> T
    where T.RawValue == String {
        guard let raw = string(name) else { return defaultValue }
        guard let value = T(rawValue: raw.lowercased()) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError(variable(name), "'\(raw)' is not one of \(allowed)")
        }
        return value
    }
}
