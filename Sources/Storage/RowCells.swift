import Foundation
import NIOCore
import PostgresNIO
import SQLKit

/// One result row read by column position. The row types of the hot reads (``OrderRecord``,
/// ``DeliveryRecord``) are read through this, whichever driver produced the row, so there is one
/// mapping from columns to fields.
protocol RowCells {
    func text(_ index: Int) throws -> String?
    func integer(_ index: Int) throws -> Int64?
    func blob(_ index: Int) throws -> [UInt8]?
}

extension RowCells {
    /// A value the row must have; a NULL there is a row this version cannot read.
    func required<T>(_ value: T?, table: String) throws -> T {
        guard let value else { throw StorageError.corruptRow(table: table) }
        return value
    }
}

/// A SQLKit row read by the position of its column in `names`, for the paths that go through SQLKit.
struct NamedCells: RowCells {
    let row: any SQLRow
    let names: [String]

    func text(_ index: Int) throws -> String? {
        try row.decodeNil(column: names[index]) ? nil : row.decode(column: names[index], as: String.self)
    }

    func integer(_ index: Int) throws -> Int64? {
        try row.decodeNil(column: names[index]) ? nil : row.decode(column: names[index], as: Int64.self)
    }

    func blob(_ index: Int) throws -> [UInt8]? {
        try row.decodeNil(column: names[index]) ? nil : Array(row.decode(column: names[index], as: Data.self))
    }
}

/// A PostgreSQL row read straight from the wire by position: no lookup by name, no `Decodable`.
struct PostgresCells: RowCells {
    let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) {
        self.row = row.makeRandomAccess()
    }

    func text(_ index: Int) throws -> String? {
        let cell = row[index]
        return cell.bytes == nil ? nil : try cell.decode(String.self)
    }

    func integer(_ index: Int) throws -> Int64? {
        let cell = row[index]
        return cell.bytes == nil ? nil : try cell.decode(Int64.self)
    }

    func blob(_ index: Int) throws -> [UInt8]? {
        guard let bytes = row[index].bytes else { return nil }
        return Array(bytes.readableBytesView)
    }
}
