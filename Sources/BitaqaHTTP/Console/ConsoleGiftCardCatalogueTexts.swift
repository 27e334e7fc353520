import BitaqaCore

/// The words of the gift-card catalogue and the counter sale, in French, Arabic and English. Merged into
/// ``ConsoleTexts/words(_:)``. `{max}` and `{n}` are replaced by the numbers they name.
extension ConsoleTexts {
    static let frenchGiftCardCatalogue: [String: String] = [
        "gcCatLink": "Catalogue des cartes cadeaux et vente au comptoir", "gcCatTitle": "Catalogue des cartes cadeaux",
        "gcCatBack": "Retour aux commandes de cartes cadeaux", "gcCatBackToCatalogue": "Retour au catalogue",
        "gcCatNote":
            "Les produits de OneClickDz par catégorie. Ouvrez un produit pour voir ses cartes, leur coût et leur stock, et en vendre au comptoir.",
        "gcCatRegion": "Région", "gcCatSaleState": "Vente", "gcCatOn": "en vente",
        "gcCatOff": "désactivé par OneClickDz", "gcCatEmpty": "OneClickDz ne propose aucun produit pour le moment.",
        "gcCatUpstream":
            "OneClickDz ne répond pas : le catalogue ne peut pas être affiché. Réessayez dans un instant.",
        "gcCatUnknown": "Ce produit n'existe pas chez OneClickDz : choisissez-en un dans le catalogue ci-dessous.",
        "gcCatProduct": "Produit", "gcCatCategory": "Catégorie", "gcCatTypes": "Cartes de ce produit",
        "gcCatFaceValue": "Valeur (nom de la carte)", "gcCatCost": "Coût par carte (jamais montré au client)",
        "gcCatStock": "Stock", "gcCatInStock": "{n} en stock", "gcCatNoTypes": "Ce produit n'a aucune carte en vente.",
        "gcCatDisabledNote": "OneClickDz a désactivé ce produit : il ne peut pas être vendu.",
        "gcCatSell": "Vendre au comptoir",
        "gcCatSellNote":
            "Bitaqa achète les cartes chez OneClickDz et les livre au client par les canaux cochés. La réf. identifie la vente : renvoyer le même formulaire n'achète rien de plus.",
        "gcCatOwnerOnly": "Seul un propriétaire peut vendre des cartes depuis la console.",
        "gcCatQuantity": "Nombre de cartes", "gcCatUserId": "Identifiant du client",
        "gcCatLanguage": "Langue du client",
        "gcCatChannels": "Envoyer les cartes par", "gcCatRef": "Réf. de la vente",
        "gcCatSellButton": "Acheter et livrer les cartes",
        "gcCatPlaced": "Commande passée chez OneClickDz : Bitaqa livrera les cartes au client dès leur arrivée.",
        "gcCatPlacing":
            "Commande envoyée à OneClickDz sans réponse claire : Bitaqa la cherche chez OneClickDz, sans jamais la repasser.",
        "gcCatAgain": "Cette vente avait déjà été passée avec cette réf. : la voici, rien n'a été acheté de plus.",
        "gcCatChooseType": "Choisissez une carte dans la liste.",
        "gcCatBadQuantity": "Nombre de cartes incorrect : de 1 à {max} cartes par vente.",
        "gcCatBadRef":
            "Réf. incorrecte : 1 à 100 caractères, sans espace ni « / ». Gardez la réf. proposée si vous n'en avez pas.",
        "gcCatNoContact": "Saisissez l'e-mail du client, son téléphone ou les deux : les cartes lui sont envoyées.",
        "gcCatNoChannel": "Cochez au moins un canal pour lequel vous avez saisi un contact (e-mail ou téléphone).",
        "gcCatBadUser": "Identifiant du client incorrect : 1 à 128 caractères, sans espace ni « / ».",
        "gcCatBadEmail": "Cette adresse e-mail n'est pas valide : corrigez-la.",
        "gcCatBadPhone": "Ce numéro n'est pas un mobile algérien (0XXXXXXXXX ou +213XXXXXXXXX) : corrigez-le.",
        "gcCatBadLanguage": "Choisissez la langue du client dans la liste.",
        "gcCatBadChannel": "Ce canal n'est pas configuré sur ce serveur : choisissez-en un autre.",
        "gcCatDisabled": "OneClickDz a désactivé ce produit : rien n'a été acheté.",
        "gcCatRefusedType": "OneClickDz ne connaît pas cette carte pour ce produit : rien n'a été acheté.",
        "gcCatOutOfStock":
            "Pas assez de cartes en stock pour cette quantité : choisissez moins de cartes ou une autre carte. Rien n'a été acheté.",
        "gcCatBalance": "Solde OneClickDz insuffisant pour cette vente : rechargez le compte. Rien n'a été acheté.",
        "gcCatDuplicate":
            "Cette réf. désigne déjà une autre vente : rien n'a été acheté. Une nouvelle réf. est proposée ci-dessous.",
        "gcCatUpstreamSale": "OneClickDz n'a pas répondu : rien n'a été acheté. Réessayez dans un instant.",
        "gcCatInvalid": "Formulaire incorrect : vérifiez la carte, le nombre, le client et ses contacts.",
        "gcCatRefusedOrder":
            "La vente refusée reste enregistrée sous sa réf. (non passée) ; une nouvelle réf. est proposée.",
        "gcCatRefusedLink": "Voir la vente refusée",
    ]

    static let arabicGiftCardCatalogue: [String: String] = [
        "gcCatLink": "كتالوج بطاقات الهدايا والبيع في المحل", "gcCatTitle": "كتالوج بطاقات الهدايا",
        "gcCatBack": "العودة إلى طلبات بطاقات الهدايا", "gcCatBackToCatalogue": "العودة إلى الكتالوج",
        "gcCatNote": "منتجات OneClickDz حسب الفئة. افتح منتجًا لترى بطاقاته وتكلفتها ومخزونها، ولتبيع منها في المحل.",
        "gcCatRegion": "المنطقة", "gcCatSaleState": "البيع", "gcCatOn": "معروض للبيع", "gcCatOff": "أوقفه OneClickDz",
        "gcCatEmpty": "لا يعرض OneClickDz أي منتج حاليًا.",
        "gcCatUpstream": "OneClickDz لا يرد: تعذّر عرض الكتالوج. أعد المحاولة بعد قليل.",
        "gcCatUnknown": "هذا المنتج غير موجود لدى OneClickDz: اختر منتجًا من الكتالوج أدناه.",
        "gcCatProduct": "المنتج", "gcCatCategory": "الفئة", "gcCatTypes": "بطاقات هذا المنتج",
        "gcCatFaceValue": "القيمة (اسم البطاقة)", "gcCatCost": "التكلفة لكل بطاقة (لا تظهر للزبون أبدًا)",
        "gcCatStock": "المخزون", "gcCatInStock": "{n} في المخزون", "gcCatNoTypes": "لا توجد بطاقات معروضة لهذا المنتج.",
        "gcCatDisabledNote": "أوقف OneClickDz هذا المنتج: لا يمكن بيعه.", "gcCatSell": "البيع في المحل",
        "gcCatSellNote":
            "يشتري Bitaqa البطاقات من OneClickDz ويسلّمها إلى الزبون عبر القنوات المختارة. المرجع يميّز عملية البيع: إعادة إرسال الاستمارة نفسها لا تشتري شيئًا إضافيًا.",
        "gcCatOwnerOnly": "لا يبيع البطاقات من لوحة التحكم إلا المالك.", "gcCatQuantity": "عدد البطاقات",
        "gcCatUserId": "معرّف الزبون", "gcCatLanguage": "لغة الزبون", "gcCatChannels": "أرسل البطاقات عبر",
        "gcCatRef": "مرجع البيع", "gcCatSellButton": "اشترِ البطاقات وسلّمها",
        "gcCatPlaced": "قُدّم الطلب لدى OneClickDz: يسلّم Bitaqa البطاقات إلى الزبون فور وصولها.",
        "gcCatPlacing": "أُرسل الطلب إلى OneClickDz دون رد واضح: يبحث عنه Bitaqa لدى OneClickDz ولا يعيد تقديمه أبدًا.",
        "gcCatAgain": "سبق تقديم هذا البيع بهذا المرجع: ها هو، ولم يُشترَ شيء إضافي.",
        "gcCatChooseType": "اختر بطاقة من القائمة.",
        "gcCatBadQuantity": "عدد البطاقات غير صحيح: من 1 إلى {max} بطاقات في كل عملية بيع.",
        "gcCatBadRef": "مرجع غير صحيح: من 1 إلى 100 حرف، دون مسافة ولا «/». احتفظ بالمرجع المقترح إن لم يكن لديك مرجع.",
        "gcCatNoContact": "أدخل بريد الزبون أو هاتفه أو كليهما: تُرسل إليه البطاقات.",
        "gcCatNoChannel": "اختر قناة واحدة على الأقل أدخلت لها وسيلة اتصال (بريد أو هاتف).",
        "gcCatBadUser": "معرّف الزبون غير صحيح: من 1 إلى 128 حرفًا، دون مسافة ولا «/».",
        "gcCatBadEmail": "هذا البريد الإلكتروني غير صالح: صحّحه.",
        "gcCatBadPhone": "هذا الرقم ليس رقم هاتف محمول جزائري (0XXXXXXXXX أو +213XXXXXXXXX): صحّحه.",
        "gcCatBadLanguage": "اختر لغة الزبون من القائمة.",
        "gcCatBadChannel": "هذه القناة غير مهيأة على هذا الخادم: اختر قناة أخرى.",
        "gcCatDisabled": "أوقف OneClickDz هذا المنتج: لم يُشترَ شيء.",
        "gcCatRefusedType": "لا يعرف OneClickDz هذه البطاقة لهذا المنتج: لم يُشترَ شيء.",
        "gcCatOutOfStock": "المخزون لا يكفي لهذا العدد: اختر عددًا أقل أو بطاقة أخرى. لم يُشترَ شيء.",
        "gcCatBalance": "رصيد OneClickDz لا يكفي لهذا البيع: اشحن الحساب. لم يُشترَ شيء.",
        "gcCatDuplicate": "هذا المرجع يخص عملية بيع أخرى: لم يُشترَ شيء. يُقترح مرجع جديد أدناه.",
        "gcCatUpstreamSale": "لم يرد OneClickDz: لم يُشترَ شيء. أعد المحاولة بعد قليل.",
        "gcCatInvalid": "استمارة غير صحيحة: تحقق من البطاقة والعدد والزبون ووسائل الاتصال به.",
        "gcCatRefusedOrder": "يبقى البيع المرفوض مسجلًا بمرجعه (لم يُقدَّم)؛ ويُقترح مرجع جديد.",
        "gcCatRefusedLink": "عرض البيع المرفوض",
    ]

    static let englishGiftCardCatalogue: [String: String] = [
        "gcCatLink": "Gift-card catalogue and counter sale", "gcCatTitle": "Gift-card catalogue",
        "gcCatBack": "Back to the gift-card orders", "gcCatBackToCatalogue": "Back to the catalogue",
        "gcCatNote":
            "OneClickDz's products by category. Open a product to see its cards, their cost and stock, and to sell some at the counter.",
        "gcCatRegion": "Region", "gcCatSaleState": "Sale", "gcCatOn": "on sale", "gcCatOff": "disabled by OneClickDz",
        "gcCatEmpty": "OneClickDz offers no product at the moment.",
        "gcCatUpstream": "OneClickDz is not answering: the catalogue cannot be shown. Try again in a moment.",
        "gcCatUnknown": "OneClickDz has no such product: choose one from the catalogue below.",
        "gcCatProduct": "Product", "gcCatCategory": "Category", "gcCatTypes": "This product's cards",
        "gcCatFaceValue": "Value (the card's name)", "gcCatCost": "Cost per card (never shown to the buyer)",
        "gcCatStock": "Stock", "gcCatInStock": "{n} in stock", "gcCatNoTypes": "This product has no card on sale.",
        "gcCatDisabledNote": "OneClickDz disabled this product: it cannot be sold.", "gcCatSell": "Sell at the counter",
        "gcCatSellNote":
            "Bitaqa buys the cards from OneClickDz and delivers them to the buyer on the channels ticked. The ref names the sale: sending the same form again buys nothing more.",
        "gcCatOwnerOnly": "Only an owner can sell cards from the console.", "gcCatQuantity": "Number of cards",
        "gcCatUserId": "Buyer's id", "gcCatLanguage": "Buyer's language", "gcCatChannels": "Send the cards by",
        "gcCatRef": "Sale ref", "gcCatSellButton": "Buy and deliver the cards",
        "gcCatPlaced": "Order placed with OneClickDz: Bitaqa delivers the cards to the buyer as soon as they come.",
        "gcCatPlacing":
            "The order went to OneClickDz without a clear answer: Bitaqa looks for it at OneClickDz and never places it again.",
        "gcCatAgain": "This sale was already placed under this ref: here it is, nothing more was bought.",
        "gcCatChooseType": "Choose a card from the list.",
        "gcCatBadQuantity": "Wrong number of cards: from 1 to {max} cards a sale.",
        "gcCatBadRef":
            "Wrong ref: 1 to 100 characters, without spaces or “/”. Keep the ref offered if you have none of your own.",
        "gcCatNoContact": "Enter the buyer's email, phone or both: the cards are sent there.",
        "gcCatNoChannel": "Tick at least one channel whose contact you entered (email or phone).",
        "gcCatBadUser": "Wrong buyer id: 1 to 128 characters, without spaces or “/”.",
        "gcCatBadEmail": "This email address is not valid: correct it.",
        "gcCatBadPhone": "This is not an Algerian mobile number (0XXXXXXXXX or +213XXXXXXXXX): correct it.",
        "gcCatBadLanguage": "Choose the buyer's language from the list.",
        "gcCatBadChannel": "This channel is not set up on this server: choose another.",
        "gcCatDisabled": "OneClickDz disabled this product: nothing was bought.",
        "gcCatRefusedType": "OneClickDz does not know this card for this product: nothing was bought.",
        "gcCatOutOfStock":
            "Not enough cards in stock for this number: choose fewer cards or another card. Nothing was bought.",
        "gcCatBalance": "The OneClickDz balance does not cover this sale: top the account up. Nothing was bought.",
        "gcCatDuplicate": "This ref already names another sale: nothing was bought. A new ref is offered below.",
        "gcCatUpstreamSale": "OneClickDz did not answer: nothing was bought. Try again in a moment.",
        "gcCatInvalid": "The form is wrong: check the card, the number, the buyer and the buyer's contacts.",
        "gcCatRefusedOrder": "The refused sale stays recorded under its ref (not placed); a new ref is offered.",
        "gcCatRefusedLink": "See the refused sale",
    ]
}
