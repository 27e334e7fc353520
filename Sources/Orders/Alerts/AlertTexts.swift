import BitaqaCore

/// What the people who run the shop are alerted about.
public enum AlertCondition: String, Sendable, CaseIterable {
    case balanceLow = "balance_low"
    case deliveryFailed = "delivery_failed"
    case ordersStuck = "orders_stuck"
    case upstreamDown = "upstream_down"
    case auditBroken = "audit_broken"
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
        }
        return "[Bitaqa] " + (active ? pair.0 : pair.1)
    }

    static func body(
        _ condition: AlertCondition, active: Bool, detail: String, at: Int64, locale: CustomerLocale
    ) -> String {
        let since: String
        switch locale {
        case .fr: since = active ? "Depuis" : "Rétabli à"
        case .ar: since = active ? "منذ" : "عاد إلى طبيعته في"
        case .en: since = active ? "Since" : "Cleared at"
        }
        return [
            String(subject(condition, active: active, locale: locale).dropFirst("[Bitaqa] ".count)), "", detail, "",
            "\(since) \(Timestamp.iso8601(at)) (\(condition.rawValue))",
        ].joined(separator: "\n")
    }
}
