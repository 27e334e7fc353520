import BitaqaCore
import Mustache

/// What the gift-card line's messages say, in each language: the cards message, the note added to it
/// when only part of the order came, the refund notice and the not-placed notice, by email and SMS.
///
/// Its own type rather than a ``MessageWording``: a gift-card order has no line, transaction number or
/// amount to show, and has two outcomes the internet line does not (a partial fill, an order never
/// placed). Same conventions: text and SMS templates use triple braces, HTML templates double braces.
/// The composer, not the template, isolates what it computes (steps, expiry) for Arabic; what the
/// template shows as is (codes, serials, names, numbers) the Arabic templates isolate themselves.
public struct GiftCardWording: Sendable {
    /// The template texts of one locale.
    public struct Source: Sendable {
        let cardsSubject, cardsText, cardsHTML, cardsSMS: String
        /// Rendered on their own, then placed in the cards message as `partialNote` (text and SMS) or
        /// `partialHTML`: the cards that came of the quantity ordered, and who holds the rest's money.
        let partialText, partialHTML, partialSMS: String
        let refundSubject, refundText, refundHTML, refundSMS: String
        let notPlacedSubject, notPlacedText, notPlacedHTML, notPlacedSMS: String

        public init(
            cardsSubject: String, cardsText: String, cardsHTML: String, cardsSMS: String, partialText: String,
            partialHTML: String, partialSMS: String, refundSubject: String, refundText: String, refundHTML: String,
            refundSMS: String, notPlacedSubject: String, notPlacedText: String, notPlacedHTML: String,
            notPlacedSMS: String
        ) {
            self.cardsSubject = cardsSubject
            self.cardsText = cardsText
            self.cardsHTML = cardsHTML
            self.cardsSMS = cardsSMS
            self.partialText = partialText
            self.partialHTML = partialHTML
            self.partialSMS = partialSMS
            self.refundSubject = refundSubject
            self.refundText = refundText
            self.refundHTML = refundHTML
            self.refundSMS = refundSMS
            self.notPlacedSubject = notPlacedSubject
            self.notPlacedText = notPlacedText
            self.notPlacedHTML = notPlacedHTML
            self.notPlacedSMS = notPlacedSMS
        }
    }

    /// The templates of one locale, parsed.
    struct Compiled: Sendable {
        let cardsSubject, cardsText, cardsHTML, cardsSMS: MustacheTemplate
        let partialText, partialHTML, partialSMS: MustacheTemplate
        let refundSubject, refundText, refundHTML, refundSMS: MustacheTemplate
        let notPlacedSubject, notPlacedText, notPlacedHTML, notPlacedSMS: MustacheTemplate

        init(_ source: Source) throws {
            func compile(_ text: String) throws -> MustacheTemplate { try MustacheTemplate(string: text) }
            cardsSubject = try compile(source.cardsSubject)
            cardsText = try compile(source.cardsText)
            cardsHTML = try compile(source.cardsHTML)
            cardsSMS = try compile(source.cardsSMS)
            partialText = try compile(source.partialText)
            partialHTML = try compile(source.partialHTML)
            partialSMS = try compile(source.partialSMS)
            refundSubject = try compile(source.refundSubject)
            refundText = try compile(source.refundText)
            refundHTML = try compile(source.refundHTML)
            refundSMS = try compile(source.refundSMS)
            notPlacedSubject = try compile(source.notPlacedSubject)
            notPlacedText = try compile(source.notPlacedText)
            notPlacedHTML = try compile(source.notPlacedHTML)
            notPlacedSMS = try compile(source.notPlacedSMS)
        }
    }

    /// Parsed once. The templates are constants, so a parse failure is a programming error that the
    /// tests catch; here it becomes an error of the message, never a trap.
    let compiled: Result<[CustomerLocale: Compiled], any Error>

    public init(sources: [CustomerLocale: Source]) {
        compiled = Result { try sources.mapValues(Compiled.init) }
    }

    /// The gift-card templates, compiled into the binary so a deployment cannot lose them.
    public static let standard = GiftCardWording(sources: [.ar: arabic, .fr: french, .en: english])

    func set(_ locale: CustomerLocale) throws -> Compiled {
        guard let set = try compiled.get()[locale] else { throw MessageComposer.TemplateMissing(locale: locale) }
        return set
    }
}

/// The cards email's HTML, in ``EmailLayout``'s frame and styles (600 px column, inline styles, light and
/// dark): the order's facts, the partial note, then one block per card (its code large and left to
/// right, its serial under it) or the link, then the steps. Codes, serials, names and numbers are in
/// `<bdi dir="ltr">` in every language: harmless in French and English, needed in Arabic.
enum GiftCardLayout {
    struct Words {
        let heading, order, product, type, quantity, card, serial, showCards, expires, steps, keep, linkKeep: String
        let help, soldBy: String
    }

    static func cards(lang: String, dir: String, words: Words) -> String {
        // Every value of the facts table reads left to right (a ref, a product name, a type name).
        func row(_ name: String, _ value: String) -> String { EmailLayout.row(name, value, ltr: true) }
        return """
            \(EmailLayout.opening(lang: lang, dir: dir, heading: words.heading))
            <tr><td style="padding:8px 24px"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse">\
            \(row(words.order, "{{ref}}"))\(row(words.product, "{{title}}"))\(row(words.type, "{{typeName}}"))\
            \(row(words.quantity, "{{quantity}}"))\
            </table></td></tr>
            {{#partialHTML}}<tr><td style="padding:8px 24px"><p style="margin:0;padding:10px 12px;background:#fff7e6;border-radius:8px;font-size:14px;line-height:1.5;color:#7c4a03">{{{partialHTML}}}</p></td></tr>{{/partialHTML}}
            {{#hasCodes}}{{#cards}}<tr><td style="padding:8px 24px">\
            <p class="muted" style="margin:0 0 6px 0;font-size:14px;color:#52606d">\(words.card) <bdi dir="ltr">{{index}}</bdi></p>\
            <p class="code" dir="ltr" style="margin:0;padding:14px;background:#f0f4f8;border-radius:8px;font-family:'Courier New',monospace;font-size:22px;letter-spacing:2px;text-align:center;color:#102a43;word-break:break-all">{{code}}</p>\
            {{#hasSerial}}<p class="muted" style="margin:6px 0 0 0;font-size:13px;color:#52606d">\(words.serial) <bdi dir="ltr">{{serial}}</bdi></p>{{/hasSerial}}\
            </td></tr>{{/cards}}{{/hasCodes}}
            {{#link}}<tr><td style="padding:16px 24px"><p style="margin:0;text-align:center"><a href="{{link}}" style="display:inline-block;padding:12px 20px;background:#1d4ed8;color:#ffffff;border-radius:8px;text-decoration:none;font-size:16px">\(words.showCards)</a></p>\
            {{#linkExpiresHTML}}<p class="muted" style="margin:8px 0 0 0;text-align:center;font-size:13px;color:#52606d">\(words.expires) {{{linkExpiresHTML}}}.</p>{{/linkExpiresHTML}}</td></tr>{{/link}}
            <tr><td style="padding:16px 24px 0 24px"><h2 class="text" style="margin:0 0 8px 0;font-size:16px;color:#1f2933">\(words.steps)</h2>\
            <ol class="text" style="margin:0;padding-\(dir == "rtl" ? "right" : "left"):20px;font-size:14px;line-height:1.6;color:#1f2933">{{#steps}}<li>{{{html}}}</li>{{/steps}}</ol></td></tr>
            <tr><td style="padding:16px 24px"><p style="margin:0;padding:10px 12px;background:#fff7e6;border-radius:8px;font-size:14px;font-weight:bold;color:#7c4a03">{{#hasCodes}}\(words.keep){{/hasCodes}}{{#link}}\(words.linkKeep){{/link}}</p></td></tr>
            <tr><td class="muted" style="padding:0 24px 24px 24px;font-size:13px;line-height:1.5;color:#52606d">\
            {{#support}}<p style="margin:0">\(words.help) <bdi dir="ltr">{{support}}</bdi></p>{{/support}}\
            {{#shop}}<p style="margin:4px 0 0 0">\(words.soldBy) {{#shopURL}}<a href="{{shopURL}}" style="color:#1d4ed8">{{shop}}</a>{{/shopURL}}{{^shopURL}}{{shop}}{{/shopURL}}</p>{{/shop}}\
            </td></tr>
            </table></td></tr></table>
            </body></html>
            """
    }
}
