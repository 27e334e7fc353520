import BitaqaCore
import Foundation

/// What a card message says: the code, the transaction number, the processing date, the value, the line
/// and the usage steps, in the buyer's language. (Issue 7 replaces the plain text with templates.)
public struct CardDetails: Sendable {
    public let topupId: TopupID
    public let code: CardCode
    public let transactionNumber: String?
    public let processedDate: String?
    public let type: CardType?
    public let number: String?
    public let value: Int?
    public let locale: CustomerLocale

    public init(
        topupId: TopupID, code: CardCode, transactionNumber: String?, processedDate: String?, type: CardType?,
        number: String?, value: Int?, locale: CustomerLocale
    ) {
        self.topupId = topupId
        self.code = code
        self.transactionNumber = transactionNumber
        self.processedDate = processedDate
        self.type = type
        self.number = number
        self.value = value
        self.locale = locale
    }
}

public enum MessageComposer {
    /// The stable message id of an order's message on a channel, e.g. `6740a1b2.email.card@bitaqa`.
    public static func messageID(topupId: TopupID, channel: DeliveryChannel, purpose: String, domain: String = "bitaqa") -> String {
        "\(topupId.rawValue).\(channel.rawValue).\(purpose)@\(domain)"
    }

    public static func card(_ card: CardDetails, channel: DeliveryChannel, recipient: String) -> OutgoingMessage {
        let labels = Labels(card.locale)
        var lines = [labels.title, "", "\(labels.code): \(card.code.revealed)"]
        if let transaction = card.transactionNumber { lines.append("\(labels.transaction): \(transaction)") }
        if let date = card.processedDate { lines.append("\(labels.date): \(date)") }
        if let value = card.value { lines.append("\(labels.value): \(value) DA") }
        if let number = card.number { lines.append("\(labels.line): \(number)") }
        lines.append("")
        lines += UsageInstructions.steps(for: card.type, locale: card.locale).enumerated().map { "\($0.offset + 1). \($0.element)" }
        return OutgoingMessage(
            channel: channel, recipient: recipient, subject: labels.subject, text: lines.joined(separator: "\n"),
            messageID: messageID(topupId: card.topupId, channel: channel, purpose: "card"), topupId: card.topupId
        )
    }

    public static func refundNotice(topupId: TopupID, locale: CustomerLocale, channel: DeliveryChannel, recipient: String) -> OutgoingMessage {
        let labels = Labels(locale)
        return OutgoingMessage(
            channel: channel, recipient: recipient, subject: labels.refundSubject, text: labels.refundText,
            messageID: messageID(topupId: topupId, channel: channel, purpose: "refund"), topupId: topupId
        )
    }

    struct Labels {
        let title, subject, code, transaction, date, value, line, refundSubject, refundText: String

        init(_ locale: CustomerLocale) {
            switch locale {
            case .ar:
                title = "بطاقة تعبئة الإنترنت الخاصة بك جاهزة"
                subject = "بطاقة تعبئة الإنترنت الخاصة بك"
                code = "رمز البطاقة"
                transaction = "رقم المعاملة"
                date = "تاريخ المعالجة"
                value = "القيمة"
                line = "الخط"
                refundSubject = "تعذّر تنفيذ طلبك وتم استرجاع المبلغ"
                refundText = "نعتذر، تعذّر تنفيذ طلب تعبئة الإنترنت الخاص بك. تم إلغاء الطلب واسترجاع المبلغ."
            case .fr:
                title = "Votre carte de recharge Internet est prête"
                subject = "Votre carte de recharge Internet"
                code = "Code de la carte"
                transaction = "N° de transaction"
                date = "Date de traitement"
                value = "Valeur"
                line = "Ligne"
                refundSubject = "Votre commande a échoué et a été remboursée"
                refundText = "Désolé, votre recharge Internet n'a pas pu être effectuée. La commande a été annulée et remboursée."
            case .en:
                title = "Your internet recharge card is ready"
                subject = "Your internet recharge card"
                code = "Card code"
                transaction = "Transaction number"
                date = "Processing date"
                value = "Value"
                line = "Line"
                refundSubject = "Your order failed and was refunded"
                refundText = "Sorry, your internet recharge could not be completed. The order was cancelled and refunded."
            }
        }
    }
}
