/// How many SMS a text becomes: GSM-7 when every character is in the GSM 03.38 alphabet (160 per
/// message, 153 per part when split; extension characters count twice), UCS-2 otherwise (70, or 67
/// per part), which is what Arabic always needs.
public enum SMSSegments {
    public enum Encoding: Sendable, Equatable { case gsm7, ucs2 }

    static let basic: Set<Character> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
    )
    static let extended: Set<Character> = Set("^{}\\[~]|€\u{0C}")

    public static func encoding(of text: String) -> Encoding {
        text.allSatisfy { basic.contains($0) || extended.contains($0) } ? .gsm7 : .ucs2
    }

    /// The number of messages `text` is sent as.
    public static func count(_ text: String) -> Int {
        switch encoding(of: text) {
        case .gsm7:
            let units = text.reduce(0) { $0 + (extended.contains($1) ? 2 : 1) }
            return units <= 160 ? 1 : (units + 152) / 153
        case .ucs2:
            let units = text.utf16.count
            return units <= 70 ? 1 : (units + 66) / 67
        }
    }
}
