import BitaqaCore
import Messaging

/// What the people who run the shop are alerted about.
public enum AlertCondition: String, Sendable, CaseIterable {
    case balanceLow = "balance_low"
    case deliveryFailed = "delivery_failed"
    case ordersStuck = "orders_stuck"
    case upstreamDown = "upstream_down"
    case auditBroken = "audit_broken"
    /// Gift-card orders whose unanswered `placeOrder` matches several upstream orders: the merchant
    /// must say which one is theirs.
    case giftCardsUncertain = "gift_cards_uncertain"
}

/// The alert emails' words, in the operator's language.
enum AlertTexts {
    static func subject(_ condition: AlertCondition, active: Bool, locale: CustomerLocale) -> String {
        let pair: (String, String)
        switch (locale, condition) {
        case (.fr, .balanceLow): pair = ("Solde OneClickDz bas", "Solde OneClickDz rétabli")
        case (.fr, .deliveryFailed): pair = ("Échec de livraison d'une carte", "Livraisons de cartes rétablies")
        case (.fr, .ordersStuck): pair = ("Commandes bloquées", "Plus de commande bloquée")
        case (.fr, .upstreamDown): pair = ("OneClickDz ne répond plus", "OneClickDz répond de nouveau")
        case (.fr, .auditBroken): pair = ("Journal d'audit rompu", "Journal d'audit de nouveau intact")
        case (.ar, .balanceLow): pair = ("رصيد OneClickDz منخفض", "عاد رصيد OneClickDz فوق الحد")
        case (.ar, .deliveryFailed): pair = ("فشل تسليم بطاقة", "عادت عمليات تسليم البطاقات إلى طبيعتها")
        case (.ar, .ordersStuck): pair = ("طلبات عالقة", "لم تعد هناك طلبات عالقة")
        case (.ar, .upstreamDown): pair = ("OneClickDz لا يستجيب", "OneClickDz يستجيب من جديد")
        case (.ar, .auditBroken): pair = ("سجل التدقيق تالف", "سجل التدقيق سليم من جديد")
        case (.en, .balanceLow): pair = ("OneClickDz balance low", "OneClickDz balance restored")
        case (.en, .deliveryFailed): pair = ("A card delivery failed", "Card deliveries recovered")
        case (.en, .ordersStuck): pair = ("Orders stuck", "No order stuck any more")
        case (.en, .upstreamDown): pair = ("OneClickDz is not answering", "OneClickDz answers again")
        case (.en, .auditBroken): pair = ("Audit trail broken", "Audit trail intact again")
        case (.fr, .giftCardsUncertain):
            pair = ("Commandes de cartes cadeaux à trancher", "Plus de commande de cartes cadeaux à trancher")
        case (.ar, .giftCardsUncertain):
            pair = ("طلبات بطاقات هدايا تحتاج إلى قرار", "لم تعد هناك طلبات بطاقات هدايا معلّقة")
        case (.en, .giftCardsUncertain): pair = ("Gift-card orders to settle", "No gift-card order to settle any more")
        }
        return "[Bitaqa] " + (active ? pair.0 : pair.1)
    }

    /// What the monitor found, in the operator's language: the facts the detail line is written from.
    enum Facts: Sendable {
        case balance(Double, below: Double)
        case failedDeliveries(Int)
        case stuckOrders(Int)
        case uncertainGiftCards(Int)
        case upstreamFailing(for: Duration)
        /// The self-check's finding (`event 12: …`), nil when the trail is intact.
        case audit(String?)
    }

    /// The detail line stored with the alert email, in `locale`. Amounts as the language writes them,
    /// numbers isolated left to right in Arabic.
    static func detail(_ facts: Facts, locale: CustomerLocale) -> String {
        switch (facts, locale) {
        case (.balance(let balance, let below), .fr):
            return "Solde : \(amount(balance, locale)), sous le seuil de \(amount(below, locale))."
        case (.balance(let balance, let below), .ar):
            return "الرصيد: \(amount(balance, locale))، والحد الأدنى \(amount(below, locale))."
        case (.balance(let balance, let below), .en):
            return "Balance: \(amount(balance, locale)), below the threshold of \(amount(below, locale))."
        case (.failedDeliveries(let count), .fr):
            return "Livraisons de carte en échec, non renvoyées : \(count)."
        case (.failedDeliveries(let count), .ar):
            return "عمليات تسليم بطاقات فاشلة لم يُعَد إرسالها: \(number(count, locale))."
        case (.failedDeliveries(let count), .en):
            return "Card deliveries failed and not resent: \(count)."
        case (.stuckOrders(let count), .fr):
            return
                "Commandes en traitement depuis plus de 10 minutes ou en attente depuis plus de 72 heures : \(count)."
        case (.stuckOrders(let count), .ar):
            return
                "طلبات قيد المعالجة منذ أكثر من \(number(10, locale)) دقائق أو قيد الانتظار منذ أكثر من \(number(72, locale)) ساعة: \(number(count, locale))."
        case (.stuckOrders(let count), .en):
            return "Orders HANDLING past 10 minutes or QUEUED past 72 hours: \(count)."
        case (.uncertainGiftCards(let count), .fr):
            return
                "Commandes de cartes cadeaux sans réponse de OneClickDz, qui correspondent à plusieurs commandes chez lui : \(count). Indiquez la bonne dans la console."
        case (.uncertainGiftCards(let count), .ar):
            return
                "طلبات بطاقات هدايا لم يُجب عنها \(BidiText.isolated("OneClickDz")) وتطابق عدة طلبات لديه: \(number(count, locale)). حدّد الطلب الصحيح في لوحة التحكم."
        case (.uncertainGiftCards(let count), .en):
            return
                "Gift-card orders OneClickDz never answered that match several of its orders: \(count). Say which one in the console."
        case (.upstreamFailing(let duration), .fr):
            return "Tous les appels à OneClickDz échouent depuis \(minutes(duration)) min."
        case (.upstreamFailing(let duration), .ar):
            return
                "كل الطلبات إلى \(BidiText.isolated("OneClickDz")) تفشل منذ \(number(minutes(duration), locale)) دقيقة."
        case (.upstreamFailing(let duration), .en):
            return "Every OneClickDz call has failed for \(minutes(duration)) min."
        case (.audit(let problem), _):
            return auditDetail(problem, locale: locale)
        }
    }

    static func auditDetail(_ problem: String?, locale: CustomerLocale) -> String {
        guard let problem else {
            switch locale {
            case .fr: return "Les derniers événements correspondent au point de contrôle signé."
            case .ar: return "أحدث الأحداث مطابقة لنقطة التحقق الموقَّعة."
            case .en: return "The newest events match the signed checkpoint."
            }
        }
        if problem.hasPrefix("event "), let sequence = Int(problem.dropFirst(6).prefix { $0.isNumber }) {
            switch locale {
            case .fr:
                return
                    "L'événement n° \(sequence) ne correspond plus au point de contrôle signé (modifié, manquant ou détaché)."
            case .ar:
                return
                    "الحدث رقم \(number(sequence, locale)) لم يعد مطابقًا لنقطة التحقق الموقَّعة (معدَّل أو مفقود أو منفصل)."
            case .en: return "Event \(sequence) no longer matches the signed checkpoint (\(problem))."
            }
        }
        if problem.contains("signature") {
            switch locale {
            case .fr: return "La signature du fichier de point de contrôle n'est pas valide."
            case .ar: return "توقيع ملف نقطة التحقق غير صالح."
            case .en: return "The checkpoint file's signature does not verify."
            }
        }
        switch locale {
        case .fr: return "Le journal d'audit n'a pas pu être lu ni vérifié."
        case .ar: return "تعذّرت قراءة سجل التدقيق أو التحقق منه."
        case .en: return "The audit trail could not be checked (\(problem))."
        }
    }

    /// The console page that shows the condition, under the public URL.
    static func consolePath(_ condition: AlertCondition) -> String {
        switch condition {
        case .balanceLow: "/console"
        case .deliveryFailed: "/console/orders?delivery=failed"
        case .ordersStuck: "/console/orders"
        case .giftCardsUncertain: "/console/gift-cards?status=UNCERTAIN"
        case .upstreamDown, .auditBroken: "/console/health"
        }
    }

    /// The email's text: what happened, the detail, since when (Algiers time) and the console page.
    static func body(
        _ condition: AlertCondition, active: Bool, detail: String, at: Int64, locale: CustomerLocale,
        publicURL: String? = nil
    ) -> String {
        let time = AlgiersTime.format(milliseconds: at, locale: locale, zone: false)
        let when: String
        switch locale {
        case .fr: when = (active ? "Depuis le " : "Rétabli le ") + time + " (heure d'Alger)."
        case .ar:
            when = (active ? "منذ " : "عاد إلى طبيعته في ") + BidiText.isolated(time) + " (بتوقيت الجزائر)."
        case .en: when = (active ? "Since " : "Cleared at ") + time + " (Algiers time)."
        }
        var lines = [
            String(subject(condition, active: active, locale: locale).dropFirst("[Bitaqa] ".count)), "", detail, "",
            when,
        ]
        if let publicURL {
            let link = publicURL + consolePath(condition)
            switch locale {
            case .fr: lines.append("Voir dans la console : " + link)
            case .ar: lines.append("اعرض ذلك في لوحة التحكم: " + BidiText.isolated(link))
            case .en: lines.append("See it in the console: " + link)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// DZD as the language writes them (whole dinars); in Arabic the figure is isolated left to right.
    static func amount(_ value: Double, _ locale: CustomerLocale) -> String {
        let dinars = Int(value.rounded(.down))
        guard locale == .ar else { return DinarAmount.text(dinars, locale: locale) }
        return BidiText.isolated(String(dinars)) + "\u{00A0}دج"
    }

    static func number(_ value: Int, _ locale: CustomerLocale) -> String {
        locale == .ar ? BidiText.isolated(String(value)) : String(value)
    }

    static func minutes(_ duration: Duration) -> Int {
        max(1, Int(duration.components.seconds / 60))
    }
}
