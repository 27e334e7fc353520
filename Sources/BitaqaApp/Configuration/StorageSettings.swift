import Configuration
import Foundation
import Storage

/// Where data lives.
///
/// Keys:
/// - `BITAQA_DATA_DIR`: folder of the embedded database and development spools, default `./data`.
/// - `BITAQA_DATABASE_URL`: `sqlite:///abs/path.sqlite` or `postgres://user:pass@host:port/db`,
///   default `sqlite://<data dir>/bitaqa.sqlite`. Read as a secret: it may hold a password.
/// - `BITAQA_DATABASE_POOL_SIZE`: PostgreSQL connections per process (default 8, spread over the
///   event loops). SQLite uses one connection per event loop.
public struct StorageSettings: Sendable {
    public var dataDirectory: String
    public var database: DatabaseLocation
    public var poolSize: Int

    init(reader: ConfigReader) throws(ConfigurationError) {
        let root = SettingsReader(reader, scope: ["bitaqa"])
        let directory = root.string("data.dir") ?? "./data"
        poolSize = try root.int("database.pool.size", default: 8, range: 1...512)
        dataDirectory = URL(fileURLWithPath: directory).standardizedFileURL.path
        if let raw = root.string("database.url", secret: true) {
            do {
                database = try DatabaseLocation(url: raw)
            } catch {
                throw ConfigurationError("BITAQA_DATABASE_URL", error.description)
            }
        } else {
            database = .sqlite(path: dataDirectory + "/bitaqa.sqlite")
        }
    }
}
