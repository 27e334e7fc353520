import BitaqaCore
import Foundation
import NIOHTTP1
import Orders

/// `/v3/gift-cards/*`. The bodies of `checkOrder` and `list` carry every code and serial: they go from
/// the envelope straight into ``CardCode`` values and are never logged (the transport logs only the
/// route, status and request id).
extension OneClickDZClient: GiftCardUpstream {
    /// `GET /v3/gift-cards/catalog`.
    public func catalog() async throws(UpstreamError) -> GiftCardCatalog {
        let envelope = try await giftCardCall(.GET, "/gift-cards/catalog")
        let data = envelope.data as? [String: Any]
        guard let categories = (data?["categories"] as? [Any]) ?? (envelope.data as? [Any]) else {
            throw UpstreamError(.malformed, requestID: envelope.requestID)
        }
        return GiftCardCatalog(
            categories: categories.compactMap { item in
                guard let category = item as? [String: Any] else { return nil }
                let products = (category["products"] as? [Any] ?? []).compactMap { item -> GiftCardListing? in
                    guard let product = item as? [String: Any],
                        let id = Envelope.string(product["id"]) ?? Envelope.string(product["_id"])
                    else { return nil }
                    return GiftCardListing(
                        id: id, title: Envelope.string(product["title"]) ?? id,
                        enabled: Envelope.bool(product["enabled"]) ?? true,
                        region: Envelope.string(product["region"]).flatMap { $0.isEmpty ? nil : $0 })
                }
                return GiftCardCategory(name: Envelope.string(category["name"]) ?? "", products: products)
            })
    }

    /// `GET /v3/gift-cards/checkProduct/{productId}`; the stock is the type's `quantity`.
    public func product(_ productId: String) async throws(UpstreamError) -> GiftCardProduct {
        let envelope = try await giftCardCall(.GET, "/gift-cards/checkProduct/" + Self.pathSegment(productId))
        guard let data = envelope.data as? [String: Any], let types = data["types"] as? [Any] else {
            throw UpstreamError(.malformed, requestID: envelope.requestID)
        }
        return GiftCardProduct(
            productId: Envelope.string(data["productId"]) ?? productId,
            title: Envelope.string(data["productTitle"]) ?? Envelope.string(data["title"]) ?? productId,
            types: types.compactMap { item in
                guard let type = item as? [String: Any], let id = Envelope.string(type["id"] ?? type["_id"]) else {
                    return nil
                }
                return GiftCardType(
                    id: id, name: Envelope.string(type["name"]) ?? id, price: Self.number(type["price"]) ?? 0,
                    stock: Self.integer(type["quantity"]) ?? Self.integer(type["stock"]) ?? 0)
            })
    }

    /// `POST /v3/gift-cards/placeOrder`, sent exactly once: the upstream has no idempotency key, so a
    /// retry after a lost answer would buy the cards twice. A failure with
    /// ``UpstreamError/mayHaveBeenCarriedOut`` is for the caller to resolve through ``list``.
    public func placeOrder(productId: String, typeId: String, quantity: Int) async throws(UpstreamError) -> String {
        let body: [String: Any] = ["productId": productId, "typeId": typeId, "quantity": quantity]
        let envelope = try await giftCardCall(.POST, "/gift-cards/placeOrder", body: body, idempotent: false)
        let data = envelope.data as? [String: Any]
        guard let orderId = Envelope.string(data?["orderId"]) ?? Envelope.string(data?["_id"]), !orderId.isEmpty
        else {
            // Carried out, most likely, but unusable: `.malformed` says so.
            throw UpstreamError(.malformed, requestID: envelope.requestID)
        }
        return orderId
    }

    /// `GET /v3/gift-cards/checkOrder/{orderId}`.
    public func checkOrder(_ orderId: String) async throws(UpstreamError) -> GiftCardOrderState {
        let envelope = try await giftCardCall(.GET, "/gift-cards/checkOrder/" + Self.pathSegment(orderId))
        guard let state = Self.giftCardOrder(envelope.data) else {
            throw UpstreamError(.malformed, requestID: envelope.requestID)
        }
        return state
    }

    /// `GET /v3/gift-cards/list?from=&to=&page=&pageSize=`. An item without an id or a status fails the
    /// whole page: a caller looking for a lost order must not conclude it is absent.
    public func list(from: Int64?, to: Int64?, page: Int, pageSize: Int) async throws(UpstreamError)
        -> GiftCardOrderPage
    {
        var query = ["page": String(max(1, page)), "pageSize": String(min(100, max(1, pageSize)))]
        if let from { query["from"] = Timestamp.iso8601(from) }
        if let to { query["to"] = Timestamp.iso8601(to) }
        let envelope = try await giftCardCall(.GET, "/gift-cards/list", query: query)
        let data = envelope.data as? [String: Any]
        guard let raw = (data?["items"] as? [Any]) ?? (envelope.data as? [Any]) else {
            throw UpstreamError(.malformed, requestID: envelope.requestID)
        }
        let items = raw.compactMap(Self.giftCardOrder)
        guard items.count == raw.count else { throw UpstreamError(.malformed, requestID: envelope.requestID) }
        let pagination =
            (data?["pagination"] as? [String: Any]) ?? (envelope.meta?["pagination"] as? [String: Any]) ?? [:]
        return GiftCardOrderPage(
            items: items, page: Self.integer(pagination["page"]) ?? max(1, page),
            totalPages: Self.integer(pagination["totalPages"]) ?? 1,
            totalResults: Self.integer(pagination["totalResults"]) ?? items.count)
    }

    // MARK: - Reading

    /// One call through the shared transport, with the gift-card refusals made distinguishable.
    private func giftCardCall(
        _ method: HTTPMethod, _ path: String, query: [String: String] = [:], body: [String: Any]? = nil,
        idempotent: Bool = true
    ) async throws(UpstreamError) -> Envelope.Parsed {
        do {
            return try await call(method, path, query: query, body: body, idempotent: idempotent)
        } catch {
            throw Self.giftCardError(error)
        }
    }

    /// A not-found code is a not-found whatever status carried it, so callers need test only `isNotFound`.
    static func giftCardError(_ error: UpstreamError) -> UpstreamError {
        guard !error.isNotFound, let code = error.code,
            ["NOT_FOUND", "PRODUCT_NOT_FOUND", "ORDER_NOT_FOUND"].contains(code)
        else { return error }
        return UpstreamError(
            .notFound, code: code, httpStatus: error.httpStatus, requestID: error.requestID, message: error.message)
    }

    /// An order as `checkOrder` and the list's items show it; nil without an id or a status.
    static func giftCardOrder(_ data: Any?) -> GiftCardOrderState? {
        guard let object = data as? [String: Any],
            let orderId = Envelope.string(object["_id"]) ?? Envelope.string(object["orderId"]),
            let status = Envelope.string(object["status"])
        else { return nil }
        let time = Envelope.string(object["time"]) ?? Envelope.string(object["created_at"])
        let cards = (object["cards"] as? [Any] ?? []).compactMap { item -> GiftCardSecret? in
            guard let card = item as? [String: Any], let value = Envelope.string(card["value"]), !value.isEmpty else {
                return nil
            }
            return GiftCardSecret(
                code: CardCode(value),
                serial: Envelope.string(card["serial"]).flatMap { $0.isEmpty ? nil : CardCode($0) })
        }
        return GiftCardOrderState(
            orderId: orderId, status: GiftCardUpstreamStatus(status), quantity: Self.integer(object["quantity"]) ?? 0,
            productId: reference(object["product"], names: ["title", "name"]) ?? Envelope.string(object["productId"])
                ?? "",
            typeId: reference(object["type"], names: ["name", "title"]) ?? Envelope.string(object["typeId"]) ?? "",
            createdAt: time.flatMap(Timestamp.parse) ?? 0,
            fulfilledQuantity: Self.integer(object["fulfilled_quantity"]),
            pricePerCard: Self.number(object["price_per_card"]), cards: cards)
    }

    /// A JSON number as an `Int`. Not `Envelope.int`: on Linux, Foundation's parsed 0 and 1 also pass
    /// `is Bool`, which would turn a quantity of 1 into nothing.
    static func integer(_ value: Any?) -> Int? {
        if let string = value as? String { return Int(string) }
        guard let number = value as? NSNumber, !isBoolean(number) else { return nil }
        return number.intValue
    }

    static func number(_ value: Any?) -> Double? {
        if let string = value as? String { return Double(string) }
        guard let number = value as? NSNumber, !isBoolean(number) else { return nil }
        return number.doubleValue
    }

    /// JSON's `true` and `false` are the only NSNumbers of type `c` (char) that parsing makes.
    static func isBoolean(_ number: NSNumber) -> Bool {
        number.objCType.pointee == CChar(UInt8(ascii: "c"))
    }

    /// `product` and `type` of an order: an id as a string, or an object with its id (or, failing that,
    /// its name), as the documentation does not say which.
    static func reference(_ value: Any?, names: [String]) -> String? {
        if let id = Envelope.string(value) { return id }
        guard let object = value as? [String: Any] else { return nil }
        for key in ["_id", "id"] + names {
            if let found = Envelope.string(object[key]), !found.isEmpty { return found }
        }
        return nil
    }
}
