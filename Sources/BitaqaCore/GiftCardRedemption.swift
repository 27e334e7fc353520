/// The well-known gift-card brands whose redemption steps Bitaqa knows; every other product gets the
/// ``generic`` steps. The upstream's catalogue has about a hundred products and no field that names the
/// brand, so the brand is guessed from the product's id and title (``GiftCardRedemption/brand(productId:title:)``).
public enum GiftCardBrand: String, Sendable, CaseIterable {
    case playStation, googlePlay, netflix, steam, apple, xbox, freeFire, pubg, generic

    /// Keywords, lowercased, each matched at the start of a word of the id or title. The games come
    /// first: a title such as "PUBG Mobile UC (Google Play)" is redeemed in the game, not in the store.
    static let keywords: [(GiftCardBrand, [String])] = [
        (.freeFire, ["free fire", "freefire", "فري فاير"]),
        (.pubg, ["pubg", "ببجي"]),
        (.playStation, ["playstation", "psn", "بلايستيشن", "بلاي ستيشن"]),
        (.xbox, ["xbox", "اكس بوكس", "إكس بوكس"]),
        (.steam, ["steam", "ستيم"]),
        (.netflix, ["netflix", "نتفليكس"]),
        (.apple, ["itunes", "apple", "ايتونز", "آيتونز", "آبل"]),
        (.googlePlay, ["google", "جوجل", "غوغل"]),
    ]
}

/// How to redeem a gift card, per brand and locale: the one source of the steps, read by the messages
/// and the in-app card API alike. Short, factual, 2 to 4 steps; the store's own menu names are quoted
/// as the store writes them in that language.
public enum GiftCardRedemption {
    /// The brand a product belongs to, from its id and title: case-insensitive keywords matched at the
    /// start of a word, so `psn-usa-10` is PlayStation but "Apps Network" is not.
    public static func brand(productId: String, title: String) -> GiftCardBrand {
        let words = " " + normalized(productId + " " + title) + " "
        for (brand, keywords) in GiftCardBrand.keywords where keywords.contains(where: { words.contains(" " + $0) }) {
            return brand
        }
        return .generic
    }

    /// The redemption steps of the product's brand, in `locale`.
    public static func steps(productId: String, title: String, locale: CustomerLocale) -> [String] {
        steps(for: brand(productId: productId, title: title), locale: locale)
    }

    public static func steps(for brand: GiftCardBrand, locale: CustomerLocale) -> [String] {
        switch locale {
        case .ar: arabic(brand)
        case .fr: french(brand)
        case .en: english(brand)
        }
    }

    /// Lowercase letters and digits, every other run of characters one space: `PSN_USA-10` → `psn usa 10`.
    static func normalized(_ text: String) -> String {
        text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: " ")
    }

    static func english(_ brand: GiftCardBrand) -> [String] {
        switch brand {
        case .playStation:
            [
                "On your PlayStation console or in the PlayStation App, open PlayStation Store and choose Redeem Codes in its menu.",
                "Enter the code and confirm: the amount is added to your PSN wallet.",
                "The card works only on a PSN account of the same region as the card.",
            ]
        case .googlePlay:
            [
                "Open the Google Play Store app, tap your profile picture, then Payments & subscriptions, then Redeem code.",
                "Enter the code and confirm: the amount is added to your Google Play balance.",
                "You can also redeem it on play.google.com/redeem.",
            ]
        case .netflix:
            [
                "Go to netflix.com/redeem in a web browser.",
                "Sign in to your Netflix account, or create one.",
                "Enter the code and confirm: its value pays for your subscription.",
            ]
        case .steam:
            [
                "Sign in to Steam, in the app or on store.steampowered.com.",
                "Open your account menu, then Account details, then Add funds to your Steam Wallet.",
                "Choose Redeem a Steam Gift Card or Wallet Code, enter the code and continue.",
            ]
        case .apple:
            [
                "On your iPhone or iPad, open the App Store and tap your photo at the top.",
                "Tap Redeem Gift Card or Code, then enter the code manually.",
                "The amount is added to your Apple Account balance; the card works only on an account of its country.",
            ]
        case .xbox:
            [
                "Go to redeem.microsoft.com and sign in with your Microsoft account, or on the console open Microsoft Store and choose Redeem.",
                "Enter the 25-character code and confirm.",
                "The amount or the subscription is added to your Microsoft account.",
            ]
        case .freeFire:
            [
                "Open the official Free Fire top-up page named for the card (Garena or the voucher's site).",
                "Sign in with your Free Fire player ID.",
                "Choose to pay with a code, enter the code and confirm: the diamonds are added to your account.",
            ]
        case .pubg:
            [
                "Go to midasbuy.com and choose PUBG Mobile.",
                "Enter your player ID, choose to redeem a code and enter the code.",
                "Confirm: the UC are added to your account within minutes.",
            ]
        case .generic:
            [
                "Open the app or site where the card is used (see the product's name) and sign in.",
                "Find the option to redeem a code or a gift card, enter the code and confirm.",
                "A card may work only on an account of its region: ask the shop if in doubt.",
            ]
        }
    }

    static func french(_ brand: GiftCardBrand) -> [String] {
        switch brand {
        case .playStation:
            [
                "Sur votre console PlayStation ou dans l'application PlayStation App, ouvrez le PlayStation Store et choisissez « Utiliser des codes » dans son menu.",
                "Saisissez le code et validez : le montant est ajouté au porte-monnaie de votre compte PSN.",
                "La carte ne fonctionne que sur un compte PSN de la même région qu'elle.",
            ]
        case .googlePlay:
            [
                "Ouvrez l'application Google Play Store, touchez votre photo de profil, puis « Paiements et abonnements », puis « Utiliser un code ».",
                "Saisissez le code et validez : le montant est ajouté à votre solde Google Play.",
                "Vous pouvez aussi l'utiliser sur play.google.com/redeem.",
            ]
        case .netflix:
            [
                "Rendez-vous sur netflix.com/redeem depuis un navigateur.",
                "Connectez-vous à votre compte Netflix ou créez-en un.",
                "Saisissez le code et validez : son montant règle votre abonnement.",
            ]
        case .steam:
            [
                "Connectez-vous à Steam, dans l'application ou sur store.steampowered.com.",
                "Ouvrez le menu de votre compte, puis « Détails du compte », puis « Ajouter des fonds à votre porte-monnaie Steam ».",
                "Choisissez « Utiliser une carte-cadeau ou un code de porte-monnaie Steam », saisissez le code et continuez.",
            ]
        case .apple:
            [
                "Sur votre iPhone ou iPad, ouvrez l'App Store et touchez votre photo en haut de l'écran.",
                "Touchez « Utiliser une carte cadeau ou un code », puis saisissez le code manuellement.",
                "Le montant est ajouté au solde de votre compte Apple ; la carte ne fonctionne que sur un compte de son pays.",
            ]
        case .xbox:
            [
                "Rendez-vous sur redeem.microsoft.com et connectez-vous à votre compte Microsoft, ou, sur la console, ouvrez le Microsoft Store et choisissez « Utiliser un code ».",
                "Saisissez le code de 25 caractères et validez.",
                "Le montant ou l'abonnement est ajouté à votre compte Microsoft.",
            ]
        case .freeFire:
            [
                "Ouvrez la page de recharge officielle de Free Fire indiquée pour la carte (Garena ou le site du bon).",
                "Identifiez-vous avec votre identifiant de joueur Free Fire.",
                "Choisissez le paiement par code, saisissez le code et validez : les diamants sont ajoutés à votre compte.",
            ]
        case .pubg:
            [
                "Rendez-vous sur midasbuy.com et choisissez PUBG Mobile.",
                "Saisissez votre identifiant de joueur, choisissez l'échange d'un code et saisissez le code.",
                "Validez : les UC sont ajoutés à votre compte en quelques minutes.",
            ]
        case .generic:
            [
                "Ouvrez l'application ou le site où s'utilise la carte (voir le nom du produit) et connectez-vous.",
                "Cherchez l'option pour utiliser un code ou une carte cadeau, saisissez le code et validez.",
                "Une carte peut ne fonctionner que sur un compte de sa région : en cas de doute, demandez à la boutique.",
            ]
        }
    }

    static func arabic(_ brand: GiftCardBrand) -> [String] {
        switch brand {
        case .playStation:
            [
                "على جهاز PlayStation أو في تطبيق PlayStation App، افتح متجر PlayStation Store واختر «استرداد الرموز» من قائمته.",
                "أدخل الرمز وأكّد: يُضاف المبلغ إلى محفظة حسابك في PSN.",
                "لا تعمل البطاقة إلا على حساب PSN من منطقة البطاقة نفسها.",
            ]
        case .googlePlay:
            [
                "افتح تطبيق متجر Google Play، والمس صورة ملفك الشخصي، ثم «الدفعات والاشتراكات»، ثم «استخدام رمز».",
                "أدخل الرمز وأكّد: يُضاف المبلغ إلى رصيدك في Google Play.",
                "يمكنك أيضًا استعماله على play.google.com/redeem.",
            ]
        case .netflix:
            [
                "ادخل إلى netflix.com/redeem من متصفح الإنترنت.",
                "سجّل الدخول إلى حسابك في Netflix أو أنشئ حسابًا.",
                "أدخل الرمز وأكّد: تُستعمل قيمته لدفع اشتراكك.",
            ]
        case .steam:
            [
                "سجّل الدخول إلى Steam، في التطبيق أو على store.steampowered.com.",
                "افتح قائمة حسابك، ثم «تفاصيل الحساب»، ثم «إضافة رصيد إلى محفظة Steam».",
                "اختر استرداد بطاقة هدايا أو رمز محفظة، وأدخل الرمز ثم تابع.",
            ]
        case .apple:
            [
                "على جهاز iPhone أو iPad، افتح App Store والمس صورتك في الأعلى.",
                "المس «استرداد بطاقة هدايا أو رمز»، ثم أدخل الرمز يدويًا.",
                "يُضاف المبلغ إلى رصيد حسابك في Apple، ولا تعمل البطاقة إلا على حساب من بلدها.",
            ]
        case .xbox:
            [
                "ادخل إلى redeem.microsoft.com وسجّل الدخول بحسابك في Microsoft، أو افتح Microsoft Store على الجهاز واختر «استرداد».",
                "أدخل الرمز المكوَّن من 25 حرفًا وأكّد.",
                "يُضاف المبلغ أو الاشتراك إلى حسابك في Microsoft.",
            ]
        case .freeFire:
            [
                "افتح صفحة الشحن الرسمية للعبة Free Fire المذكورة للبطاقة (Garena أو موقع القسيمة).",
                "سجّل الدخول بمعرّف اللاعب الخاص بك في Free Fire.",
                "اختر الدفع برمز، وأدخل الرمز وأكّد: تُضاف الجواهر إلى حسابك.",
            ]
        case .pubg:
            [
                "ادخل إلى midasbuy.com واختر PUBG Mobile.",
                "أدخل معرّف اللاعب، واختر استبدال رمز ثم أدخل الرمز.",
                "أكّد: تُضاف شدّات UC إلى حسابك خلال دقائق.",
            ]
        case .generic:
            [
                "افتح التطبيق أو الموقع الذي تُستعمل فيه البطاقة (انظر اسم المنتج) وسجّل الدخول.",
                "ابحث عن خيار استرداد رمز أو بطاقة هدايا، وأدخل الرمز وأكّد.",
                "قد لا تعمل البطاقة إلا على حساب من منطقتها: اسأل المتجر إن كان لديك شك.",
            ]
        }
    }
}

extension BidiText {
    /// The plain-text counterpart of ``html(_:)``: each left-to-right run of `text` (a brand, an address,
    /// a number) between U+2066 and U+2069, for an Arabic SMS or text email, where no `<bdi>` exists.
    /// Lives here because the redemption steps are the first free text with Latin runs that messages
    /// quote in Arabic; it shares ``html(_:)``'s notion of a run.
    public static func isolatingRuns(_ text: String) -> String {
        var out = ""
        var run = ""
        var pendingSpace = ""
        func flush() {
            guard !run.isEmpty else { return }
            out += isolated(run)
            run = ""
        }
        for word in words(text) {
            if word.allSatisfy(\.isWhitespace) {
                if run.isEmpty { out += word } else { pendingSpace += word }
                continue
            }
            let (core, trailing) = split(word)
            if isLeftToRight(core) {
                run += pendingSpace + core
                pendingSpace = ""
                if !trailing.isEmpty {
                    flush()
                    out += trailing
                }
            } else {
                flush()
                out += pendingSpace + word
                pendingSpace = ""
            }
        }
        flush()
        return out + pendingSpace
    }
}
