import Foundation
import SQLKit
import Storage

extension CanarySearch {
    /// What a database holds, as places to search: the SQLite files (main, WAL, journal) as bytes, or
    /// every PostgreSQL table as JSON text (the bytes on disk are the server's).
    public static func databaseContents(_ location: DatabaseLocation) async throws -> [String: [UInt8]] {
        switch location {
        case .sqlite(let path):
            return databaseFiles(path)
        case .postgres:
            var places: [String: [UInt8]] = [:]
            let store = try await Store.open(location, logger: TestDatabase.quietLogger)
            do {
                let tables = try await store.sql.raw(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                ).all()
                for row in tables {
                    let table = try row.decode(column: "tablename", as: String.self)
                    let rows = try await store.sql.raw("SELECT row_to_json(t)::text AS row FROM \(ident: table) t")
                        .all()
                    let text = try rows.map { try $0.decode(column: "row", as: String.self) }.joined(separator: "\n")
                    places["table \(table)"] = Array(text.utf8)
                }
            } catch {
                await store.shutdown()
                throw error
            }
            await store.shutdown()
            return places
        }
    }
}
