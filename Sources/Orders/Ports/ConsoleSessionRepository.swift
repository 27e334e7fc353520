import Foundation

/// A console session as stored: its id's hash, its CSRF token, and its life.
public struct ConsoleSessionRecord: Sendable, Equatable {
    public let idHash: String
    public let csrf: String
    public let createdAt: Int64
    public let expiresAt: Int64

    public init(idHash: String, csrf: String, createdAt: Int64, expiresAt: Int64) {
        self.idHash = idHash
        self.csrf = csrf
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

public protocol ConsoleSessionRepository: Sendable {
    func create(_ session: ConsoleSessionRecord) async throws
    /// The session with this id hash, unless it ended or expired at `now`.
    func live(_ idHash: String, now: Int64) async throws -> ConsoleSessionRecord?
    func end(_ idHash: String, now: Int64) async throws
}
