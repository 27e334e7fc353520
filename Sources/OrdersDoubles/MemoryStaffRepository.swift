import BitaqaCore
import Orders

/// Staff members in memory, as Storage keeps them: by name, the token hash unique too.
public struct MemoryStaffRepository: StaffRepository {
    let database: MemoryDatabase

    public init(database: MemoryDatabase) {
        self.database = database
    }

    public func add(_ member: StaffRecord, in transaction: Transaction) async throws -> Bool {
        try database.write(in: transaction) { tables in
            guard tables.staff[member.name] == nil,
                !tables.staff.values.contains(where: { $0.tokenHash == member.tokenHash })
            else { return false }
            tables.staff[member.name] = member
            return true
        }
    }

    public func all() async throws -> [StaffRecord] {
        try database.read { tables in tables.staff.values.sorted { $0.name < $1.name } }
    }

    public func named(_ name: String) async throws -> StaffRecord? {
        try database.read { tables in tables.staff[name] }
    }

    public func withTokenHash(_ hashes: [String]) async throws -> StaffRecord? {
        try database.read { tables in
            tables.staff.values.sorted { $0.name < $1.name }.first { hashes.contains($0.tokenHash) }
        }
    }

    public func remove(_ name: String, in transaction: Transaction) async throws -> Bool {
        try database.write(in: transaction) { tables in tables.staff.removeValue(forKey: name) != nil }
    }
}
