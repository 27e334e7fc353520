import Audit
import BitaqaCore
import BitaqaTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Orders
import Storage
import Testing

@testable import BitaqaHTTP

@Suite("Staff accounts and roles over HTTP")
struct StaffRolesTests {
    /// One request per merchant route and the least role it needs: the table of the README.
    struct RouteCase: Sendable, CustomStringConvertible {
        let method: HTTPRequest.Method
        /// As the router and openapi.yaml spell it.
        let pattern: String
        let uri: String
        let body: String?
        let role: StaffRole

        var description: String { "\(method) \(pattern)" }
    }

    static let routes: [RouteCase] = [
        RouteCase(method: .get, pattern: "/v1/orders", uri: "/v1/orders", body: nil, role: .viewer),
        RouteCase(
            method: .get, pattern: "/v1/orders/{topupId}", uri: "/v1/orders/con-full", body: nil, role: .viewer),
        RouteCase(method: .get, pattern: "/v1/products", uri: "/v1/products?type=ADSL", body: nil, role: .viewer),
        RouteCase(method: .get, pattern: "/v1/account", uri: "/v1/account", body: nil, role: .viewer),
        RouteCase(method: .get, pattern: "/v1/audit", uri: "/v1/audit?order=con-full", body: nil, role: .viewer),
        RouteCase(
            method: .get, pattern: "/v1/webhooks/messages", uri: "/v1/webhooks/messages", body: nil, role: .viewer),
        RouteCase(
            method: .get, pattern: "/v1/reconciliation", uri: "/v1/reconciliation", body: nil, role: .viewer),
        RouteCase(
            method: .patch, pattern: "/v1/orders/{topupId}", uri: "/v1/orders/con-wait",
            body: #"{"phone":"0771234567"}"#, role: .support),
        RouteCase(
            method: .post, pattern: "/v1/orders/{topupId}/resend", uri: "/v1/orders/con-full/resend",
            body: #"{"channel":"email"}"#, role: .support),
        RouteCase(
            method: .post, pattern: "/v1/orders/{topupId}/check", uri: "/v1/orders/con-wait/check", body: nil,
            role: .support),
        RouteCase(
            method: .post, pattern: "/v1/webhooks/messages/{id}/retry", uri: "/v1/webhooks/messages/none/retry",
            body: nil, role: .support),
        RouteCase(method: .post, pattern: "/v1/orders", uri: "/v1/orders", body: "{}", role: .owner),
        RouteCase(method: .post, pattern: "/v1/orders/send", uri: "/v1/orders/send", body: "{}", role: .owner),
        RouteCase(method: .get, pattern: "/metrics", uri: "/metrics", body: nil, role: .owner),
        RouteCase(method: .get, pattern: "/v1/stats", uri: "/v1/stats", body: nil, role: .viewer),
        RouteCase(method: .get, pattern: "/v1/orders.csv", uri: "/v1/orders.csv", body: nil, role: .viewer),
        RouteCase(
            method: .get, pattern: "/v1/reconciliation.csv", uri: "/v1/reconciliation.csv", body: nil, role: .viewer),
        RouteCase(
            method: .get, pattern: "/v1/orders/{topupId}/notes", uri: "/v1/orders/con-full/notes", body: nil,
            role: .viewer),
        RouteCase(
            method: .post, pattern: "/v1/orders/{topupId}/notes", uri: "/v1/orders/con-full/notes",
            body: #"{"text":"called the buyer"}"#, role: .support),
        RouteCase(
            method: .get, pattern: "/v1/webhooks/messages.csv", uri: "/v1/webhooks/messages.csv", body: nil,
            role: .viewer),
        // A buyer with no order: the owner's export is empty and the erasure erases nothing.
        RouteCase(method: .get, pattern: "/v1/buyers/{userId}", uri: "/v1/buyers/u-roles", body: nil, role: .owner),
        RouteCase(
            method: .delete, pattern: "/v1/buyers/{userId}", uri: "/v1/buyers/u-roles", body: nil, role: .owner),
        RouteCase(
            method: .post, pattern: "/v1/orders/resend-failed", uri: "/v1/orders/resend-failed", body: nil,
            role: .support),
        RouteCase(
            method: .post, pattern: "/v1/webhooks/messages/retry-failed", uri: "/v1/webhooks/messages/retry-failed",
            body: nil, role: .support),
        RouteCase(
            method: .get, pattern: "/v1/gift-cards/catalog", uri: "/v1/gift-cards/catalog", body: nil, role: .viewer),
        RouteCase(
            method: .get, pattern: "/v1/gift-cards/products/{productId}", uri: "/v1/gift-cards/products/psn-dz",
            body: nil, role: .viewer),
        RouteCase(method: .get, pattern: "/v1/gift-card-orders", uri: "/v1/gift-card-orders", body: nil, role: .viewer),
        RouteCase(
            method: .get, pattern: "/v1/gift-card-orders/{ref}", uri: "/v1/gift-card-orders/none", body: nil,
            role: .viewer),
        RouteCase(
            method: .patch, pattern: "/v1/gift-card-orders/{ref}", uri: "/v1/gift-card-orders/none",
            body: #"{"phone":"0771234567"}"#, role: .support),
        RouteCase(
            method: .post, pattern: "/v1/gift-card-orders/{ref}/resend", uri: "/v1/gift-card-orders/none/resend",
            body: "{}", role: .support),
        RouteCase(
            method: .post, pattern: "/v1/gift-card-orders/{ref}/check", uri: "/v1/gift-card-orders/none/check",
            body: nil, role: .support),
        RouteCase(
            method: .post, pattern: "/v1/gift-card-orders", uri: "/v1/gift-card-orders", body: "{}", role: .owner),
        RouteCase(
            method: .post, pattern: "/v1/gift-card-orders/register", uri: "/v1/gift-card-orders/register", body: "{}",
            role: .owner),
    ]

    static func bearer(_ token: String) -> HTTPFields {
        [.authorization: "Bearer \(token)", .contentType: "application/json"]
    }

    static func call(_ client: any TestClientProtocol, _ route: RouteCase, token: String) async throws -> TestResponse {
        try await client.execute(
            uri: route.uri, method: route.method, headers: bearer(token),
            body: route.body.map { ByteBuffer(string: $0) })
    }

    /// Signs in with `token` and returns the session cookie; nil when the sign-in was refused.
    static func signIn(_ client: any TestClientProtocol, token: String) async throws -> String? {
        let response = try await ConsoleTests.post(client, "/console/login", cookie: nil, form: "token=\(token)")
        guard response.status == .seeOther else { return nil }
        return ConsoleTests.cookie(response)
    }

    /// Adds a member from the owner's console page and returns the token its answer shows once.
    static func addMember(_ client: any TestClientProtocol, owner cookie: String, _ name: String, _ role: String)
        async throws -> String
    {
        let page = String(buffer: try await ConsoleTests.get(client, "/console/staff", cookie: cookie).body)
        let csrf = try #require(ConsoleTests.csrf(page))
        let added = try await ConsoleTests.post(
            client, "/console/staff", cookie: cookie, form: "name=\(name)&role=\(role)&csrf=\(csrf)")
        #expect(added.status == .ok)
        let html = String(buffer: added.body)
        let token = try #require(html.components(separatedBy: "<code>").dropFirst().first?.prefix(64))
        #expect(token.count == 64 && token.allSatisfy(\.isHexDigit))
        return String(token)
    }

    @Test(
        "every /v1 route answers each role as the role table says; the admin token is the owner; a removed member is 401",
        arguments: TestDatabase.available)
    func everyRoute(database: TestDatabase) async throws {
        try await TestApp.run(on: database, settings: CustomerAPITests.settings, seed: ConsoleTests.seed) {
            client, directory in
            let admin = try #require(try await Self.signIn(client, token: TestApp.adminToken))
            var tokens: [StaffRole: String] = [:]
            tokens[.viewer] = try await Self.addMember(client, owner: admin, "vera", "viewer")
            tokens[.support] = try await Self.addMember(client, owner: admin, "sam", "support")
            tokens[.owner] = try await Self.addMember(client, owner: admin, "olga", "owner")
            for route in Self.routes {
                for role in StaffRole.allCases {
                    let response = try await Self.call(client, route, token: tokens[role]!)
                    if role.allows(route.role) {
                        #expect(
                            response.status != .forbidden && response.status != .unauthorized,
                            "\(route) as \(role): \(response.status)")
                    } else {
                        #expect(response.status == .forbidden, "\(route) as \(role): \(response.status)")
                        #expect(try ErrorReply(response).error == "FORBIDDEN")
                    }
                }
                let asAdmin = try await Self.call(client, route, token: TestApp.adminToken)
                #expect(asAdmin.status != .forbidden && asAdmin.status != .unauthorized, "\(route) as admin")
            }

            // Each member's actions are audited under its name; the admin token's under `merchant`.
            let registered = try await client.execute(
                uri: "/v1/orders", method: .post, headers: Self.bearer(tokens[.owner]!),
                body: ByteBuffer(string: #"{"topupId":"staff-1","userId":"u-1","email":"a@b.dz"}"#))
            #expect(registered.status == .created || registered.status == .ok)
            if let events = try await Self.events(database, directory) {
                func actors(_ kind: AuditKind) -> Set<String> {
                    Set(events.filter { $0.kind == kind }.compactMap(\.actor))
                }
                #expect(actors(.orderRegistered) == ["staff:olga"])
                for kind in [AuditKind.checkRequested, .resendRequested, .contactChanged] {
                    #expect(actors(kind) == ["staff:sam", "staff:olga", "merchant"], "\(kind)")
                }
                #expect(actors(.staffAdded) == ["console"])
                #expect(
                    Set(events.filter { $0.kind == .staffAdded }.compactMap { $0.details["member"] }) == [
                        "vera", "sam", "olga",
                    ])
            }

            // Removed: the token is 401 at once.
            let page = String(buffer: try await ConsoleTests.get(client, "/console/staff", cookie: admin).body)
            #expect(page.contains("vera") && page.contains("sam") && page.contains("olga"))
            #expect(!page.contains(tokens[.viewer]!), "the list never shows a token")
            let csrf = try #require(ConsoleTests.csrf(page))
            let removed = try await ConsoleTests.post(
                client, "/console/staff/vera/remove", cookie: admin, form: "csrf=\(csrf)")
            #expect(removed.status == .seeOther)
            let gone = try await client.execute(uri: "/v1/orders", method: .get, headers: Self.bearer(tokens[.viewer]!))
            #expect(gone.status == .unauthorized)
            if let after = try await Self.events(database, directory) {
                #expect(
                    after.contains {
                        $0.kind == .staffRemoved && $0.details["member"] == "vera" && $0.actor == "console"
                    })
            }
        }
    }

    @Test(
        "the console: a viewer reads but its actions are 403 and hidden; support's are allowed and audited under its name; the owner's page adds and removes",
        arguments: TestDatabase.available)
    func console(database: TestDatabase) async throws {
        try await TestApp.run(on: database, settings: CustomerAPITests.settings, seed: ConsoleTests.seed) {
            client, directory in
            let admin = try #require(try await Self.signIn(client, token: TestApp.adminToken))
            let viewerToken = try await Self.addMember(client, owner: admin, "vera", "viewer")
            let supportToken = try await Self.addMember(client, owner: admin, "sam", "support")
            let ownerToken = try await Self.addMember(client, owner: admin, "olga", "owner")

            let viewer = try #require(try await Self.signIn(client, token: viewerToken))
            let viewerPage = String(
                buffer: try await ConsoleTests.get(client, "/console/orders/con-full", cookie: viewer).body)
            #expect(viewerPage.contains("con-full") && viewerPage.contains("/console/logout"))
            #expect(!viewerPage.contains("/resend\"") && !viewerPage.contains("/check\""), "actions hidden")
            let viewerCSRF = try #require(ConsoleTests.csrf(viewerPage))
            for (path, form) in [
                ("/console/orders/con-full/resend", "channel=email"), ("/console/orders/con-wait/check", ""),
                ("/console/orders/con-wait/contact", "phone=0771234567"), ("/console/webhooks/none/retry", ""),
                ("/console/staff", "name=evil&role=owner"),
            ] {
                let refused = try await ConsoleTests.post(
                    client, path, cookie: viewer, form: form + "&csrf=\(viewerCSRF)")
                #expect(refused.status == .forbidden, "\(path) as viewer")
            }
            #expect(try await ConsoleTests.get(client, "/console/staff", cookie: viewer).status == .forbidden)

            let support = try #require(try await Self.signIn(client, token: supportToken))
            let supportPage = String(
                buffer: try await ConsoleTests.get(client, "/console/orders/con-full", cookie: support).body)
            #expect(supportPage.contains("/resend\"") && supportPage.contains("/check\""), "actions shown")
            let supportCSRF = try #require(ConsoleTests.csrf(supportPage))
            let resent = try await ConsoleTests.post(
                client, "/console/orders/con-full/resend", cookie: support, form: "channel=email&csrf=\(supportCSRF)")
            #expect(resent.status == .seeOther)
            let checked = try await ConsoleTests.post(
                client, "/console/orders/con-wait/check", cookie: support, form: "csrf=\(supportCSRF)")
            #expect(checked.status == .seeOther)
            #expect(try await ConsoleTests.get(client, "/console/staff", cookie: support).status == .forbidden)
            let staffAdd = try await ConsoleTests.post(
                client, "/console/staff", cookie: support, form: "name=evil&role=owner&csrf=\(supportCSRF)")
            #expect(staffAdd.status == .forbidden)

            // An owner member manages the staff: removing the support member ends its session at once.
            let owner = try #require(try await Self.signIn(client, token: ownerToken))
            let ownerPage = String(buffer: try await ConsoleTests.get(client, "/console/staff", cookie: owner).body)
            #expect(ownerPage.contains("sam") && ownerPage.contains("/console/staff/sam/remove"))
            let ownerCSRF = try #require(ConsoleTests.csrf(ownerPage))
            let removed = try await ConsoleTests.post(
                client, "/console/staff/sam/remove", cookie: owner, form: "csrf=\(ownerCSRF)")
            #expect(removed.status == .seeOther)
            let ended = try await ConsoleTests.get(client, "/console", cookie: support)
            #expect(ended.status == .seeOther && ended.headers[.location] == "/console/login")
            let late = try await ConsoleTests.post(
                client, "/console/orders/con-wait/check", cookie: support, form: "csrf=\(supportCSRF)")
            #expect(late.status == .forbidden)
            let signedOut = try await ConsoleTests.post(
                client, "/console/logout", cookie: viewer, form: "csrf=\(viewerCSRF)")
            #expect(signedOut.status == .seeOther)

            guard let events = try await Self.events(database, directory) else { return }
            #expect(events.contains { $0.kind == .resendRequested && $0.actor == "staff:sam" })
            #expect(events.contains { $0.kind == .checkRequested && $0.actor == "staff:sam" })
            #expect(events.contains { $0.kind == .consoleSignedIn && $0.actor == "staff:vera" })
            #expect(events.contains { $0.kind == .consoleSignedOut && $0.actor == "staff:vera" })
            #expect(
                events.contains {
                    $0.kind == .staffRemoved && $0.actor == "staff:olga" && $0.details["member"] == "sam"
                })
            #expect(!events.contains { $0.kind == .resendRequested && $0.actor == "staff:vera" })
        }
    }

    @Test("a staff row a database writer made (a made-up hash for a known token) signs nobody in; no token is stored")
    func forgedRowAndStorage() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings) { client, directory in
            let admin = try #require(try await Self.signIn(client, token: TestApp.adminToken))
            let token = try await Self.addMember(client, owner: admin, "vera", "viewer")
            let known = String(repeating: "7a", count: 32)
            let store = try await Store.open(
                .sqlite(path: directory.path + "/test.sqlite"), logger: TestDatabase.quietLogger)
            do {
                let row = try #require(
                    try await store.sql.raw("SELECT key_id, mac FROM staff WHERE name = 'vera'").first())
                let keyID = try row.decode(column: "key_id", as: String.self)
                try await store.sql.raw(
                    """
                    INSERT INTO staff (name, role, token_hash, key_id, mac, created_at)
                    VALUES ('mallory', 'owner', \(bind: String(repeating: "0c", count: 32)), \(bind: keyID),
                            \(bind: String(repeating: "0d", count: 32)), 0)
                    """
                ).run()
                // Raising a real member's role breaks its row's MAC: its token stops signing in.
                try await store.sql.raw("UPDATE staff SET role = 'owner' WHERE name = 'vera'").run()
            } catch {
                await store.shutdown()
                throw error
            }
            await store.shutdown()
            #expect(try await Self.signIn(client, token: known) == nil)
            let api = try await client.execute(uri: "/v1/orders", method: .get, headers: Self.bearer(known))
            #expect(api.status == .unauthorized)
            let raised = try await client.execute(uri: "/v1/orders/send", method: .post, headers: Self.bearer(token))
            #expect(raised.status == .unauthorized)

            let hits = CanarySearch(["staff token": token]).hits(
                in: CanarySearch.databaseFiles(directory.path + "/test.sqlite"))
            #expect(hits.isEmpty, "\(hits)")
        }
    }

    @Test("the role table covers every /v1 route openapi.yaml documents, and the server's table agrees with it")
    func tableCoversEveryRoute() throws {
        let yaml = try String(contentsOfFile: Self.openapiPath, encoding: .utf8)
        var documented: [String] = []
        var path: String?
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if let current = path, current.hasPrefix("/v1/") || current == "/metrics",
                let method = ["get", "post", "patch", "delete", "put"].first(where: { line == "    \($0):" })
            {
                documented.append("\(method.uppercased()) \(current)")
            } else if !line.hasPrefix(" "), !line.isEmpty {
                path = nil
            }
        }
        #expect(documented.count >= 14, "openapi.yaml's routes were not read")
        let tested = Set(Self.routes.map { "\($0.method.rawValue) \($0.pattern)" })
        for route in documented { #expect(tested.contains(route), "\(route) has no row in the role table") }
        for route in Self.routes {
            #expect(
                RouteRoles.merchant[RouteRoles.Route(route.method, route.pattern)] == route.role,
                "\(route): the server's table differs")
            #expect(RouteRoles.required(route.method, endpoint: route.pattern) == route.role)
        }
        #expect(RouteRoles.required(.post, endpoint: "/v1/not-listed") == .owner, "unlisted routes are owner-only")
    }

    static let openapiPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("openapi.yaml").path

    struct Event: Sendable {
        let kind: AuditKind
        let actor: String?
        let details: [String: String]
    }

    /// The trail's events, read from the SQLite file; nil on PostgreSQL (the role checks still run there).
    static func events(_ database: TestDatabase, _ directory: TemporaryDirectory) async throws -> [Event]? {
        guard database == .sqlite else { return nil }
        return try await TestApp.auditEvents(in: directory).map {
            Event(kind: $0.event.kind, actor: $0.event.actor, details: $0.event.details)
        }
    }
}
