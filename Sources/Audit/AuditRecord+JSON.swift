import BitaqaCore
import Foundation

extension AuditRecord: Encodable {
    enum CodingKeys: String, CodingKey {
        case sequence, at, kind, topupId, actor, requestId, details, previousHash, hash
    }

    /// One JSON object per event, the shape of `bitaqa audit export` and `GET /v1/audit`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sequence, forKey: .sequence)
        try container.encode(Self.iso8601(at), forKey: .at)
        try container.encode(event.kind.rawValue, forKey: .kind)
        try container.encode(event.topupId?.rawValue, forKey: .topupId)
        try container.encode(event.actor, forKey: .actor)
        try container.encode(event.requestID, forKey: .requestId)
        try container.encode(event.details, forKey: .details)
        try container.encode(previousHash, forKey: .previousHash)
        try container.encode(hash, forKey: .hash)
    }

    static func iso8601(_ millis: Int64) -> String {
        Date(timeIntervalSince1970: Double(millis) / 1000)
            .formatted(
                .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    /// The record as one line of JSON with sorted keys.
    public func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
