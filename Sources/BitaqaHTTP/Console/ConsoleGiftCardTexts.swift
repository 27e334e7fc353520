import BitaqaCore
import Orders

/// The words of the gift-card pages, in French, Arabic and English. Merged into ``ConsoleTexts/words(_:)``.
extension ConsoleTexts {
    static let frenchGiftCards: [String: String] = [
        "giftCards": "Cartes cadeaux", "gcOrder": "Commande de cartes cadeaux", "gcRef": "Réf.",
        "gcOrderId": "N° OneClickDz", "gcProduct": "Produit", "gcType": "Type de carte",
        "gcCards": "Cartes livrées / commandées", "gcQuantity": "Cartes commandées",
        "gcFulfilled": "Cartes livrées par OneClickDz", "gcPrice": "Coût par carte (jamais montré au client)",
        "gcLastCheck": "Dernière vérification", "gcNextCheck": "Prochaine vérification", "gcChannels": "Canaux",
        "gcSearchHint": "Réf., n° OneClickDz, e-mail ou téléphone", "gcNone": "Aucune commande de cartes cadeaux.",
        "gcNotFound": "Commande de cartes cadeaux introuvable : vérifiez la réf., ou cherchez-la ci-dessous.",
        "gcOff": "Les cartes cadeaux ne sont pas servies par ce serveur.",
        "gcBadFilters": "Filtres incorrects : choisissez un statut de la liste, puis relancez la recherche.",
        "gcSealed": "Cartes scellées dans le coffre",
        "gcSealedNote": "Les codes et numéros de série sont comptés, jamais affichés : seul le client les voit.",
        "gcResend": "Renvoyer les cartes", "gcResent": "Les cartes sont de nouveau en file d'envoi vers le client.",
        "gcCandidates": "Commandes OneClickDz possibles",
        "gcSettleWhy":
            "OneClickDz n'a pas répondu quand la commande a été passée, et plusieurs de ses commandes peuvent être celle-ci. Choisissez la bonne : Bitaqa la rattache à cette commande, la suit et livre ses cartes au client. Ce choix est définitif et consigné au journal d'audit.",
        "gcSettle": "C'est celle-ci", "gcSettleOwner": "Seul un propriétaire peut trancher.",
        "gcSettled": "C'est réglé : la commande est rattachée à la commande OneClickDz choisie, et Bitaqa la suit.",
        "gcSettleRefused":
            "Rien n'a été changé : cette commande n'est plus à trancher, ou ce n° n'est pas l'une de ses candidates (ou une autre commande le détient déjà).",
        "gcWhy_PLACING":
            "La commande est partie chez OneClickDz sans réponse claire : Bitaqa la cherche dans la liste de OneClickDz, sans jamais la repasser.",
        "gcWhy_HANDLING":
            "OneClickDz prépare les cartes : Bitaqa vérifie régulièrement et les livre au client dès qu'elles arrivent.",
        "gcWhy_FULFILLED": "Toutes les cartes sont arrivées ; elles sont livrées au client.",
        "gcWhy_PARTIALLY_FILLED":
            "Une partie seulement des cartes est arrivée : le client reçoit celles-ci, OneClickDz rembourse le reste.",
        "gcWhy_REFUNDED": "Aucune carte n'est arrivée : OneClickDz a remboursé la commande.",
        "gcWhy_NOT_PLACED":
            "OneClickDz n'a jamais reçu cette commande : rien n'a été acheté. Passez-la de nouveau sous une nouvelle réf. si besoin.",
        "gcWhy_UNCERTAIN":
            "OneClickDz n'a pas répondu, et plusieurs de ses commandes peuvent être celle-ci : choisissez la bonne ci-dessous.",
    ]

    static let arabicGiftCards: [String: String] = [
        "giftCards": "بطاقات الهدايا", "gcOrder": "طلب بطاقات هدايا", "gcRef": "المرجع", "gcOrderId": "رقم OneClickDz",
        "gcProduct": "المنتج", "gcType": "نوع البطاقة", "gcCards": "البطاقات المسلّمة / المطلوبة",
        "gcQuantity": "البطاقات المطلوبة", "gcFulfilled": "البطاقات التي سلّمها OneClickDz",
        "gcPrice": "التكلفة لكل بطاقة (لا تظهر للزبون أبدًا)", "gcLastCheck": "آخر تحقق", "gcNextCheck": "التحقق التالي",
        "gcChannels": "القنوات", "gcSearchHint": "المرجع أو رقم OneClickDz أو البريد أو الهاتف",
        "gcNone": "لا توجد طلبات بطاقات هدايا.",
        "gcNotFound": "طلب بطاقات الهدايا غير موجود: تحقق من المرجع أو ابحث عنه أدناه.",
        "gcOff": "لا يقدّم هذا الخادم بطاقات الهدايا.",
        "gcBadFilters": "مرشحات غير صحيحة: اختر حالة من القائمة ثم أعد البحث.",
        "gcSealed": "البطاقات المختومة في الخزنة",
        "gcSealedNote": "تُحصى الرموز والأرقام التسلسلية ولا تُعرض أبدًا: لا يراها إلا الزبون.",
        "gcResend": "أعد إرسال البطاقات", "gcResent": "أعيدت البطاقات إلى قائمة الإرسال إلى الزبون.",
        "gcCandidates": "طلبات OneClickDz المحتملة",
        "gcSettleWhy":
            "لم يرد OneClickDz عند تقديم الطلب، وقد تكون عدة طلبات لديه هي هذا الطلب. اختر الصحيح: يربطه Bitaqa بهذا الطلب ويتابعه ويسلّم بطاقاته إلى الزبون. هذا الاختيار نهائي ويُسجَّل في سجل التدقيق.",
        "gcSettle": "هذا هو الطلب", "gcSettleOwner": "لا يحسم هذا إلا المالك.",
        "gcSettled": "تمت التسوية: رُبط الطلب بطلب OneClickDz المختار، ويتابعه Bitaqa الآن.",
        "gcSettleRefused":
            "لم يتغير شيء: لم يعد هذا الطلب بحاجة إلى قرار، أو هذا الرقم ليس من الطلبات المحتملة (أو يملكه طلب آخر).",
        "gcWhy_PLACING":
            "أُرسل الطلب إلى OneClickDz دون رد واضح: يبحث عنه Bitaqa في قائمة OneClickDz ولا يعيد إرساله أبدًا.",
        "gcWhy_HANDLING": "يحضّر OneClickDz البطاقات: يتحقق Bitaqa بانتظام ويسلّمها إلى الزبون فور وصولها.",
        "gcWhy_FULFILLED": "وصلت كل البطاقات، وهي تُسلَّم إلى الزبون.",
        "gcWhy_PARTIALLY_FILLED": "وصل جزء فقط من البطاقات: يتسلمها الزبون، ويسترجع OneClickDz ثمن الباقي.",
        "gcWhy_REFUNDED": "لم تصل أي بطاقة: استرجع OneClickDz ثمن الطلب.",
        "gcWhy_NOT_PLACED": "لم يستلم OneClickDz هذا الطلب: لم يُشترَ شيء. أعد تقديمه بمرجع جديد عند الحاجة.",
        "gcWhy_UNCERTAIN": "لم يرد OneClickDz، وقد تكون عدة طلبات لديه هي هذا الطلب: اختر الصحيح أدناه.",
    ]

    static let englishGiftCards: [String: String] = [
        "giftCards": "Gift cards", "gcOrder": "Gift-card order", "gcRef": "Ref", "gcOrderId": "OneClickDz id",
        "gcProduct": "Product", "gcType": "Card type", "gcCards": "Cards delivered / ordered",
        "gcQuantity": "Cards ordered", "gcFulfilled": "Cards delivered by OneClickDz",
        "gcPrice": "Cost per card (never shown to the buyer)", "gcLastCheck": "Last check",
        "gcNextCheck": "Next check", "gcChannels": "Channels", "gcSearchHint": "Ref, OneClickDz id, email or phone",
        "gcNone": "No gift-card orders.", "gcNotFound": "No such gift-card order: check the ref, or search below.",
        "gcOff": "This server does not serve gift cards.",
        "gcBadFilters": "Wrong filters: choose a status from the list, then search again.",
        "gcSealed": "Cards sealed in the vault",
        "gcSealedNote": "Codes and serials are counted, never shown: only the buyer sees them.",
        "gcResend": "Resend the cards", "gcResent": "The cards are queued to the buyer again.",
        "gcCandidates": "Possible OneClickDz orders",
        "gcSettleWhy":
            "OneClickDz did not answer when the order was placed, and several of its orders may be this one. Choose the right one: Bitaqa ties it to this order, tracks it and delivers its cards to the buyer. This choice is final and recorded in the audit trail.",
        "gcSettle": "This is the one", "gcSettleOwner": "Only an owner can settle it.",
        "gcSettled": "Settled: the order is tied to the chosen OneClickDz order, and Bitaqa tracks it.",
        "gcSettleRefused":
            "Nothing was changed: this order is no longer to settle, or this id is not one of its candidates (or another order already holds it).",
        "gcWhy_PLACING":
            "The order went to OneClickDz without a clear answer: Bitaqa looks for it in OneClickDz's list and never places it again.",
        "gcWhy_HANDLING":
            "OneClickDz is preparing the cards: Bitaqa checks regularly and delivers them to the buyer as soon as they come.",
        "gcWhy_FULFILLED": "Every card came; they are delivered to the buyer.",
        "gcWhy_PARTIALLY_FILLED": "Only some of the cards came: the buyer gets those, and OneClickDz refunds the rest.",
        "gcWhy_REFUNDED": "No card came: OneClickDz refunded the order.",
        "gcWhy_NOT_PLACED":
            "OneClickDz never got this order: nothing was bought. Place it again under a new ref if needed.",
        "gcWhy_UNCERTAIN":
            "OneClickDz did not answer, and several of its orders may be this one: choose the right one below.",
    ]

    /// The gift-card page's notices that say an action did not go through: shown as an error.
    static let giftCardProblems: Set<String> = ["gcSettleRefused", "gcNotFound", "why_noChannel"]

    /// The gift-card page's notice named `key` (`?notice=`): a success for the banner, or a problem for the
    /// page's error; the top-up order page's notices keep their meaning.
    static func giftCardNotice(_ key: String?, status: OrderStatus, _ locale: CustomerLocale) -> (
        notice: String?, problem: String?
    ) {
        guard let key, let text = words(locale)[key] else { return (nil, nil) }
        if giftCardProblems.contains(key) { return (nil, text) }
        return orderNotice(key, status: status, locale)
    }

    /// What a gift-card status means for the merchant, in words; nil for a status gift cards never take.
    static func giftCardExplanation(_ status: OrderStatus, _ locale: CustomerLocale) -> String? {
        words(locale)["gcWhy_" + status.rawValue]
    }

    /// A language's own name, as the language switch writes it.
    static func languageName(_ locale: CustomerLocale) -> String {
        switch locale {
        case .fr: "Français"
        case .ar: "العربية"
        case .en: "English"
        }
    }
}
