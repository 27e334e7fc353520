import BitaqaCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Orders

/// The v3 endpoints the sandbox implements.
struct SandboxRoutes {
    let state: SandboxState

    func add(to group: RouterGroup<BasicRequestContext>) {
        group.get("validate") { _, _ in
            SandboxReply.ok([
                "username": "+213550000000",
                "apiKey": [
                    "key": "sandbox", "isEnabled": true, "type": "SANDBOX", "allowedips": [String](),
                    "scope": "READ-WRITE",
                ],
            ])
        }
        group.get("account/balance") { _, _ in
            SandboxReply.ok(["balance": (await state.balance * 100).rounded() / 100])
        }
        group.get("internet/products") { request, _ in
            guard let type = request.uri.queryParameters.get("type").flatMap(CardType.init(rawValue:)) else {
                return SandboxReply.error(.badRequest, "ERR_VALIDATION", "type must be ADSL or 4G")
            }
            let products = await state.products(type).map {
                ["value": $0.value, "cost": $0.cost, "available": $0.available] as [String: Any]
            }
            return SandboxReply.ok(["type": type.rawValue, "products": products])
        }
        group.get("internet/check-number") { request, _ in
            guard let type = request.uri.queryParameters.get("type").flatMap(CardType.init(rawValue:)),
                let rawNumber = request.uri.queryParameters.get("number")
            else {
                return SandboxReply.error(.badRequest, "ERR_VALIDATION", "type and number are required")
            }
            let number = String(rawNumber)
            guard NumberFormat.isValid(number, for: type), SandboxNumbers.outcome(for: number) != .unknownLine else {
                return Self.phoneError(number: number, type: type)
            }
            var data: [String: Any] = [
                "ncli": String(number.suffix(5).prefix(5)) + "*****", "type": type == .adsl ? "ADSL" : "4GLTE",
            ]
            if type == .adsl { data["offre"] = "FTTc-b_10M" }
            return SandboxReply.ok(data)
        }
        group.post("internet/send", use: send)
        group.get("internet/check-id/{id}") { _, context in
            let id = try context.parameters.require("id")
            guard let topup = await state.topup(id: id) else {
                return SandboxReply.error(.notFound, "NOT_FOUND", "Top-up '\(id.prefix(40))' not found")
            }
            return SandboxReply.ok(await describe(topup))
        }
        group.get("internet/check-ref/{ref}") { _, context in
            let ref = try context.parameters.require("ref")
            guard let topup = await state.topup(ref: ref) else {
                return SandboxReply.error(.notFound, "NOT_FOUND", "Top-up with reference '\(ref.prefix(60))' not found")
            }
            return SandboxReply.ok(await describe(topup))
        }
        group.get("internet/list") { request, _ in
            let list: ListQuery
            switch Self.listQuery(request) {
            case .success(let value): list = value
            case .failure(let bad): return bad.reply
            }
            let (page, size) = (list.page, list.size)
            let (items, total) = await state.page(page, size: size, from: list.from, to: list.to)
            let omitted = await state.listOmits
            var described: [[String: Any]] = []
            for item in items {
                // A history, not a card store: the card is read with check-id.
                var object = await describe(item)
                for field in ["card_code", "num_trans", "date_traitement"] + omitted { object[field] = nil }
                described.append(object)
            }
            return SandboxReply.ok([
                "items": described,
                "pagination": [
                    "page": page, "pageSize": size, "totalPages": max(1, (total + size - 1) / size),
                    "totalResults": total,
                ],
            ])
        }
    }

    /// ISO 8601 with or without fractional seconds.
    /// The paging and window of a list call (`page`, `pageSize` 1 to 100, `from`, `to` in ISO 8601).
    struct ListQuery {
        let page, size: Int
        let from, to: Date?
    }

    struct BadListField: Error {
        let name: String

        var reply: Response {
            SandboxReply.error(.badRequest, "ERR_VALIDATION", "\(name) must be an ISO 8601 date")
        }
    }

    static func listQuery(_ request: Request) -> Result<ListQuery, BadListField> {
        let query = request.uri.queryParameters
        var bounds: [Date?] = []
        for name in ["from", "to"] {
            guard let raw = query.get(name) else {
                bounds.append(nil)
                continue
            }
            guard let date = date(String(raw)) else { return .failure(BadListField(name: name)) }
            bounds.append(date)
        }
        return .success(
            ListQuery(
                page: max(1, query.get("page").flatMap { Int($0) } ?? 1),
                size: min(100, max(1, query.get("pageSize").flatMap { Int($0) } ?? 20)), from: bounds[0],
                to: bounds[1]))
    }

    static func date(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(
            text, strategy: Date.ISO8601FormatStyle().year().month().day().time(includingFractionalSeconds: true))
    }

    @Sendable func send(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        guard let body = (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any],
            let type = (body["type"] as? String).flatMap(CardType.init(rawValue:)),
            let number = body["number"] as? String,
            let value = (body["value"] as? NSNumber)?.intValue
        else {
            return SandboxReply.error(.badRequest, "ERR_VALIDATION", "type, number and value are required")
        }
        let ref = (body["ref"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        if let ref, ref.count > 100 {
            return SandboxReply.error(.badRequest, "ERR_VALIDATION", "ref is longer than 100 characters")
        }
        guard NumberFormat.isValid(number, for: type) else { return Self.phoneError(number: number, type: type) }
        do {
            let topup = try await state.send(type: type, number: number, value: value, ref: ref)
            return SandboxReply.ok(["topupId": topup.id, "topupRef": topup.ref])
        } catch {
            switch error {
            case .duplicatedRef:
                return SandboxReply.error(.forbidden, "DUPLICATED_REF", "This reference has already been used")
            case .insufficientBalance(let required):
                return SandboxReply.error(
                    .forbidden, "INSUFFICIENT_BALANCE", "Insufficient balance",
                    details: ["required": required, "available": await state.balance]
                )
            case .outOfStock:
                return SandboxReply.error(.badRequest, "ERR_STOCK", "This card value is out of stock")
            case .unknownValue:
                return SandboxReply.error(
                    .badRequest, "ERR_VALIDATION", "value is not in the catalogue of \(type.rawValue)")
            case .unknownLine:
                return Self.phoneError(number: number, type: type)
            }
        }
    }

    static func phoneError(number: String, type: CardType) -> Response {
        SandboxReply.error(
            .badRequest, "ERR_PHONE", "Invalid phone number for \(type.rawValue) service",
            details: [
                "number": String(number.prefix(20)), "type": type.rawValue,
                "reason": "Number does not match required format",
            ]
        )
    }

    /// The top-up as check-id shows it at this moment.
    func describe(_ topup: SandboxState.Topup) async -> [String: Any] {
        let now = Date()
        await state.refundIfDue(topup, now: now)
        var object: [String: Any] = [
            "_id": topup.id, "ref": topup.ref, "type": topup.type.rawValue, "number": topup.number,
            "topup_amount": topup.value, "created_at": topup.createdAt.formatted(.iso8601),
        ]
        let resolved = now >= topup.resolvesAt
        let status: OrderStatus
        switch topup.outcome {
        case .fulfilled, .unknownLine:
            status = resolved ? .fulfilled : .handling
        case .refunded:
            status = resolved ? .refunded : .handling
        case .stuck:
            status = .handling
        case .queued:
            if !resolved {
                status = .handling
            } else {
                status = now >= topup.resolvesAt.addingTimeInterval(state.settings.queuedFor) ? .fulfilled : .queued
            }
        }
        object["status"] = status.rawValue
        if status == .fulfilled {
            object["card_code"] = topup.cardCode
            object["num_trans"] = topup.transactionNumber
            object["date_traitement"] = topup.resolvesAt.formatted(.iso8601)
        }
        return object
    }
}
