import BitaqaCore
import CardVault
import Foundation
import Messaging
import Metrics
import OrdersDoubles
import Testing

@testable import Orders

/// The operators' alert emails: in the configured language only, with Algiers time, amounts as the
/// language writes them and a link to the console page that shows the condition; and a cleared
/// condition emailed at the next evaluation.
@Suite("Alert emails")
struct AlertTextsTests {
    static let keys = AlertEmailKeys(ring: try! KeyRing(keys: [World.key]))
    static let publicURL = "https://bitaqa.shop.dz"

    /// English words that must not appear in a French or Arabic alert (the link and the product names
    /// `OneClickDz` and `Bitaqa` aside).
    static let english: Set<String> = [
        "balance", "upstream", "resolved", "failed", "fail", "since", "cleared", "restored", "card", "cards",
        "delivery", "deliveries", "orders", "order", "stuck", "every", "call", "event", "events", "match",
        "checkpoint", "threshold", "below", "low", "down", "time", "hours", "handling", "queued",
        "not", "the", "and", "see", "dzd",
    ]

    /// The words of `body`, lowercased, without the console link.
    static func words(_ body: String) -> Set<String> {
        let text = body.replacingOccurrences(
            of: #"https?://\S+"#, with: " ", options: .regularExpression)
        return Set(
            text.lowercased().split { !$0.isLetter }.map(String.init).filter {
                $0.unicodeScalars.allSatisfy { $0.isASCII }
            })
    }

    static let allFacts: [(AlertCondition, AlertTexts.Facts, AlertTexts.Facts)] = [
        (.balanceLow, .balance(1_140, below: 2_000), .balance(5_000.5, below: 2_000)),
        (.deliveryFailed, .failedDeliveries(3), .failedDeliveries(0)),
        (.ordersStuck, .stuckOrders(2), .stuckOrders(0)),
        (.upstreamDown, .upstreamFailing(for: .seconds(300)), .upstreamFailing(for: .seconds(300))),
        (.auditBroken, .audit("event 6: the MAC does not verify"), .audit(nil)),
    ]

    @Test(
        "every alert, raised and cleared, is in the alert language only, in Algiers time, with a console link",
        arguments: [CustomerLocale.fr, .ar])
    func onlyTheLanguage(locale: CustomerLocale) {
        for (condition, raised, cleared) in Self.allFacts {
            for (active, facts) in [(true, raised), (false, cleared)] {
                let body = AlertTexts.body(
                    condition, active: active, detail: AlertTexts.detail(facts, locale: locale), at: World.start,
                    locale: locale, publicURL: Self.publicURL)
                let subject = AlertTexts.subject(condition, active: active, locale: locale)
                let found = Self.words(subject + "\n" + body).intersection(Self.english)
                #expect(found.isEmpty, "\(locale) \(condition) \(active): \(found.sorted()) in\n\(body)")
                // 2026-01-01T00:00Z is 01:00 in Algiers; no ISO time.
                #expect(body.contains("01/01/2026 01:00"), "\(body)")
                #expect(!body.contains("2026-01-01T"), "\(body)")
                #expect(body.contains(locale == .fr ? "(heure d'Alger)" : "(بتوقيت الجزائر)"))
                #expect(body.contains(Self.publicURL + AlertTexts.consolePath(condition)), "\(body)")
                #expect(!body.contains(condition.rawValue))
                if locale == .ar {
                    #expect(body.contains(BidiText.isolated("01/01/2026 01:00")))
                    #expect(body.contains(BidiText.isolated(Self.publicURL + AlertTexts.consolePath(condition))))
                }
            }
        }
    }

    @Test("the word check finds the English the alerts used to carry")
    func wordCheckFails() {
        let old = "Solde OneClickDz bas\n\n1140.0 DZD (< 2000.0 DZD)\n\nDepuis 2026-01-01T00:00:00.000Z (balance_low)"
        #expect(!Self.words(old).intersection(Self.english).isEmpty)
    }

    @Test("amounts as the language writes them, never 1140.0 DZD", arguments: CustomerLocale.allCases)
    func amounts(locale: CustomerLocale) {
        let detail = AlertTexts.detail(.balance(1_140.75, below: 2_000), locale: locale)
        #expect(!detail.contains("1140.") && !detail.contains("DZD ("), "\(detail)")
        switch locale {
        case .fr: #expect(detail.contains(DinarAmount.text(1_140, locale: .fr)) && detail.contains("2\u{202F}000"))
        case .en: #expect(detail.contains(DinarAmount.text(1_140, locale: .en)) && detail.contains("DZD\u{00A0}2,000"))
        case .ar: #expect(detail.contains(BidiText.isolated("1140") + "\u{00A0}دج"), "\(detail)")
        }
    }

    @Test("each condition links to its console page")
    func consolePages() {
        #expect(AlertTexts.consolePath(.balanceLow) == "/console")
        #expect(AlertTexts.consolePath(.deliveryFailed) == "/console/orders?delivery=failed")
        #expect(AlertTexts.consolePath(.upstreamDown) == "/console/health")
        #expect(AlertTexts.consolePath(.auditBroken) == "/console/health")
        #expect(AlertSettings(recipients: [], publicURL: "https://x.dz/").publicURL == "https://x.dz")
    }

    @Test(
        "through the monitor and the mailer: a French balance alert in French, then its clear at the next evaluation"
    )
    func resolvedAtNextEvaluation() async throws {
        let world = try World(balance: 1_140)
        let account = UpstreamAccount(client: world.upstream, factory: NOOPMetricsHandler.instance)
        _ = try await account.refresh()
        let settings = AlertSettings(
            recipients: ["ops@shop.dz"], locale: .fr, repeatEvery: .seconds(3_600), interval: .seconds(15),
            balanceBelow: 2_000, publicURL: Self.publicURL)
        let monitor = AlertMonitor(
            context: world.context, settings: settings, account: account, audit: nil, keys: Self.keys,
            logger: world.log.logger("alerts"), factory: NOOPMetricsHandler.instance)
        let outbox = RecordingChannel()
        let mailer = AlertMailer(
            repositories: world.context.repositories, channel: outbox, settings: settings, keys: Self.keys,
            time: world.clock.source, logger: world.log.logger("mailer"), owner: "mailer-1")

        #expect(try await monitor.evaluate() == [.balanceLow])
        #expect(try await mailer.pass() == 1)
        let raised = try #require(outbox.sent.last)
        #expect(raised.subject == "[Bitaqa] Solde OneClickDz bas")
        #expect(raised.text.contains("Solde : 1\u{202F}140\u{00A0}DA, sous le seuil de 2\u{202F}000\u{00A0}DA."))
        #expect(raised.text.contains("Depuis le 01/01/2026 01:00 (heure d'Alger)."))
        #expect(raised.text.contains("Voir dans la console : https://bitaqa.shop.dz/console"))
        #expect(Self.words(raised.text).intersection(Self.english).isEmpty, "\(raised.text)")

        // The balance is topped up: the clear goes out at the next evaluation, not an hour later.
        world.upstream.setBalance(50_000)
        _ = try await account.refresh()
        world.clock.advance(by: .seconds(15))
        #expect(try await monitor.evaluate() == [.balanceLow], "the clear is written at the next evaluation")
        #expect(try await mailer.pass() == 1)
        let cleared = try #require(outbox.sent.last)
        #expect(cleared.subject == "[Bitaqa] Solde OneClickDz rétabli")
        #expect(cleared.text.contains("Rétabli le 01/01/2026 01:00 (heure d'Alger)."), "\(cleared.text)")

        // It falls again within the window: no storm, the raise waits for the window to pass.
        world.upstream.setBalance(1_000)
        _ = try await account.refresh()
        world.clock.advance(by: .seconds(15))
        #expect(try await monitor.evaluate().isEmpty, "a new raise waits for the repeat window")
        world.clock.advance(by: .seconds(3_600))
        #expect(try await monitor.evaluate() == [.balanceLow])
        #expect(try await monitor.evaluate().isEmpty)
    }
}
