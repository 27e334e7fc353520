import BitaqaTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// A buyer with more orders than one page holds: the buyer's page pages like the order list.
@Suite("Console: a buyer's orders, page by page")
struct ConsoleBuyerPagesTests {
    @Test("130 orders of one buyer: two pages, none missing, none twice, nobody else's")
    func pages() async throws {
        try await TestApp.run { client, _ in
            var expected: Set<String> = []
            for index in 0..<130 {
                let id = "buy-\(index)"
                let registered = try await client.execute(
                    uri: "/v1/orders", method: .post, headers: .admin(),
                    body: ByteBuffer(string: #"{"topupId":"\#(id)","userId":"many"}"#))
                #expect(registered.status == .created)
                expected.insert(id)
            }
            _ = try await client.execute(
                uri: "/v1/orders", method: .post, headers: .admin(),
                body: ByteBuffer(string: #"{"topupId":"other-1","userId":"someone-else"}"#))
            let cookie = try #require(try await StaffRolesTests.signIn(client, token: TestApp.adminToken))
            let first = try await ConsoleShopTests.html(client, "/console/buyers/many", cookie)
            let firstIDs = ConsoleShopTests.listed(first)
            #expect(firstIDs.count == 100)
            let next = try #require(
                first.components(separatedBy: #"<a href="/console/buyers/many?cursor="#).dropFirst().first?
                    .prefix { $0 != "\"" })
            let second = try await ConsoleShopTests.html(client, "/console/buyers/many?cursor=\(next)", cookie)
            let secondIDs = ConsoleShopTests.listed(second)
            #expect(firstIDs.isDisjoint(with: secondIDs))
            #expect(firstIDs.union(secondIDs) == expected)
            #expect(!second.contains("?cursor="), "the last page has no next page")
        }
    }
}
