import Configuration
import Foundation
import Storage

/// Where data lives.
///
/// Keys:
/// - `BITAQA_DATA_DIR`: folder of the embedded database and development spools, default `./data`.
/// - `BITAQA_DATABASE_URL`: `sqlite:///abs/path.sqlite` or `postgres://user:pass@host:port/db`,
///   default `sqlite://<data dir>/bitaqa.sqlite`. Read as a secret: it may hold a password.
public struct StorageSettings: Sendable {
    public var dataDirectory: String
    public var database: DatabaseLocation

    init(reader: ConfigReader) throws(ConfigurationError) {
        let root = SettingsReader(reader, scope: ["bitaqa"])
        let directory = root.string("data.dir") ?? "./data"
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
