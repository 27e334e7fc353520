import BitaqaTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The shop's notes on an order: kept, listed, audited by author without their text.
@Suite("Merchant API: notes on an order")
struct NotesTests {
    @Test(
        "a note is added and listed; NOTE_ADDED names it and its author, not its text; bad notes are refused",
        arguments: TestDatabase.available)
    func notes(database: TestDatabase) async throws {
        try await TestApp.run(on: database) { client, _ in
            let registered = try await client.execute(
                uri: "/v1/orders", method: .post, headers: .admin(),
                body: ByteBuffer(string: #"{"topupId":"note-1","userId":"u-1","email":"b@shop.dz"}"#))
            #expect(registered.status == .created)
            let text = "Buyer called: wrong number, corrected. Ticket 4471."
            let added = try await client.execute(
                uri: "/v1/orders/note-1/notes", method: .post, headers: .admin(),
                body: ByteBuffer(string: #"{"text":"  \#(text)  "}"#))
            #expect(added.status == .created, "\(String(buffer: added.body))")
            let note = try #require(added.json?["note"] as? [String: Any])
            #expect(note["text"] as? String == text && note["author"] as? String == "merchant")
            let listed = try await client.execute(
                uri: "/v1/orders/note-1/notes", method: .get, headers: .admin(json: false))
            let notes = listed.json?["notes"] as? [[String: Any]] ?? []
            #expect(notes.map { $0["id"] as? String } == [note["id"] as? String])

            let audit = try await client.execute(
                uri: "/v1/audit?order=note-1", method: .get, headers: .admin(json: false))
            let event = (audit.json?["events"] as? [[String: Any]] ?? []).first {
                $0["kind"] as? String == "NOTE_ADDED"
            }
            #expect((event?["details"] as? [String: String])?["note"] == note["id"] as? String)
            #expect(event?["actor"] as? String == "merchant")
            #expect(!String(buffer: audit.body).contains("Ticket 4471"), "the trail holds no note text")

            for (body, status) in [
                (#"{"text":"   "}"#, HTTPResponse.Status.badRequest),
                (#"{"text":"\#(String(repeating: "a", count: 2_001))"}"#, .badRequest),
                (#"{"text":"x","extra":1}"#, .badRequest),
            ] {
                let refused = try await client.execute(
                    uri: "/v1/orders/note-1/notes", method: .post, headers: .admin(), body: ByteBuffer(string: body))
                #expect(refused.status == status, "\(body.prefix(30))")
            }
            let missing = try await client.execute(
                uri: "/v1/orders/nope/notes", method: .post, headers: .admin(),
                body: ByteBuffer(string: #"{"text":"x"}"#))
            #expect(missing.status == .notFound)
        }
    }
}
