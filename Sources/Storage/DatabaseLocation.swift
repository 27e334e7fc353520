import BitaqaCore
import Foundation

/// Which database the service uses, parsed from `BITAQA_DATABASE_URL`.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    /// An SQLite file at an absolute or relative path.
    case sqlite(path: String)
    /// A PostgreSQL server; the URL holds the password, so it is kept as a ``Secret``.
    case postgres(url: Secret)

    /// Parses `sqlite:///abs/path.sqlite`, `sqlite://relative/path.sqlite`, `postgres://…` or
    /// `postgresql://…`. The error message never repeats the URL, which may hold a password.
    public init(url raw: String) throws(DatabaseURLError) {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("sqlite://") {
            let path = String(trimmed.dropFirst("sqlite://".count))
            guard !path.isEmpty, !path.hasSuffix("/") else {
                throw DatabaseURLError("an sqlite URL needs a file path, e.g. sqlite:///var/lib/bitaqa/bitaqa.sqlite")
            }
            self = .sqlite(path: path)
        } else if trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") {
            guard let components = URLParts(trimmed), !components.host.isEmpty else {
                throw DatabaseURLError("a postgres URL needs a host, e.g. postgres://user:pass@host:5432/db")
            }
            guard components.portIsValid else {
                throw DatabaseURLError("the port of the postgres URL is not a number between 1 and 65535")
            }
            guard !components.path.isEmpty else {
                throw DatabaseURLError("a postgres URL needs a database name, e.g. postgres://user:pass@host:5432/db")
            }
            self = .postgres(url: Secret(trimmed))
        } else {
            throw DatabaseURLError("use sqlite:///path/to/file.sqlite or postgres://user:pass@host:port/db")
        }
    }

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite (\(path))"
        case .postgres(let url): "postgres (\(URLParts(url.unsafeRevealed)?.redacted ?? "redacted"))"
        }
    }
}

/// Why a database URL was refused. The message never contains the URL.
public struct DatabaseURLError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// The few parts of a URL the checks need, without Foundation's lenient parsing.
struct URLParts {
    let host: String
    let portIsValid: Bool
    let path: String
    let user: String

    init?(_ raw: String) {
        guard let schemeEnd = raw.range(of: "://") else { return nil }
        var rest = raw[schemeEnd.upperBound...]
        var path = ""
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[rest.index(after: slash)...].prefix { $0 != "?" })
            rest = rest[..<slash]
        } else if let query = rest.firstIndex(of: "?") {
            rest = rest[..<query]
        }
        var userinfo = ""
        if let at = rest.lastIndex(of: "@") {
            userinfo = String(rest[..<at])
            rest = rest[rest.index(after: at)...]
        }
        self.user = String(userinfo.prefix { $0 != ":" })
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            self.host = String(rest[..<colon])
            let port = rest[rest.index(after: colon)...]
            self.portIsValid = Int(port).map { (1...65535).contains($0) } ?? false
        } else {
            self.host = String(rest)
            self.portIsValid = true
        }
        self.path = path
    }

    /// `user@host/db`, never the password.
    var redacted: String { (user.isEmpty ? "" : "\(user)@") + host + "/" + path }
}
