import BitaqaCore
import BitaqaTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The console's forms and cookies, as a hostile or sloppy client sends them: whatever the body or the
/// `Cookie` header, the answer is the right refusal or the page, never a 500.
@Suite("Console forms and cookies under attack")
struct ConsoleFormTests {
    static let contact = "/console/orders/con-wait/contact"

    /// Signs in and opens an order page: the session cookie (`name=value`) and the page's CSRF token.
    static func signIn(_ client: any TestClientProtocol) async throws -> (cookie: String, csrf: String) {
        let signedIn = try await ConsoleTests.post(
            client, "/console/login", cookie: nil, form: "token=\(TestApp.adminToken)")
        let cookie = try #require(ConsoleTests.cookie(signedIn))
        let page = try await ConsoleTests.get(client, "/console/orders/con-full", cookie: cookie)
        return (cookie, try #require(ConsoleTests.csrf(String(buffer: page.body))))
    }

    /// A refusal in the API's error shape, with its public code: nothing of how decoding failed.
    static func expectRefusal(
        _ response: TestResponse, _ status: HTTPResponse.Status, _ code: String, _ comment: String
    ) throws {
        #expect(response.status == status, "\(comment)")
        #expect(try ErrorReply(response).error == code, "\(comment)")
        let body = String(buffer: response.body)
        #expect(!body.contains("URLEncodedForm") && !body.contains("DecodingError"), "\(comment): \(body)")
    }

    /// A console action refused before it ran (no session, a wrong CSRF token): 403 as a console page in
    /// the console's language, never the API's JSON.
    static func expectConsolePage(
        _ response: TestResponse, _ comment: String, status: HTTPResponse.Status = .forbidden
    ) {
        #expect(response.status == status, "\(comment)")
        #expect(response.headers[.contentType] == "text/html; charset=utf-8", "\(comment)")
        let body = String(buffer: response.body)
        #expect(body.hasPrefix("<!DOCTYPE html>") && body.contains("role=\"alert\""), "\(comment): \(body)")
        #expect(!body.contains("\"success\"") && !body.contains("URLEncodedForm"), "\(comment): \(body)")
    }

    /// `count` bytes of form: `prefix`, then a filler field.
    static func padded(_ prefix: String, to count: Int) -> String {
        let start = prefix + "&x="
        return start + String(repeating: "a", count: count - start.utf8.count)
    }

    @Test("a missing, wrong, duplicated, bracketed or garbled CSRF field is 403 on every action; encoded, it counts")
    func csrf() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: ConsoleTests.seed) { client, _ in
            let (cookie, token) = try await Self.signIn(client)
            let forms = [
                "", "channel=email", "csrf=", "csrf=forged&channel=email", "csrf=\(token.dropLast())",
                "csrf=\(token)0", "CSRF=\(token)", "csrf =\(token)", "csrf", "csrf=forged&csrf=\(token)",
                "csrf=\(token)&csrf=forged", "csrf=\(token)&csrf=\(token)", "csrf[]=\(token)", "csrf[0]=\(token)",
                "csrf[a]=\(token)", "csrf[=\(token)", "csrf=%zz", "csrf=%", "csrf=\(token)&channel=%zz",
                "&&&=&", "=",
            ]
            for path in [
                "/console/orders/con-full/resend", "/console/orders/con-wait/check", Self.contact,
                "/console/webhooks/nope/retry", "/console/logout",
            ] {
                for form in forms {
                    let response = try await ConsoleTests.post(client, path, cookie: cookie, form: form)
                    Self.expectConsolePage(response, "\(path) with \(form)")
                }
            }
            #expect(try await ConsoleTests.get(client, "/console", cookie: cookie).status == .ok, "still signed in")
            let encoded = token.utf8.map { String(format: "%%%02X", $0) }.joined()
            let checked = try await ConsoleTests.post(
                client, "/console/orders/con-wait/check", cookie: cookie, form: "channel=&csrf=\(encoded)")
            #expect(
                checked.status == .seeOther && checked.headers[.location] == "/console/orders/con-wait?notice=checked")
        }
    }

    @Test("percent-encoded and + spaces in a contact field decode as a browser meant them")
    func encodedContacts() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: ConsoleTests.seed) { client, _ in
            let (cookie, token) = try await Self.signIn(client)
            for email in ["new+buyer%40shop.dz", "new%20buyer%40shop.dz", "+new%40shop.dz", "new%40shop.dz+", "%E2%28"]
            {
                let response = try await ConsoleTests.post(
                    client, Self.contact, cookie: cookie, form: "email=\(email)&csrf=\(token)")
                // Back to the order's page, with the reason in the console's language: never a JSON page.
                #expect(
                    response.status == .seeOther
                        && response.headers[.location] == "/console/orders/con-wait?notice=badEmail",
                    "not an email: \(email)")
            }
            let plus = try await ConsoleTests.post(
                client, Self.contact, cookie: cookie, form: "email=new%2Bbuyer%40shop.dz&phone=&csrf=\(token)")
            #expect(plus.status == .seeOther && plus.headers[.location] == "/console/orders/con-wait?notice=done")
            let found = String(
                buffer: try await ConsoleTests.get(
                    client, "/console/orders?q=new%2Bbuyer%40shop.dz", cookie: cookie
                ).body)
            #expect(found.contains("con-wait"), "the stored email is new+buyer@shop.dz")
            let phone = try await ConsoleTests.post(
                client, Self.contact, cookie: cookie, form: "phone=%2B213771234567&email=&csrf=\(token)")
            #expect(phone.status == .seeOther)
            let nothing = try await ConsoleTests.post(
                client, Self.contact, cookie: cookie, form: "email=&phone=&csrf=\(token)")
            #expect(
                nothing.headers[.location] == "/console/orders/con-wait?notice=noContactGiven",
                "empty fields change nothing")
            let page = String(
                buffer: try await ConsoleTests.get(client, "/console/orders/con-wait", cookie: cookie).body)
            #expect(page.contains("n***r@shop.dz") && page.contains("+21377*****67"))
        }
    }

    @Test("sign-in forms that are garbled, duplicated or bracketed are a wrong token; encoded, the token signs in")
    func loginForms() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings) { client, _ in
            let token = TestApp.adminToken
            for form in ["", "token=%zz", "token=\(token)&token=\(token)", "token[]=\(token)", "token=\(token)%"] {
                let response = try await ConsoleTests.post(client, "/console/login", cookie: nil, form: form)
                #expect(response.status == .unauthorized && response.headers[.setCookie] == nil, "\(form)")
                #expect(!String(buffer: response.body).contains(token), "\(form)")
            }
            let encoded = token.utf8.map { String(format: "%%%02X", $0) }.joined()
            let signedIn = try await ConsoleTests.post(client, "/console/login", cookie: nil, form: "token=\(encoded)")
            #expect(signedIn.status == .seeOther && signedIn.headers[.location] == "/console")
        }
    }

    @Test("several cookies, blanks, two Cookie fields, look-alike names: the session is found, or sign in again")
    func cookies() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: ConsoleTests.seed) { client, _ in
            let (cookie, token) = try await Self.signIn(client)
            let value = String(cookie.dropFirst("bitaqa_console=".count))
            let signedIn = [
                "theme=dark;  bitaqa_console_lang=en ; \(cookie) ;x=y", "\(cookie);bitaqa_console_lang=ar",
                " \(cookie) ", "a=1; b=; c; \(cookie)",
            ]
            for header in signedIn {
                let response = try await ConsoleTests.get(client, "/console", cookie: header)
                #expect(response.status == .ok, "\(header)")
            }
            let english = String(
                buffer: try await ConsoleTests.get(client, "/console", cookie: signedIn[0]).body)
            #expect(english.contains(#"lang="en""#), "the language cookie is read between blanks")
            let arabic = String(buffer: try await ConsoleTests.get(client, "/console", cookie: signedIn[1]).body)
            #expect(arabic.contains(#"dir="rtl""#))
            let twoFields = try await client.execute(
                uri: "/console", method: .get, headers: [.cookie: "theme=dark", .cookie: cookie])
            #expect(twoFields.status == .ok, "a second Cookie field, as HTTP/2 sends them")
            let signedOut = [
                "", "bitaqa_console", "bitaqa_console=", "bitaqa_console_x=\(value); xbitaqa_console=\(value)",
                "bitaqa_console=\(value.uppercased())", "bitaqa_console=\"\(value)\"", "=;;;=",
                "bitaqa_console=\(value.dropLast())", "bitaqa_console_lang=\(value)",
                // The first cookie of the name counts, as before.
                "bitaqa_console=junk; \(cookie)",
            ]
            for header in signedOut {
                let response = try await ConsoleTests.get(client, "/console", cookie: header)
                #expect(
                    response.status == .seeOther && response.headers[.location] == "/console/login", "\(header)")
                let action = try await ConsoleTests.post(
                    client, "/console/orders/con-wait/check", cookie: header, form: "csrf=\(token)")
                Self.expectConsolePage(action, "\(header)")
            }
            let action = try await ConsoleTests.post(
                client, "/console/orders/con-wait/check", cookie: "a=1; \(cookie) ; b=2", form: "csrf=\(token)")
            #expect(action.status == .seeOther, "an action with the session among other cookies")
        }
    }

    @Test("a form over 16 KiB is a 413 console page before the session is looked at; one of 16 KiB is read")
    func oversized() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: ConsoleTests.seed) { client, _ in
            let (cookie, token) = try await Self.signIn(client)
            let limit = 16 * 1024
            let login = try await ConsoleTests.post(
                client, "/console/login", cookie: nil,
                form: Self.padded("token=\(TestApp.adminToken)", to: limit + 1))
            Self.expectConsolePage(login, "sign-in", status: .contentTooLarge)
            #expect(login.headers[.setCookie] == nil)
            for (name, header) in [("signed in", cookie), ("signed out", nil)] {
                for size in [limit + 1, 100_000] {
                    let response = try await ConsoleTests.post(
                        client, "/console/orders/con-wait/check", cookie: header,
                        form: Self.padded("csrf=\(token)", to: size))
                    Self.expectConsolePage(response, "\(name), \(size) bytes", status: .contentTooLarge)
                    #expect(String(buffer: response.body).contains("Ce formulaire est trop long"), "\(name)")
                }
            }
            let page = String(
                buffer: try await ConsoleTests.get(client, "/console/orders/con-wait", cookie: cookie).body)
            #expect(!page.contains("CHECK_REQUESTED"), "an oversized action did nothing")
            let exact = try await ConsoleTests.post(
                client, "/console/orders/con-wait/check", cookie: cookie, form: Self.padded("csrf=\(token)", to: limit))
            #expect(exact.status == .seeOther)
            // The API keeps its JSON refusal for the same size.
            let api = try await client.execute(
                uri: "/v1/orders", method: .post,
                headers: [.authorization: "Bearer \(TestApp.adminToken)", .contentType: "application/json"],
                body: ByteBuffer(string: String(repeating: " ", count: 100_000) + "{}"))
            try Self.expectRefusal(api, .contentTooLarge, "PAYLOAD_TOO_LARGE", "API")
        }
    }

    @Test("under a server body limit smaller than the console's, an oversized form is still a console page")
    func serverLimitBelowConsoles() async throws {
        let settings = CustomerAPITests.settings.merging(["BITAQA_HTTP_MAX_BODY_BYTES": "4096"]) { $1 }
        try await TestApp.run(settings: settings, seed: ConsoleTests.seed) { client, _ in
            let (cookie, token) = try await Self.signIn(client)
            let response = try await ConsoleTests.post(
                client, "/console/orders/con-wait/check", cookie: cookie, form: Self.padded("csrf=\(token)", to: 5000))
            Self.expectConsolePage(response, "5000 bytes over a 4096 server limit", status: .contentTooLarge)
            let fits = try await ConsoleTests.post(
                client, "/console/orders/con-wait/check", cookie: cookie, form: Self.padded("csrf=\(token)", to: 4000))
            #expect(fits.status == .seeOther)
        }
    }

    @Test("behind TLS both cookies are Secure; the session cookie alone is HttpOnly")
    func secureCookies() async throws {
        let settings = CustomerAPITests.settings.merging(["BITAQA_BEHIND_TLS_PROXY": "true"]) { $1 }
        try await TestApp.run(settings: settings) { client, _ in
            func attributes(_ response: TestResponse) -> Set<String> {
                Set(
                    (response.headers[.setCookie] ?? "").split(separator: ";").dropFirst().map {
                        $0.trimmingCharacters(in: .whitespaces)
                    })
            }
            let signedIn = try await ConsoleTests.post(
                client, "/console/login", cookie: nil, form: "token=\(TestApp.adminToken)")
            #expect(
                attributes(signedIn) == ["Path=/console", "HttpOnly", "SameSite=Strict", "Max-Age=28800", "Secure"])
            let language = try await ConsoleTests.get(client, "/console/login?lang=en", cookie: nil)
            #expect(language.headers[.setCookie]?.hasPrefix("bitaqa_console_lang=en;") == true)
            #expect(attributes(language) == ["Path=/console", "Max-Age=31536000", "SameSite=Strict", "Secure"])
            let cookie = try #require(ConsoleTests.cookie(signedIn))
            let page = String(buffer: try await ConsoleTests.get(client, "/console", cookie: cookie).body)
            let token = try #require(ConsoleTests.csrf(page))
            let out = try await ConsoleTests.post(client, "/console/logout", cookie: cookie, form: "csrf=\(token)")
            #expect(out.headers[.setCookie]?.hasPrefix("bitaqa_console=;") == true)
            #expect(attributes(out) == ["Path=/console", "HttpOnly", "SameSite=Strict", "Max-Age=0", "Secure"])
        }
    }

    @Test("the order list links a next page only when there is one")
    func nextPage() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: ConsoleTests.seed) { client, _ in
            let (cookie, _) = try await Self.signIn(client)
            let all = String(buffer: try await ConsoleTests.get(client, "/console/orders", cookie: cookie).body)
            #expect(all.contains("con-full") && !all.contains("Page suivante") && !all.contains(#"href="nil""#))
            let first = String(
                buffer: try await ConsoleTests.get(client, "/console/orders?limit=1", cookie: cookie).body)
            #expect(first.contains(#"<a href="/console/orders?cursor="#) && first.contains("Page suivante"))
        }
    }
}
