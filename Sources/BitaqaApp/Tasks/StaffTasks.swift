import BitaqaCore
import Logging
import Orders

/// `bitaqa staff add|list|remove`: the staff directory of the composition root, audited with the actor
/// `bitaqa staff`.
public enum StaffTasks {
    static let actor = "bitaqa staff"

    /// Adds a member and returns its token, to be printed once.
    public static func add(_ configuration: BitaqaConfiguration, name: String, role: StaffRole, logger: Logger)
        async throws -> Secret
    {
        try await Composition.withCommand("staff add", configuration, logger: logger) { app in
            try await app.staff.add(name: name, role: role, actor: actor).token
        }
    }

    public static func list(_ configuration: BitaqaConfiguration, logger: Logger) async throws
        -> [StaffDirectory.Member]
    {
        try await Composition.withCommand("staff list", configuration, logger: logger) { app in
            try await app.staff.list()
        }
    }

    public static func remove(_ configuration: BitaqaConfiguration, name: String, logger: Logger) async throws {
        try await Composition.withCommand("staff remove", configuration, logger: logger) { app in
            try await app.staff.remove(name: name, actor: actor)
        }
    }
}
