/// How to use a recharge card, per card type and locale: dial `*600#`, choose recharge, enter the code;
/// support `3003`.
public enum UsageInstructions {
    public static func steps(for type: CardType?, locale: CustomerLocale) -> [String] {
        let service: String
        switch (type, locale) {
        case (.adsl?, .ar): service = "ADSL"
        case (.fourG?, .ar): service = "4G LTE"
        case (.adsl?, _): service = "ADSL"
        case (.fourG?, _): service = "4G LTE"
        case (nil, .ar): service = "الإنترنت"
        case (nil, .fr): service = "Internet"
        case (nil, .en): service = "internet"
        }
        switch locale {
        case .ar:
            return [
                "اتصل بالرقم ‎*600#‎ من هاتفك.",
                "اختر «تعبئة الرصيد» (Recharge) لخدمة \(service).",
                "أدخل رمز البطاقة المكون من الأرقام أعلاه ثم أكّد.",
                "للمساعدة اتصل بخدمة زبائن اتصالات الجزائر على الرقم 3003.",
            ]
        case .fr:
            return [
                "Composez le *600# depuis votre téléphone.",
                "Choisissez « Recharger » pour votre ligne \(service).",
                "Saisissez le code de la carte ci-dessus, puis validez.",
                "Besoin d'aide ? Appelez le service client d'Algérie Télécom au 3003.",
            ]
        case .en:
            return [
                "Dial *600# from your phone.",
                "Choose \"Recharge\" for your \(service) line.",
                "Enter the card code above and confirm.",
                "Need help? Call Algérie Télécom customer service on 3003.",
            ]
        }
    }
}
