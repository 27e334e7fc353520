import BitaqaCore
import Mustache

/// What one product line's messages say, in each language: the card message, the refund notice and
/// the queued notice, by email and SMS. A product line brings its own (``internetTopups`` is the
/// first); the composer renders whichever it is handed.
///
/// Text and SMS templates use triple braces: they are not HTML, and escaping would garble the code.
/// HTML templates use double braces, so every value is escaped.
public struct MessageWording: Sendable {
    /// The template texts of one locale.
    public struct Source: Sendable {
        let cardSubject: String
        let cardText: String
        let cardHTML: String
        let cardSMS: String
        let refundSubject: String
        let refundText: String
        let refundHTML: String
        let refundSMS: String
        let queuedSubject: String
        let queuedText: String
        let queuedSMS: String

        public init(
            cardSubject: String, cardText: String, cardHTML: String, cardSMS: String, refundSubject: String,
            refundText: String, refundHTML: String, refundSMS: String, queuedSubject: String, queuedText: String,
            queuedSMS: String
        ) {
            self.cardSubject = cardSubject
            self.cardText = cardText
            self.cardHTML = cardHTML
            self.cardSMS = cardSMS
            self.refundSubject = refundSubject
            self.refundText = refundText
            self.refundHTML = refundHTML
            self.refundSMS = refundSMS
            self.queuedSubject = queuedSubject
            self.queuedText = queuedText
            self.queuedSMS = queuedSMS
        }
    }

    /// The templates of one locale, parsed.
    struct Compiled: Sendable {
        let cardSubject, cardText, cardHTML, cardSMS: MustacheTemplate
        let refundSubject, refundText, refundHTML, refundSMS: MustacheTemplate
        let queuedSubject, queuedText, queuedSMS: MustacheTemplate
    }

    /// The usage steps as a numbered list, for text templates.
    public static let stepsSection = "{{#steps}}{{{index}}}. {{{text}}}\n{{/steps}}"

    let sources: [CustomerLocale: Source]
    /// Parsed once. The templates are constants, so a parse failure is a programming error that the
    /// template tests catch; here it becomes an error of the message, never a trap.
    let compiled: Result<[CustomerLocale: Compiled], any Error>

    public init(sources: [CustomerLocale: Source]) {
        self.sources = sources
        compiled = Result {
            var sets: [CustomerLocale: Compiled] = [:]
            for (locale, source) in sources {
                func compile(_ text: String) throws -> MustacheTemplate { try MustacheTemplate(string: text) }
                sets[locale] = Compiled(
                    cardSubject: try compile(source.cardSubject), cardText: try compile(source.cardText),
                    cardHTML: try compile(source.cardHTML), cardSMS: try compile(source.cardSMS),
                    refundSubject: try compile(source.refundSubject), refundText: try compile(source.refundText),
                    refundHTML: try compile(source.refundHTML), refundSMS: try compile(source.refundSMS),
                    queuedSubject: try compile(source.queuedSubject), queuedText: try compile(source.queuedText),
                    queuedSMS: try compile(source.queuedSMS))
            }
            return sets
        }
    }

    func set(_ locale: CustomerLocale) throws -> Compiled {
        guard let set = try compiled.get()[locale] else { throw MessageComposer.TemplateMissing(locale: locale) }
        return set
    }
}
