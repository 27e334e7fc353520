import BitaqaCore
import Logging
import Orders

/// `bitaqa buyers export|erase`: a buyer's requests about their personal data, through the composition
/// root's ``BuyerData`` (the same use case as `/v1/buyers/{userId}`), audited with the actor `bitaqa buyers`.
public enum BuyerTasks {
    static let actor = "bitaqa buyers"

    public static func export(_ configuration: BitaqaConfiguration, userId: UserID, logger: Logger) async throws
        -> BuyerData.Export
    {
        try await Composition.withCommand("buyers export", configuration, logger: logger) { app in
            try await app.buyers.export(userId, actor: actor, requestID: nil)
        }
    }

    public static func erase(_ configuration: BitaqaConfiguration, userId: UserID, logger: Logger) async throws
        -> BuyerData.Erasure
    {
        try await Composition.withCommand("buyers erase", configuration, logger: logger) { app in
            try await app.buyers.erase(userId, actor: actor, requestID: nil)
        }
    }
}
