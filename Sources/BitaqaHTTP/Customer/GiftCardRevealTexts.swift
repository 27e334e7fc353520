import BitaqaCore

/// What the gift-card reveal page says, in each language. Apart from ``RevealPage/Labels``: a gift-card
/// order has no line, amount or transaction number to show, and has outcomes a top-up has not (a partial
/// fill, an order never placed). The wording of the partial fill and the refund follows the messages'
/// (`GiftCardWording`): the rest's money went back to the shop, not to the buyer.
struct GiftCardRevealTexts {
    let title, order, product, type, quantity, status, show, card, serial, copy, steps, keep: String
    let wait, refunded, notPlaced: String
    /// The partial-fill note, around the cards that came and those ordered (both already marked up).
    let partial: @Sendable (_ delivered: String, _ quantity: String) -> String

    static func of(_ locale: CustomerLocale) -> GiftCardRevealTexts {
        switch locale {
        case .ar: arabic
        case .fr: french
        case .en: english
        }
    }

    static let english = GiftCardRevealTexts(
        title: "Your gift cards", order: "Order number", product: "Product", type: "Type", quantity: "Cards",
        status: "Status", show: "Show my cards", card: "Card", serial: "Serial number", copy: "Copy the code",
        steps: "How to redeem", keep: "Keep your codes to yourself: anyone who knows a code can use it.",
        wait: "Your order is being processed; please wait.",
        refunded:
            "No card could be delivered: the order was cancelled and its amount credited back to the shop's balance, not to you. Please contact the shop.",
        notPlaced: "This order was not placed: no card was bought. Please contact the shop.",
        partial: {
            "Cards delivered: \($0) of \($1). The rest of the order was cancelled and its amount credited back to the shop's balance, not to you: please contact the shop about it."
        })

    static let french = GiftCardRevealTexts(
        title: "Vos cartes cadeaux", order: "N° de commande", product: "Produit", type: "Type", quantity: "Cartes",
        status: "Statut", show: "Afficher mes cartes", card: "Carte", serial: "Numéro de série",
        copy: "Copier le code", steps: "Comment l'utiliser",
        keep: "Gardez vos codes pour vous : quiconque connaît un code peut l'utiliser.",
        wait: "Votre commande est en cours de traitement ; veuillez patienter.",
        refunded:
            "Aucune carte n'a pu être livrée : la commande a été annulée et son montant recrédité sur le solde de la boutique, pas sur le vôtre. Veuillez contacter la boutique.",
        notPlaced: "Cette commande n'a pas été passée : aucune carte n'a été achetée. Veuillez contacter la boutique.",
        partial: {
            "Cartes livrées : \($0) sur \($1). Le reste de la commande a été annulé et son montant recrédité sur le solde de la boutique, pas sur le vôtre : veuillez contacter la boutique à ce sujet."
        })

    static let arabic = GiftCardRevealTexts(
        title: "بطاقات الهدايا الخاصة بك", order: "رقم الطلب", product: "المنتج", type: "النوع", quantity: "البطاقات",
        status: "الحالة", show: "اعرض بطاقاتي", card: "البطاقة", serial: "الرقم التسلسلي", copy: "انسخ الرمز",
        steps: "طريقة الاستعمال", keep: "احتفظ برموزك لنفسك: كل من يعرف الرمز يمكنه استعماله.",
        wait: "طلبك قيد المعالجة، يرجى الانتظار.",
        refunded: "تعذّر تسليم أي بطاقة: أُلغي الطلب وأُعيد مبلغه إلى رصيد المتجر وليس إليك. يرجى التواصل مع المتجر.",
        notPlaced: "لم يُنفَّذ هذا الطلب: لم تُشترَ أي بطاقة. يرجى التواصل مع المتجر.",
        partial: {
            "البطاقات المسلَّمة: \($0) من \($1). أُلغي باقي الطلب وأُعيد مبلغه إلى رصيد المتجر وليس إليك: يرجى التواصل مع المتجر بشأنه."
        })
}
