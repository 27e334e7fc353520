/// How to use a recharge card, per card type and locale. The one source of the steps: messages and the
/// in-app card API both read them here.
///
/// ADSL: from the landline, dial `*600#`, choose recharge, enter the code, confirm with `#`.
/// 4G: from the 4G device, the same code entry; data is active within minutes. Support: `3003`.
public enum UsageInstructions {
    public static let supportNumber = "3003"

    public static func steps(for type: CardType?, locale: CustomerLocale) -> [String] {
        switch (type ?? .adsl, locale) {
        case (.adsl, .ar):
            return [
                "من هاتف الخط الثابت، اطلب ‎*600#‎.",
                "اختر «تعبئة الرصيد».",
                "أدخل رمز البطاقة ثم أكّد بالضغط على ‎#‎.",
                "للمساعدة اتصل بالرقم 3003.",
            ]
        case (.fourG, .ar):
            return [
                "من جهاز الجيل الرابع (مودم 4G)، اطلب ‎*600#‎.",
                "اختر «تعبئة الرصيد» وأدخل رمز البطاقة ثم أكّد.",
                "يُفعَّل رصيد الإنترنت خلال دقائق.",
                "للمساعدة اتصل بالرقم 3003.",
            ]
        case (.adsl, .fr):
            return [
                "Depuis votre téléphone fixe, composez le *600#.",
                "Choisissez « Recharger ».",
                "Saisissez le code de la carte, puis validez avec #.",
                "Besoin d'aide ? Appelez le 3003.",
            ]
        case (.fourG, .fr):
            return [
                "Depuis votre équipement 4G, composez le *600#.",
                "Choisissez « Recharger », saisissez le code de la carte et validez.",
                "La connexion est active en quelques minutes.",
                "Besoin d'aide ? Appelez le 3003.",
            ]
        case (.adsl, .en):
            return [
                "From your landline phone, dial *600#.",
                "Choose \"Recharge\".",
                "Enter the card code, then confirm with #.",
                "Need help? Call 3003.",
            ]
        case (.fourG, .en):
            return [
                "From your 4G device, dial *600#.",
                "Choose \"Recharge\", enter the card code and confirm.",
                "Your data is active within minutes.",
                "Need help? Call 3003.",
            ]
        }
    }
}
