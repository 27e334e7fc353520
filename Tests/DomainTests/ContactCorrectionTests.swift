import Audit
import BitaqaCore
import Orders
import OrdersDoubles
import Testing

@Suite("Correcting a buyer's contact")
struct ContactCorrectionTests {
    @Test("the new email is bound and audited masked; the pending delivery goes to it")
    func corrected() async throws {
        let w = try World()
        try await w.fulfilled("cc-1", email: "typo@shop.dz", phone: nil)
        let correction = ContactCorrection(context: w.context, binder: w.binder)
        let after = try #require(
            try await correction.correct(
                TopupID("cc-1")!, .init(email: "right@shop.dz", phone: nil), actor: "merchant", requestID: "r-1"))
        #expect(after.email == "right@shop.dz" && after.phone == nil)
        #expect(w.binder.problem(with: after) == nil)
        #expect(after.contactBinding?.keyID == w.binder.activeKeyID)
        let event = try #require(try await w.events("cc-1").last)
        #expect(event.event.kind == .contactChanged)
        #expect(event.event.details["email_from"] == ContactRules.masked("typo@shop.dz", channel: .email))
        #expect(event.event.details["email_to"] == ContactRules.masked("right@shop.dz", channel: .email))
        #expect(event.event.details["key_id"] == w.binder.activeKeyID)
        #expect(!event.event.details.values.contains("right@shop.dz"), "masked, never the address")
        try await w.deliverer.pass()
        #expect(w.email.sent.map(\.recipient) == ["right@shop.dz"])
    }

    @Test("contacts that fail their binding are not laundered: refused, CONTACT_CHANGE_REFUSED, nothing changed")
    func refused() async throws {
        let w = try World()
        try await w.register("cc-2")
        let orders = w.repositories.orders
        let now = w.now
        let forged = ContactBinding(mac: String(repeating: "cd", count: 32), keyID: w.binder.activeKeyID)
        _ = try await w.database.transaction { transaction in
            try await orders.updateContacts(
                TopupID("cc-2")!, email: "thief@evil.dz", phone: "+213551234567", binding: forged, now: now,
                in: transaction)
        }
        let correction = ContactCorrection(context: w.context, binder: w.binder)
        await #expect(throws: ContactCorrection.Refused.self) {
            try await correction.correct(
                TopupID("cc-2")!, .init(email: nil, phone: "+213661234567"), actor: "merchant", requestID: nil)
        }
        let refusal = await publicError {
            _ = try await correction.correct(
                TopupID("cc-2")!, .init(email: nil, phone: "+213661234567"), actor: "merchant", requestID: nil)
        }
        #expect(refusal?.code == .conflict)
        let order = try #require(try await w.order("cc-2"))
        #expect(order.phone == "+213551234567" && order.contactBinding == forged)
        let last = try #require(try await w.events("cc-2").last)
        #expect(last.event.kind == .contactChangeRefused && last.event.details["reason"] == "mismatch")
    }

    @Test("an order that does not exist is nil, and nothing is audited")
    func missing() async throws {
        let w = try World()
        let correction = ContactCorrection(context: w.context, binder: w.binder)
        #expect(
            try await correction.correct(
                TopupID("cc-none")!, .init(email: "a@b.dz", phone: nil), actor: "merchant", requestID: nil) == nil)
        #expect(try await w.allEvents().isEmpty)
    }
}
