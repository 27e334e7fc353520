/// The words and numbers a buyer reads, in the buyer's language: order statuses and amounts of money,
/// shared by the reveal page, the card API's messages, the emails and the SMS.
extension OrderStatus {
    /// The status as a buyer reads it (the upstream's word stays in the merchant's API and console).
    public func localized(_ locale: CustomerLocale) -> String {
        switch (self, locale) {
        case (.handling, .ar): "قيد المعالجة"
        case (.queued, .ar): "في قائمة الانتظار"
        case (.fulfilled, .ar): "تم التنفيذ"
        case (.refunded, .ar): "تم استرجاع المبلغ"
        case (.handling, .fr): "En cours de traitement"
        case (.queued, .fr): "En file d'attente"
        case (.fulfilled, .fr): "Exécutée"
        case (.refunded, .fr): "Remboursée"
        case (.handling, .en): "Processing"
        case (.queued, .en): "Queued"
        case (.fulfilled, .en): "Fulfilled"
        case (.refunded, .en): "Refunded"
        case (.unknownUpstream, .ar): "طلب غير موجود"
        case (.unknownUpstream, .fr): "Commande introuvable"
        case (.unknownUpstream, .en): "Order not found"
        case (.partiallyFilled, .ar): "تم التنفيذ جزئيًا"
        case (.partiallyFilled, .fr): "Exécutée en partie"
        case (.partiallyFilled, .en): "Partly fulfilled"
        case (.placing, .ar), (.uncertain, .ar): "قيد المعالجة"
        case (.placing, .fr), (.uncertain, .fr): "En cours de traitement"
        case (.placing, .en), (.uncertain, .en): "Processing"
        case (.notPlaced, .ar): "لم يُنفَّذ الطلب"
        case (.notPlaced, .fr): "Commande non passée"
        case (.notPlaced, .en): "Order not placed"
        }
    }
}

/// What the card API tells a buyer about their own order, in the order's language.
public enum BuyerMessage {
    public static func tooManyViews(_ locale: CustomerLocale) -> String {
        switch locale {
        case .ar: "عدد كبير جدًا من مرات عرض البطاقة؛ حاول مرة أخرى لاحقًا"
        case .fr: "trop d'affichages de la carte ; réessayez plus tard"
        case .en: "too many card views; try again later"
        }
    }
}

/// Amounts in Algerian dinars as each language writes them: `1000 دج`, `1 000 DA`, `DZD 1,000`.
public enum DinarAmount {
    /// - Parameter plainSpaces: ordinary spaces instead of no-break ones, for SMS, where a no-break
    ///   space would leave the GSM alphabet and halve what a segment holds.
    public static func text(_ value: Int, locale: CustomerLocale, plainSpaces: Bool = false) -> String {
        let space = plainSpaces ? " " : "\u{00A0}"
        switch locale {
        case .ar:
            return "\(value)\(space)دج"
        case .fr:
            return grouped(value, separator: plainSpaces ? " " : "\u{202F}") + space + "DA"
        case .en:
            return "DZD" + space + grouped(value, separator: ",")
        }
    }

    static func grouped(_ value: Int, separator: String) -> String {
        let digits = Array(String(value.magnitude))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += separator }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }
}
