import BitaqaCore
import Foundation

/// A console session as stored: its id's hash, its CSRF token, and its life; the staff member who opened
/// it (nil: the admin token) and a MAC binding that member to the session, so a database writer cannot
/// hand a session to another member.
public struct ConsoleSessionRecord: Sendable, Equatable {
    public let idHash: String
    public let csrf: String
    public let createdAt: Int64
    public let expiresAt: Int64
    public let member: String?
    public let memberMAC: String?

    public init(
        idHash: String, csrf: String, createdAt: Int64, expiresAt: Int64, member: String? = nil,
        memberMAC: String? = nil
    ) {
        self.idHash = idHash
        self.csrf = csrf
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.member = member
        self.memberMAC = memberMAC
    }
}

public protocol ConsoleSessionRepository: Sendable {
    func create(_ session: ConsoleSessionRecord) async throws
    /// The session with this id hash, unless it ended or expired at `now`.
    func live(_ idHash: String, now: Int64) async throws -> ConsoleSessionRecord?
    func end(_ idHash: String, now: Int64) async throws
    /// Ends every live session the staff member `member` opened.
    func end(member: String, now: Int64, in transaction: Transaction) async throws
}
