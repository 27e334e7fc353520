import CSQLiteConfig
import Foundation
import VaporCSQLite

/// A SQLite connection of Bitaqa's own, with its prepared statements kept, run on the thread that calls
/// it, by one caller at a time (its pool hands it out). It is SQLiteNIO's SQLite (the `VaporCSQLite`
/// copy), never the system's `libsqlite3`: two copies of SQLite in one process keep separate tables of
/// POSIX locks, and closing a file in one silently drops the other's locks on it
/// (sqlite.org/howtocorrupt.html §2.2.1).
final class DirectConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    /// Prepared statements by their text, the most recently used last.
    private var statements: [String: OpaquePointer] = [:]
    private var recency: [String] = []
    static let cachedStatements = 32

    enum Role {
        /// `query_only`: a reader can never write, whatever it is handed.
        case reader
        case writer
    }

    init(path: String, role: Role) throws {
        var opened: OpaquePointer?
        let status = sqlite_nio_sqlite3_open_v2(path, &opened, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite_nio_sqlite3_close_v2(opened)
            throw DirectSQLiteError(operation: "open", message: message)
        }
        handle = opened
        // A reader waits (rarely: only while another connection recovers the WAL) on its thread. The
        // writer never sleeps on a thread: another process holding the write lock is reported as
        // ``DirectSQLiteError/isBusy`` at once, and ``Store/writeDirect(_:)`` waits without blocking.
        sqlite_nio_sqlite3_busy_timeout(handle, role == .reader ? 5000 : 0)
        do {
            // A hot statement keeps its plan: without this, a bound value that might suggest another plan
            // (a range on an indexed column) made SQLite prepare the rate limiter's read again on every run.
            guard bitaqa_sqlite_enable_qpsg(UnsafeMutableRawPointer(handle)) == SQLITE_OK else {
                throw error("configure")
            }
            switch role {
            case .reader:
                try execute("PRAGMA query_only = 1")
            case .writer:
                try execute("PRAGMA synchronous = NORMAL")
                try execute("PRAGMA secure_delete = ON")
                // A checkpoint writes the database file and syncs it: never on an event loop. The store
                // runs them on its blocking pool instead (``Store/writeDirect(_:)``).
                try execute("PRAGMA wal_autocheckpoint = 0")
            }
        } catch {
            sqlite_nio_sqlite3_close_v2(handle)
            throw error
        }
    }

    deinit {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        sqlite_nio_sqlite3_close_v2(handle)
    }

    /// Runs statements that take no values and return no rows (settings).
    func execute(_ sql: String) throws {
        let status = sqlite_nio_sqlite3_exec(handle, sql, nil, nil, nil)
        guard status == SQLITE_OK else { throw error("exec") }
    }

    /// Runs `sql` with `values` and reads every row it returns.
    func rows<T>(_ sql: String, _ values: [DirectValue], _ read: (DirectCells) throws -> T) throws -> [T] {
        let statement = try prepared(sql)
        defer {
            sqlite_nio_sqlite3_reset(statement)
            sqlite_nio_sqlite3_clear_bindings(statement)
        }
        try bind(values, to: statement)
        var found: [T] = []
        while true {
            switch sqlite_nio_sqlite3_step(statement) {
            case SQLITE_ROW: found.append(try read(DirectCells(statement: statement)))
            case SQLITE_DONE: return found
            default: throw error("step")
            }
        }
    }

    /// Runs `sql` with `values`; the number of rows it changed.
    @discardableResult
    func run(_ sql: String, _ values: [DirectValue]) throws -> Int {
        _ = try rows(sql, values) { _ in () }
        return Int(sqlite_nio_sqlite3_changes(handle))
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] {
            if recency.last != sql, let index = recency.lastIndex(of: sql) {
                recency.remove(at: index)
                recency.append(sql)
            }
            return statement
        }
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(
            handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw error("prepare") }
        if recency.count == Self.cachedStatements {
            let oldest = recency.removeFirst()
            statements.removeValue(forKey: oldest).map { sqlite_nio_sqlite3_finalize($0) }
        }
        statements[sql] = statement
        recency.append(sql)
        return statement
    }

    private func bind(_ values: [DirectValue], to statement: OpaquePointer) throws {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .null: status = sqlite_nio_sqlite3_bind_null(statement, index)
            case .integer(let number): status = sqlite_nio_sqlite3_bind_int64(statement, index, number)
            case .text(let text):
                status = sqlite_nio_sqlite3_bind_text64(
                    statement, index, text, UInt64(text.utf8.count), transient, UInt8(SQLITE_UTF8))
            case .blob(let bytes):
                status = bytes.withUnsafeBytes {
                    sqlite_nio_sqlite3_bind_blob64(statement, index, $0.baseAddress, UInt64($0.count), transient)
                }
            case .texts, .integers:
                throw DirectSQLiteError(operation: "bind", message: "SQLite has no array values")
            }
            guard status == SQLITE_OK else { throw error("bind") }
        }
    }

    /// SQLite's own message and code; statements here bind values, never splice them, so neither holds
    /// a value.
    private func error(_ operation: String) -> DirectSQLiteError {
        let code = sqlite_nio_sqlite3_extended_errcode(handle)
        return DirectSQLiteError(
            operation: operation, message: String(cString: sqlite_nio_sqlite3_errmsg(handle)) + " (\(code))",
            isBusy: code & 0xFF == SQLITE_BUSY)
    }
}

/// `SQLITE_TRANSIENT`: SQLite copies the bound bytes before the call returns.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A value bound to a statement.
enum DirectValue: Sendable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])
    /// PostgreSQL only (an array value); SQLite has no arrays and refuses it.
    case texts([String])
    case integers([Int64])
}

struct DirectSQLiteError: Error, CustomStringConvertible {
    let operation: String
    let message: String
    /// Another connection holds the lock asked for (`SQLITE_BUSY`): worth asking again shortly.
    var isBusy = false

    var description: String { "sqlite \(operation) failed: \(message)" }
}

/// The row a statement stands on, read by position.
struct DirectCells: RowCells {
    let statement: OpaquePointer

    private func isNull(_ index: Int) -> Bool {
        sqlite_nio_sqlite3_column_type(statement, Int32(index)) == SQLITE_NULL
    }

    func text(_ index: Int) throws -> String? {
        guard !isNull(index), let bytes = sqlite_nio_sqlite3_column_text(statement, Int32(index)) else { return nil }
        let count = Int(sqlite_nio_sqlite3_column_bytes(statement, Int32(index)))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    func integer(_ index: Int) throws -> Int64? {
        isNull(index) ? nil : sqlite_nio_sqlite3_column_int64(statement, Int32(index))
    }

    func blob(_ index: Int) throws -> [UInt8]? {
        guard !isNull(index) else { return nil }
        let count = Int(sqlite_nio_sqlite3_column_bytes(statement, Int32(index)))
        guard count > 0, let bytes = sqlite_nio_sqlite3_column_blob(statement, Int32(index)) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }
}
