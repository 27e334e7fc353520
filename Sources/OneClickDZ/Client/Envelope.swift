import BitaqaCore
import Foundation
import Orders

/// Reads the v3 envelope tolerantly: `success` first, then `data` or `error`; `meta` and `requestId`
/// may be missing; unknown fields are ignored.
enum Envelope {
    struct Parsed {
        let success: Bool
        let data: Any?
        let meta: [String: Any]?
        let requestID: String?
        let errorCode: String?
        let errorMessage: String?
    }

    static func parse(_ body: [UInt8]) -> Parsed? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any],
            let success = object["success"] as? Bool
        else { return nil }
        let error = object["error"] as? [String: Any]
        return Parsed(
            success: success,
            data: object["data"].flatMap { $0 is NSNull ? nil : $0 },
            meta: object["meta"] as? [String: Any],
            requestID: object["requestId"] as? String,
            errorCode: error?["code"] as? String ?? (object["error"] as? String),
            errorMessage: error?["message"] as? String ?? (object["message"] as? String)
        )
    }

    // MARK: - Field readers that accept the shapes the documentation shows

    /// Whether a parsed JSON number was `true` or `false`. Not `is Bool`: on Linux a parsed `0` or `1`
    /// passes that test too, which read a quantity or a count of 1 as missing.
    static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }

    static func int(_ value: Any?) -> Int? {
        switch value {
        case let number as NSNumber where !isBoolean(number): number.intValue
        case let string as String: Int(string)
        default: nil
        }
    }

    static func double(_ value: Any?) -> Double? {
        switch value {
        case let number as NSNumber where !isBoolean(number): number.doubleValue
        case let string as String: Double(string)
        default: nil
        }
    }

    static func string(_ value: Any?) -> String? {
        switch value {
        case let string as String: string
        case let number as NSNumber where !isBoolean(number): number.stringValue
        default: nil
        }
    }

    static func bool(_ value: Any?) -> Bool? {
        switch value {
        case let bool as Bool: bool
        case let number as NSNumber: number.boolValue
        case let string as String: ["true", "1", "yes"].contains(string.lowercased())
        default: nil
        }
    }

    static func products(_ data: Any?) -> [Product]? {
        let list: [Any]?
        if let array = data as? [Any] {
            list = array
        } else if let object = data as? [String: Any] {
            list = object["products"] as? [Any]
        } else {
            list = nil
        }
        return list?.compactMap { item in
            guard let item = item as? [String: Any], let value = int(item["value"]) else { return nil }
            return Product(
                value: value, cost: double(item["cost"]) ?? Double(value), available: bool(item["available"]) ?? false)
        }
    }

    static func topup(_ data: Any?) -> TopupStatus? {
        guard let object = data as? [String: Any], let status = string(object["status"]) else { return nil }
        let upstreamStatus = UpstreamStatus(status)
        var card: FulfilledCard?
        if let code = string(object["card_code"]), !code.isEmpty {
            card = FulfilledCard(
                code: CardCode(code), transactionNumber: string(object["num_trans"]),
                processedDate: string(object["date_traitement"])
            )
        }
        return TopupStatus(
            topupId: string(object["_id"]) ?? string(object["topupId"]) ?? string(object["id"]),
            ref: string(object["ref"]) ?? string(object["topupRef"]),
            status: upstreamStatus,
            type: string(object["type"]).flatMap(CardType.init(upstream:)),
            number: string(object["number"]),
            amount: int(object["topup_amount"]) ?? int(object["value"]),
            createdAt: string(object["created_at"]),
            card: card
        )
    }

    static func page(_ data: Any?, meta: [String: Any]?) -> TopupPage? {
        let object = data as? [String: Any]
        guard let items = (object?["items"] as? [Any]) ?? (data as? [Any]) else { return nil }
        let pagination = (object?["pagination"] as? [String: Any]) ?? (meta?["pagination"] as? [String: Any]) ?? [:]
        let statuses = items.compactMap(topup).filter { $0.topupId != nil }
        return TopupPage(
            items: statuses,
            unreadable: items.count - statuses.count,
            page: int(pagination["page"]) ?? 1,
            pageSize: int(pagination["pageSize"]) ?? items.count,
            totalPages: int(pagination["totalPages"]) ?? 1,
            totalResults: int(pagination["totalResults"]) ?? items.count
        )
    }
}
