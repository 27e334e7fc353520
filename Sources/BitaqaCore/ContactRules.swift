/// Validation of the buyer's contact details, shared by the API and the channels.
public enum ContactRules {
    /// A pragmatic e-mail check: one `@`, a non-empty local part, a dotted domain, no spaces or
    /// control characters, at most 254 bytes (RFC 5321's path limit).
    public static func isValidEmail(_ raw: String) -> Bool {
        guard raw.utf8.count <= 254, !raw.isEmpty else { return false }
        guard !raw.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else { return false }
        let parts = raw.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64 else { return false }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 63 }) else { return false }
        return !raw.contains("<") && !raw.contains(">") && !raw.contains(",")
    }

    /// Normalises an Algerian mobile number to E.164 (`0XXXXXXXXX` or `+213XXXXXXXXX` or
    /// `213XXXXXXXXX` → `+213XXXXXXXXX`), or nil when it is not one.
    public static func normalisedAlgerianPhone(_ raw: String) -> String? {
        let compact = raw.filter { $0 != " " && $0 != "-" && $0 != "." }
        let digits: Substring
        if compact.hasPrefix("+213") {
            digits = compact.dropFirst(4)
        } else if compact.hasPrefix("00213") {
            digits = compact.dropFirst(5)
        } else if compact.hasPrefix("213"), compact.count == 12 {
            digits = compact.dropFirst(3)
        } else if compact.hasPrefix("0"), compact.count == 10 {
            digits = compact.dropFirst(1)
        } else {
            return nil
        }
        // Mobile numbers after the country code are 9 digits starting with 5, 6 or 7.
        guard digits.count == 9, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
            let first = digits.first, "567".contains(first)
        else { return nil }
        return "+213" + digits
    }
}

extension ContactRules {
    /// A contact as the audit trail and the logs show it: enough to recognise, not to use.
    /// `buyer@shop.dz` → `b***r@shop.dz`, `+213551234567` → `+21355*****67`.
    public static func masked(_ contact: String, channel: DeliveryChannel) -> String {
        switch channel {
        case .email:
            guard let at = contact.lastIndex(of: "@") else { return "***" }
            let local = contact[..<at]
            let domain = contact[at...]
            guard let first = local.first, let last = local.last, local.count > 2 else { return "***" + domain }
            return "\(first)***\(last)\(domain)"
        case .sms:
            guard contact.count > 8 else { return "***" }
            return String(contact.prefix(6)) + String(repeating: "*", count: contact.count - 8)
                + String(contact.suffix(2))
        }
    }
}
