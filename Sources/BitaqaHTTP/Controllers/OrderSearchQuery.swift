import BitaqaCore
import Hummingbird
import Orders

/// The order list's query parameters, checked: a bad one is 400 naming it, never echoing its value.
enum OrderSearchQuery {
    static func parse(_ query: Parameters) throws -> OrderSearch {
        var search = OrderSearch()
        func value(_ name: String) -> String? {
            query.get(name).map { String($0) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        if let raw = value("status") {
            guard let status = OrderStatus(rawValue: raw.uppercased()) else {
                throw PublicError.badRequest("status must be HANDLING, QUEUED, FULFILLED or REFUNDED")
            }
            search.status = status
        }
        if let raw = value("delivery") {
            guard let state = DeliveryState(rawValue: raw), state != .sending else {
                throw PublicError.badRequest("delivery must be pending, failed or delivered")
            }
            search.delivery = state
        }
        if let raw = value("userId") {
            guard let user = UserID(raw) else { throw PublicError.badRequest("userId is not a user id") }
            search.userId = user
        }
        if let raw = value("type") {
            guard let type = CardType(rawValue: raw.uppercased()) else {
                throw PublicError.badRequest("type must be ADSL or 4G")
            }
            search.type = type
        }
        if let raw = value("value") {
            guard let amount = Int(raw), (1...1_000_000).contains(amount) else {
                throw PublicError.badRequest("value must be a whole number of DZD")
            }
            search.value = amount
        }
        if let raw = value("q") {
            guard raw.count <= 254 else { throw PublicError.badRequest("q is too long") }
            search.query = raw
        }
        for (name, keyPath) in [("from", \OrderSearch.from), ("to", \OrderSearch.to)] {
            if let raw = value(name) {
                guard let time = Timestamp.parse(raw) else {
                    throw PublicError.badRequest("\(name) must be an ISO 8601 time such as 2026-12-01T00:00:00Z")
                }
                search[keyPath: keyPath] = time
            }
        }
        if let raw = value("limit") {
            guard let limit = Int(raw), (1...200).contains(limit) else {
                throw PublicError.badRequest("limit must be a whole number from 1 to 200")
            }
            search.limit = limit
        }
        if let raw = value("cursor") {
            guard let position = OrderListing.position(raw) else { throw PublicError.badRequest("cursor is not valid") }
            search.after = position
        }
        return search
    }
}
