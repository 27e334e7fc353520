import BitaqaCore
import CardVault
import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import Synchronization

/// The service's database: a pool of connections to SQLite or PostgreSQL, and the few operations
/// every repository builds on (a query handle, transactions, a health probe).
///
/// Only Storage speaks SQL: the handle is `package`, so other targets reach the database through the
/// repositories (``Repositories``) and the ``Transaction`` values they hand around.
public final class Store: Sendable {
    /// The two databases Bitaqa supports; SQL that differs between them switches on this.
    public enum Kind: String, Sendable {
        case sqlite
        case postgres
    }

    public let kind: Kind
    public let location: DatabaseLocation
    /// Seals buyers' contacts in the order rows and makes their search index; nil only for a store a
    /// test opens to write rows as a version before sealed contacts did (kept in clear).
    public let contacts: ContactSeal?
    private let databases: Databases
    private let eventLoopGroup: any EventLoopGroup
    private let ownThreadPool: NIOThreadPool?
    let logger: Logger
    private let isShutDown = Atomic<Bool>(false)
    /// SQLite only: write transactions queue here for their own connections, so that readers keep the
    /// per-loop connections and never wait behind a transaction.
    private let writers: WriterQueue?
    /// SQLite only: connections of Bitaqa's own for the hot statements (``hotRows(_:_:in:_:)``).
    let direct: DirectPool?
    private let checkpoints = Mutex<(writes: Int, running: Task<Void, Never>?)>((0, nil))
    static let writerID = DatabaseID(string: "sqlite-writer")

    /// Opens the pool. For SQLite it creates the directory (mode 0700), switches the file to WAL mode
    /// and sets a busy timeout on every pooled connection.
    public static func open(
        _ location: DatabaseLocation,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        maxPostgresConnectionsPerLoop: Int = 4,
        contacts: ContactSeal? = nil
    ) async throws -> Store {
        // SQLite runs each statement on a blocking thread, and a statement waiting for another
        // connection's write lock holds its thread for up to the busy timeout. A pool of our own with
        // a thread per connection means a waiting connection can never starve the one holding the lock.
        let threadPool: NIOThreadPool
        if case .sqlite = location {
            // Two pools (readers and writers), one connection per loop each.
            threadPool = NIOThreadPool(
                numberOfThreads: 2 * eventLoopGroup.makeIterator().reduce(0) { count, _ in count + 1 })
            threadPool.start()
        } else {
            threadPool = NIOThreadPool.singleton
        }
        let databases = Databases(threadPool: threadPool, on: eventLoopGroup)
        // Bound values (contacts, ciphertext) appear in SQL logs, so SQL is never logged below info.
        var databaseLogger = logger
        databaseLogger.logLevel = max(logger.logLevel, .info)
        let kind: Kind
        var direct: DirectPool?
        switch location {
        case .sqlite(let path):
            try SQLiteFiles.prepareDirectory(for: path)
            direct = try DirectPool(path: path)
            databases.use(.sqlite(.file(path), sqlLogLevel: nil), as: .sqlite, isDefault: true)
            databases.use(.sqlite(.file(path), sqlLogLevel: nil), as: Store.writerID, isDefault: false)
            kind = .sqlite
        case .postgres(let url):
            var configuration: SQLPostgresConfiguration
            do {
                configuration = try SQLPostgresConfiguration(url: url.unsafeRevealed)
            } catch {
                throw DatabaseURLError("the postgres URL could not be read")
            }
            // A process that freezes (SIGSTOP, a long pause) inside a transaction would hold its row locks
            // and stop every other process's heartbeat reaper from freeing its work; the server ends such
            // a session after 5 s, so its locks go and the others can take its work back.
            configuration.coreConfiguration.options.additionalStartupParameters.append(
                ("idle_in_transaction_session_timeout", "5000"))
            databases.use(
                .postgres(
                    configuration: configuration,
                    maxConnectionsPerEventLoop: maxPostgresConnectionsPerLoop,
                    connectionPoolTimeout: .seconds(10),
                    sqlLogLevel: .trace
                ),
                as: .psql
            )
            kind = .postgres
        }
        let store = Store(
            kind: kind, location: location, databases: databases, group: eventLoopGroup,
            threadPool: kind == .sqlite ? threadPool : nil, logger: databaseLogger, contacts: contacts, direct: direct
        )
        do {
            try await store.configureConnections()
        } catch {
            await store.shutdown()
            throw error
        }
        return store
    }

    private init(
        kind: Kind, location: DatabaseLocation, databases: Databases, group: any EventLoopGroup,
        threadPool: NIOThreadPool?, logger: Logger, contacts: ContactSeal?, direct: DirectPool?
    ) {
        self.contacts = contacts
        self.direct = direct
        self.ownThreadPool = threadPool
        self.writers = kind == .sqlite ? WriterQueue() : nil
        self.kind = kind
        self.location = location
        self.databases = databases
        self.eventLoopGroup = group
        self.logger = logger
    }

    /// A handle for one statement at a time, on any pooled connection. Throws ``StorageError/closed``
    /// once the pool is shut down, rather than trapping.
    package var sql: any SQLDatabase {
        get throws { try Self.sqlDatabase(database()) }
    }

    private func database(_ id: DatabaseID? = nil, on eventLoop: (any EventLoop)? = nil) throws -> any Database {
        guard let database = databases.database(id, logger: logger, on: eventLoop ?? eventLoopGroup.any()) else {
            throw StorageError.closed
        }
        return database
    }

    private static func sqlDatabase(_ database: any Database) throws -> any SQLDatabase {
        guard let sql = database as? any SQLDatabase else { throw StorageError.notSQL }
        return sql
    }

    /// Runs `body` in one transaction on one connection; commits when it returns, rolls back when it throws.
    ///
    /// On SQLite the transaction starts with `BEGIN IMMEDIATE`, taking the write lock at once, so that
    /// two processes never both read and then fail to upgrade to a write (`SQLITE_BUSY`). It runs on a
    /// writer connection of its own after the process's previous write transaction (``WriterQueue``),
    /// so a transaction never holds a connection that readers need; a transaction begun inside another
    /// throws rather than waiting for itself.
    public func transaction<T: Sendable>(
        _ body: @escaping @Sendable (Transaction) async throws -> T
    ) async throws -> T {
        guard let writers else { return try await run(body, on: database()) }
        return try await writers.withTurn { try await run(body, on: database(Self.writerID)) }
    }

    /// Runs writes that need no transaction (one statement is atomic by itself), queued with the write
    /// transactions on SQLite so that they never meet the busy handler in this process.
    package func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T)
        async throws -> T
    {
        guard let writers else { return try await body(sql) }
        return try await writers.withTurn { try await body(Self.sqlDatabase(database(Self.writerID))) }
    }

    /// SQLite only: runs `body` on the writer of Bitaqa's own (``DirectPool``), on this thread, in the
    /// writer turn with every other write of this process.
    ///
    /// While another process holds SQLite's write lock, `body` fails with ``DirectSQLiteError/isBusy``
    /// (its writer has no busy timeout) and is run again after a pause that does not hold a thread, as
    /// SQLite's own busy handler would (1, 2, 5, 10, … 100 ms), for up to 5 s; `body` must therefore begin
    /// its transaction first and leave nothing behind when it throws.
    func writeDirect<T: Sendable>(_ body: @escaping @Sendable (DirectConnection) throws -> T) async throws -> T {
        guard let writers, let direct else { throw StorageError.notSQL }
        defer { checkpointNowAndThen() }
        return try await writers.withTurn {
            let pauses: [Int] = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50]
            var waited = 0
            var attempt = 0
            while true {
                do {
                    return try direct.write(body)
                } catch let error as DirectSQLiteError where error.isBusy && waited < 5_000 {
                    let pause = attempt < pauses.count ? pauses[attempt] : 100
                    attempt += 1
                    waited += pause
                    try await Task.sleep(for: .milliseconds(pause))
                }
            }
        }
    }

    /// Every 100 writes of the writer of Bitaqa's own (which does not checkpoint by itself), a passive
    /// checkpoint on the blocking pool: it copies the WAL into the database file and syncs it, without
    /// a lock that readers or the writer wait for, and off the event loops. One at a time; ``shutdown()``
    /// waits for it.
    private func checkpointNowAndThen() {
        checkpoints.withLock { state in
            state.writes += 1
            guard state.writes >= 100, state.running == nil, !isShutDown.load(ordering: .acquiring) else { return }
            state.writes = 0
            state.running = Task { [self] in
                _ = try? await sql.raw("PRAGMA wal_checkpoint(PASSIVE)").all()
                checkpoints.withLock { $0.running = nil }
            }
        }
    }

    private func run<T: Sendable>(
        _ body: @escaping @Sendable (Transaction) async throws -> T, on database: any Database
    ) async throws -> T {
        let begin = kind == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN"
        return try await database.withConnection { connection in
            let sql = try Self.sqlDatabase(connection)
            try await sql.raw(SQLQueryString(begin)).run()
            do {
                let result = try await body(Transaction(sql: sql, kind: self.kind, logger: self.logger))
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// Answers whether the database executes a trivial query.
    public func ping() async throws {
        _ = try await sql.raw("SELECT 1 AS ok").all()
    }

    /// Closes the pool; a second call does nothing.
    public func shutdown() async {
        guard !isShutDown.exchange(true, ordering: .acquiringAndReleasing) else { return }
        await checkpoints.withLock { $0.running }?.value
        direct?.close()
        await databases.shutdownAsync()
        try? await ownThreadPool?.shutdownGracefully()
    }

    private func configureConnections() async throws {
        guard kind == .sqlite else {
            try await ping()
            return
        }
        // WAL is a property of the file; the busy timeout belongs to each connection, and the pool
        // keeps one connection per event loop, so each loop's connection is configured once here.
        _ = try await sql.raw("PRAGMA journal_mode = WAL").all()
        for eventLoop in eventLoopGroup.makeIterator() {
            for id in [DatabaseID.sqlite, Self.writerID] {
                let connection = try Self.sqlDatabase(database(id, on: eventLoop))
                _ = try await connection.raw("PRAGMA busy_timeout = 5000").all()
                _ = try await connection.raw("PRAGMA synchronous = NORMAL").all()
                // An erased contact (and a contact in clear from before sealing) must not linger in
                // freed pages of the file.
                _ = try await connection.raw("PRAGMA secure_delete = ON").all()
            }
        }
    }
}

enum SQLiteFiles {
    /// Creates the database's directory with mode 0700 and the file with mode 0600 when they do not
    /// exist; SQLite gives its `-wal` and `-shm` files the mode of the database file.
    static func prepareDirectory(for path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw DatabaseURLError("the folder of the sqlite database is a file: \(directory)")
            }
        } else {
            try FileManager.default.createDirectory(
                atPath: directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        }
        let descriptor = Foundation.open(path, O_CREAT | O_WRONLY, 0o600)
        guard descriptor >= 0 else {
            throw DatabaseURLError("cannot create the sqlite database file \(path)")
        }
        close(descriptor)
    }
}
