import Audit
import BitaqaCore
import Foundation
import Hummingbird
import Orders

/// Every word of the console, in French, Arabic and English.
enum ConsoleTexts {
    static func words(_ locale: CustomerLocale) -> [String: String] {
        switch locale {
        case .fr: frenchAll
        case .ar: arabicAll
        case .en: englishAll
        }
    }

    static let frenchAll = french.merging(frenchShop) { $1 }.merging(frenchGiftCards) { $1 }
        .merging(frenchGiftCardCatalogue) { $1 }.merging(frenchBuyerData) { $1 }
    static let arabicAll = arabic.merging(arabicShop) { $1 }.merging(arabicGiftCards) { $1 }
        .merging(arabicGiftCardCatalogue) { $1 }.merging(arabicBuyerData) { $1 }
    static let englishAll = english.merging(englishShop) { $1 }.merging(englishGiftCards) { $1 }
        .merging(englishGiftCardCatalogue) { $1 }.merging(englishBuyerData) { $1 }

    /// The words of the pages a merchant runs the shop from: figures, filters, bulk actions, notes, send.
    static let frenchShop: [String: String] = [
        "sendLink": "Envoyer une recharge", "staffLink": "Équipe", "figures": "Chiffres de l'activité",
        "figOrders": "Commandes", "figDelivered": "Cartes livrées", "figFailed": "Échecs",
        "figFaceValue": "Valeur faciale", "fig_today": "Aujourd'hui", "fig_week": "7 derniers jours",
        "stuck": "Commandes bloquées depuis avant aujourd'hui",
        "lowBalance": "Solde OneClickDz bas : rechargez le compte avant qu'il ne manque.",
        "balanceHistory": "Solde des sept derniers jours (dernier relevé du jour)",
        "badFilters": "Filtres incorrects : vérifiez les dates et la valeur.", "csv": "Exporter en CSV (mêmes filtres)",
        "bulk": "Après une panne", "bulkResend": "Renvoyer toutes les cartes en échec",
        "bulkRetry": "Relancer tous les webhooks en échec", "bulkResent": "Commandes dont la carte est renvoyée :",
        "bulkRetried": "Webhooks relancés :", "notes": "Notes internes (jamais montrées au client)",
        "noNotes": "Aucune note.", "addNote": "Ajouter une note", "noteAdded": "Note ajoutée.",
        "badNote": "Une note fait de 1 à 2000 caractères : rien n'a été ajouté.", "buyer": "Client",
        "sendTitle": "Envoyer une recharge", "catalogue": "Voir le catalogue",
        "noCatalogue": "Catalogue indisponible : saisissez la valeur.", "sendButton": "Envoyer",
        "inStock": "disponible", "outOfStock": "épuisé", "cost": "coût", "placed": "Recharge envoyée.",
        "sendBadNumber":
            "Numéro incorrect : une ligne ADSL fait 9 chiffres commençant par 0, une ligne 4G 12 chiffres commençant par 213.",
        "sendOutOfStock": "Cette valeur est épuisée chez OneClickDz : choisissez-en une autre.",
        "sendBalance": "Solde OneClickDz insuffisant pour cette carte : rechargez le compte.",
        "sendUpstream": "OneClickDz n'a pas répondu : rien n'a été envoyé, réessayez dans un instant.",
        "sendDuplicate": "Cette recharge a déjà été envoyée.",
        "sendInvalid": "Formulaire incorrect : vérifiez la valeur, le client, l'e-mail et le téléphone.",
        "refusedTitle": "Action refusée", "refusedSignedOut": "Connectez-vous d'abord à la console.",
        "refusedRole": "Votre rôle ne permet pas cette action.",
        "refusedTooLarge": "Ce formulaire est trop long : raccourcissez le texte saisi, puis renvoyez-le.",
    ]

    static let arabicShop: [String: String] = [
        "sendLink": "إرسال تعبئة", "staffLink": "الفريق", "figures": "أرقام النشاط", "figOrders": "الطلبات",
        "figDelivered": "البطاقات المسلّمة", "figFailed": "الإخفاقات", "figFaceValue": "القيمة الاسمية",
        "fig_today": "اليوم", "fig_week": "آخر 7 أيام", "stuck": "طلبات عالقة منذ ما قبل اليوم",
        "lowBalance": "رصيد OneClickDz منخفض: اشحن الحساب قبل أن ينفد.",
        "balanceHistory": "الرصيد خلال الأيام السبعة الأخيرة (آخر قراءة في اليوم)",
        "badFilters": "مرشحات غير صحيحة: تحقق من التواريخ والقيمة.", "csv": "تصدير CSV (نفس المرشحات)",
        "bulk": "بعد عطل", "bulkResend": "إعادة إرسال كل البطاقات المتعثرة",
        "bulkRetry": "إعادة محاولة كل الـ webhooks المتعثرة", "bulkResent": "طلبات أعيد إرسال بطاقتها:",
        "bulkRetried": "webhooks أعيدت محاولتها:", "notes": "ملاحظات داخلية (لا تظهر للزبون أبدًا)",
        "noNotes": "لا توجد ملاحظات.", "addNote": "إضافة ملاحظة", "noteAdded": "أضيفت الملاحظة.",
        "badNote": "الملاحظة من 1 إلى 2000 حرف: لم يُضف شيء.", "buyer": "الزبون",
        "sendTitle": "إرسال تعبئة", "catalogue": "عرض الكتالوج", "noCatalogue": "الكتالوج غير متاح: أدخل القيمة.",
        "sendButton": "إرسال", "inStock": "متوفر", "outOfStock": "نفد", "cost": "التكلفة",
        "placed": "أرسلت التعبئة.",
        "sendBadNumber": "رقم غير صحيح: خط ADSL من 9 أرقام يبدأ بـ 0، وخط 4G من 12 رقمًا يبدأ بـ 213.",
        "sendOutOfStock": "هذه القيمة نفدت لدى OneClickDz: اختر قيمة أخرى.",
        "sendBalance": "رصيد OneClickDz لا يكفي لهذه البطاقة: اشحن الحساب.",
        "sendUpstream": "لم يرد OneClickDz: لم يُرسل شيء، أعد المحاولة بعد قليل.",
        "sendDuplicate": "أرسلت هذه التعبئة من قبل.",
        "sendInvalid": "استمارة غير صحيحة: تحقق من القيمة والزبون والبريد والهاتف.",
        "refusedTitle": "إجراء مرفوض", "refusedSignedOut": "سجّل الدخول إلى لوحة التحكم أولًا.",
        "refusedRole": "دورك لا يسمح بهذا الإجراء.",
        "refusedTooLarge": "هذا النموذج طويل جدًا: اختصر النص المُدخل ثم أعد إرساله.",
    ]

    static let englishShop: [String: String] = [
        "sendLink": "Send a top-up", "staffLink": "Staff", "figures": "The numbers of the business",
        "figOrders": "Orders", "figDelivered": "Cards delivered", "figFailed": "Failures",
        "figFaceValue": "Face value", "fig_today": "Today", "fig_week": "Last 7 days",
        "stuck": "Orders stuck since before today",
        "lowBalance": "The OneClickDz balance is low: top the account up before it runs out.",
        "balanceHistory": "Balance over the last seven days (the day's last reading)",
        "badFilters": "Wrong filters: check the dates and the value.", "csv": "Export as CSV (same filters)",
        "bulk": "After an outage", "bulkResend": "Resend every failed card",
        "bulkRetry": "Retry every failed webhook", "bulkResent": "Orders whose card was queued again:",
        "bulkRetried": "Webhooks retried:", "notes": "Internal notes (never shown to the buyer)",
        "noNotes": "No notes.", "addNote": "Add a note", "noteAdded": "Note added.",
        "badNote": "A note is 1 to 2000 characters: nothing was added.", "buyer": "Buyer",
        "sendTitle": "Send a top-up", "catalogue": "Show the catalogue",
        "noCatalogue": "The catalogue is unavailable: type the value.", "sendButton": "Send",
        "inStock": "available", "outOfStock": "out of stock", "cost": "cost", "placed": "Top-up sent.",
        "sendBadNumber":
            "Wrong number: an ADSL line is 9 digits starting with 0, a 4G line 12 digits starting with 213.",
        "sendOutOfStock": "This value is out of stock at OneClickDz: choose another.",
        "sendBalance": "The OneClickDz balance does not cover this card: top the account up.",
        "sendUpstream": "OneClickDz did not answer: nothing was sent; try again in a moment.",
        "sendDuplicate": "This top-up was already sent.",
        "sendInvalid": "The form is wrong: check the value, the buyer, the email and the phone.",
        "refusedTitle": "Action refused", "refusedSignedOut": "Sign in to the console first.",
        "refusedRole": "Your role does not allow this action.",
        "refusedTooLarge": "This form is too long: shorten what you typed, then send it again.",
    ]

    /// The order list's notice after a bulk action (`?bulk=resent|retried&count=N`).
    static func bulkNotice(_ query: Parameters, _ locale: CustomerLocale) -> String? {
        guard let kind = query.get("bulk"), let count = query.get("count").flatMap({ Int(String($0)) }) else {
            return nil
        }
        let key = kind == "resent" ? "bulkResent" : kind == "retried" ? "bulkRetried" : nil
        return key.flatMap { words(locale)[$0] }.map { "\($0) \(count)" }
    }

    static let french: [String: String] = [
        "why_mailboxUnknown":
            "Cette adresse e-mail n'existe pas : corrigez-la (Corriger le contact), puis renvoyez la carte.",
        "why_mailboxFull": "La boîte du client est pleine : renvoyez plus tard, ou par SMS.",
        "why_noChannel": "Ce canal n'est pas configuré sur ce serveur : configurez-le ou renvoyez par un autre canal.",
        "why_notBound":
            "Le contact a été modifié hors de Bitaqa : rien n'a été envoyé. Voyez le journal d'audit, puis corrigez le contact ici.",
        "why_unauthenticated":
            "Cette livraison a été écrite directement dans la base, pas par Bitaqa : rien n'a été envoyé. Renvoyez d'ici si elle est légitime.",
        "why_unreadable": "La carte enregistrée ne peut pas être déchiffrée : voyez la page Santé (clés).",
        "why_noCard": "Pas encore de carte pour cette commande : attendez qu'elle soit exécutée.",
        "why_noContact":
            "La commande n'a pas de contact pour ce canal : ajoutez-le (Corriger le contact), puis renvoyez.",
        "why_template": "Le message n'a pas pu être préparé : signalez-le à l'équipe technique.",
        "why_smsRefused": "Le fournisseur SMS a refusé ce numéro : vérifiez-le, corrigez-le si besoin, puis renvoyez.",
        "why_temporary":
            "Problème passager (serveur injoignable ou lent) : Bitaqa réessaie seul ; s'il a abandonné, renvoyez plus tard.",
        "why_rejected": "Le serveur de messagerie a refusé le message : vérifiez l'adresse, puis renvoyez.",
        "why_otherEmail": "L'e-mail n'a pas pu être remis : vérifiez l'adresse, puis renvoyez.",
        "why_otherSMS": "Le SMS n'a pas pu être remis : vérifiez le numéro, puis renvoyez.",
        "timesNote": "Heures d'Alger (UTC+1).", "type": "Type", "purpose": "Objet",
        "checked": "Vérification faite. Statut actuel :",
        "badPhone": "Ce numéro n'est pas un mobile algérien (0XXXXXXXXX ou +213XXXXXXXXX) : rien n'a été changé.",
        "badEmail": "Cette adresse e-mail n'est pas valide : rien n'a été changé.",
        "noContactGiven": "Saisissez un e-mail, un téléphone ou les deux.",
        "noEmail": "Cette commande n'a pas d'adresse e-mail : ajoutez-en une (Corriger le contact), puis renvoyez.",
        "noPhone":
            "Cette commande n'a pas de numéro de téléphone : ajoutez-en un (Corriger le contact), puis renvoyez.",
        "notReadyStatus": "Pas de carte à renvoyer : la commande n'est pas exécutée. Statut :",
        "badWindow": "Dates incorrectes : choisissez une date de début et une date de fin, la fin après le début.",
        "rawError": "Erreur technique",
        "forbidden": "Ce formulaire a expiré : rechargez la page et recommencez.",
        "reconciliation": "Rapprochement", "from": "Du", "to": "Au", "run": "Lancer", "kind": "Écart",
        "totals": "Totaux", "noDifferences": "Aucun écart.", "webhooksTitle": "Webhooks",
        "lastStatus": "Dernier statut",
        "nextAttempt": "Prochain essai", "retry": "Réessayer",
        "webhooksOff": "Les webhooks ne sont pas configurés (BITAQA_WEBHOOK_URL).",
        "health": "Santé", "keys": "Clés de chiffrement", "key": "Clé", "cards": "Cartes", "active": "active",
        "head": "Dernier événement", "checkpoint": "Dernier point de contrôle", "selfCheck": "Auto-vérification",
        "intact": "intact", "reachable": "joignable", "unreachable": "injoignable",
        "rotationDone": "Toutes les cartes sont sous la clé active.",
        "rotationLeft": "cartes à re-chiffrer (bitaqa keys rotate)", "summary": "Top-ups OneClickDz / commandes Bitaqa",
        "title": "Console Bitaqa", "signIn": "Se connecter", "token": "Jeton d'administration",
        "signOut": "Se déconnecter", "overview": "Vue d'ensemble", "orders": "Commandes",
        "wrongToken": "Jeton incorrect.", "tooMany": "Trop de tentatives ; réessayez dans une minute.",
        "today": "Commandes du jour par statut", "deliveries": "Livraisons", "pending": "en attente",
        "failed": "en échec", "balance": "Solde OneClickDz", "keyType": "Type de clé", "unknown": "inconnu",
        "webhooks": "Webhooks en attente", "search": "Rechercher",
        "searchHint": "N° de commande, réf., ligne, e-mail ou téléphone",
        "status": "Statut", "delivery": "Livraison", "any": "tous", "created": "Créée", "value": "Valeur",
        "line": "Ligne", "user": "Client", "next": "Page suivante", "noOrders": "Aucune commande.",
        "order": "Commande", "channel": "Canal", "recipient": "Destinataire", "state": "État", "attempts": "Tentatives",
        "error": "Erreur", "time": "Heure", "audit": "Journal d'audit", "actions": "Actions",
        "resend": "Renvoyer la carte", "checkNow": "Vérifier maintenant",
        "trackAgain": "Reprendre le suivi",
        "trackAgainWhy":
            "OneClickDz ne connaît pas cette commande : le suivi s'est arrêté. Le reprendre la redemande à OneClickDz et la suit de nouveau comme une commande neuve.",
        "correct": "Corriger le contact",
        "email": "E-mail", "phone": "Téléphone", "save": "Enregistrer", "done": "C'est fait.",
        "notFound": "Commande introuvable.", "event": "Événement", "actor": "Par",
        "sandbox": "CLÉ SANDBOX : aucune vraie carte",
        "language": "Langue", "notReady": "Pas encore de carte pour cette commande.",
        "checkFailed": "OneClickDz n'a pas répondu.",
        "contactRefused":
            "Les coordonnées enregistrées de cette commande ont été modifiées hors de Bitaqa : rien n'a été changé. Voir le journal d'audit.",
    ]

    static let arabic: [String: String] = [
        "why_mailboxUnknown": "هذا البريد الإلكتروني غير موجود: صححه (صحح وسيلة الاتصال) ثم أعد إرسال البطاقة.",
        "why_mailboxFull": "صندوق بريد الزبون ممتلئ: أعد الإرسال لاحقًا أو عبر SMS.",
        "why_noChannel": "هذه القناة غير مُعدّة على هذا الخادم: أعدّها أو أعد الإرسال عبر قناة أخرى.",
        "why_notBound": "تم تغيير وسيلة الاتصال خارج Bitaqa: لم يُرسل شيء. راجع سجل التدقيق ثم صحح وسيلة الاتصال هنا.",
        "why_unauthenticated":
            "كُتب هذا التسليم في قاعدة البيانات مباشرة وليس عبر Bitaqa: لم يُرسل شيء. أعد الإرسال من هنا إن كان مشروعًا.",
        "why_unreadable": "تعذّر فك تشفير البطاقة المحفوظة: راجع صفحة الحالة الصحية (المفاتيح).",
        "why_noCard": "لا توجد بطاقة لهذا الطلب بعد: انتظر تنفيذه.",
        "why_noContact": "لا توجد وسيلة اتصال لهذه القناة: أضفها (صحح وسيلة الاتصال) ثم أعد الإرسال.",
        "why_template": "تعذّر تحضير الرسالة: أبلغ الفريق التقني.",
        "why_smsRefused": "رفض مزوّد SMS هذا الرقم: تحقق منه وصححه إن لزم ثم أعد الإرسال.",
        "why_temporary":
            "مشكلة مؤقتة (الخادم غير متاح أو بطيء): يعيد Bitaqa المحاولة تلقائيًا؛ وإن توقف فأعد الإرسال لاحقًا.",
        "why_rejected": "رفض خادم البريد الرسالة: تحقق من العنوان ثم أعد الإرسال.",
        "why_otherEmail": "تعذّر تسليم البريد الإلكتروني: تحقق من العنوان ثم أعد الإرسال.",
        "why_otherSMS": "تعذّر تسليم الرسالة القصيرة: تحقق من الرقم ثم أعد الإرسال.",
        "timesNote": "الأوقات بتوقيت الجزائر (UTC+1).", "type": "النوع", "purpose": "الغرض",
        "checked": "تم التحقق. الحالة الحالية:",
        "badPhone": "هذا الرقم ليس رقم هاتف محمول جزائري (0XXXXXXXXX أو +213XXXXXXXXX): لم يتم تغيير أي شيء.",
        "badEmail": "هذا البريد الإلكتروني غير صالح: لم يتم تغيير أي شيء.",
        "noContactGiven": "أدخل بريدًا إلكترونيًا أو هاتفًا أو كليهما.",
        "noEmail": "لا يوجد بريد إلكتروني لهذا الطلب: أضفه (صحح وسيلة الاتصال) ثم أعد الإرسال.",
        "noPhone": "لا يوجد رقم هاتف لهذا الطلب: أضفه (صحح وسيلة الاتصال) ثم أعد الإرسال.",
        "notReadyStatus": "لا توجد بطاقة لإعادة إرسالها: الطلب غير منفذ. الحالة:",
        "badWindow": "تواريخ غير صحيحة: اختر تاريخ بداية وتاريخ نهاية بعده.",
        "rawError": "الخطأ التقني",
        "forbidden": "انتهت صلاحية هذا النموذج: أعد تحميل الصفحة وحاول مجددًا.",
        "reconciliation": "المطابقة", "from": "من", "to": "إلى", "run": "تشغيل", "kind": "الفرق",
        "totals": "المجاميع", "noDifferences": "لا توجد فروق.", "webhooksTitle": "Webhooks", "lastStatus": "آخر حالة",
        "nextAttempt": "المحاولة التالية", "retry": "أعد المحاولة",
        "webhooksOff": "لم يتم إعداد webhooks (BITAQA_WEBHOOK_URL).",
        "health": "الحالة الصحية", "keys": "مفاتيح التشفير", "key": "المفتاح", "cards": "البطاقات", "active": "نشط",
        "head": "آخر حدث", "checkpoint": "آخر نقطة تحقق", "selfCheck": "الفحص الذاتي", "intact": "سليم",
        "reachable": "متاح", "unreachable": "غير متاح", "rotationDone": "كل البطاقات مشفرة بالمفتاح النشط.",
        "rotationLeft": "بطاقات يجب إعادة تشفيرها (bitaqa keys rotate)", "summary": "عمليات OneClickDz / طلبات بطاقة",
        "title": "لوحة تحكم بطاقة", "signIn": "تسجيل الدخول", "token": "رمز الإدارة", "signOut": "تسجيل الخروج",
        "overview": "نظرة عامة", "orders": "الطلبات", "wrongToken": "الرمز غير صحيح.",
        "tooMany": "محاولات كثيرة؛ أعد المحاولة بعد دقيقة.", "today": "طلبات اليوم حسب الحالة",
        "deliveries": "عمليات التسليم",
        "pending": "قيد الانتظار", "failed": "فاشلة", "balance": "رصيد OneClickDz", "keyType": "نوع المفتاح",
        "unknown": "غير معروف", "webhooks": "رسائل webhook المنتظرة", "search": "بحث",
        "searchHint": "رقم الطلب أو المرجع أو الخط أو البريد أو الهاتف", "status": "الحالة", "delivery": "التسليم",
        "any": "الكل", "created": "تاريخ الإنشاء", "value": "القيمة", "line": "الخط", "user": "الزبون",
        "next": "الصفحة التالية", "noOrders": "لا توجد طلبات.", "order": "الطلب", "channel": "القناة",
        "recipient": "المستلم", "state": "الحالة", "attempts": "المحاولات", "error": "الخطأ", "time": "الوقت",
        "audit": "سجل التدقيق", "actions": "الإجراءات", "resend": "أعد إرسال البطاقة", "checkNow": "تحقق الآن",
        "trackAgain": "استئناف المتابعة",
        "trackAgainWhy":
            "لا يعرف OneClickDz هذا الطلب فتوقفت متابعته. استئنافها يسأل OneClickDz عنه من جديد ويتابعه كطلب جديد.",
        "correct": "صحح وسيلة الاتصال", "email": "البريد الإلكتروني", "phone": "الهاتف", "save": "حفظ",
        "done": "تم.", "notFound": "الطلب غير موجود.", "event": "الحدث", "actor": "بواسطة",
        "sandbox": "مفتاح تجريبي: لا بطاقات حقيقية", "language": "اللغة", "notReady": "لا توجد بطاقة لهذا الطلب بعد.",
        "checkFailed": "لم يستجب OneClickDz.",
        "contactRefused":
            "تم تغيير وسائل الاتصال المسجلة لهذا الطلب خارج Bitaqa: لم يتم تغيير أي شيء. راجع سجل التدقيق.",
    ]

    static let english: [String: String] = [
        "why_mailboxUnknown":
            "This email address does not exist: correct it (Correct the contact), then resend the card.",
        "why_mailboxFull": "The buyer's mailbox is full: resend later, or by SMS.",
        "why_noChannel": "This channel is not set up on this server: set it up, or resend on another channel.",
        "why_notBound":
            "The contact was changed outside Bitaqa: nothing was sent. See the audit trail, then correct the contact here.",
        "why_unauthenticated":
            "This delivery was written into the database directly, not by Bitaqa: nothing was sent. Resend from here if it is legitimate.",
        "why_unreadable": "The stored card cannot be decrypted: see the Health page (keys).",
        "why_noCard": "This order has no card yet: wait until it is fulfilled.",
        "why_noContact": "The order has no contact for this channel: add it (Correct the contact), then resend.",
        "why_template": "The message could not be prepared: tell the technical team.",
        "why_smsRefused": "The SMS provider refused this number: check it, correct it if needed, then resend.",
        "why_temporary":
            "A passing problem (server unreachable or slow): Bitaqa retries by itself; if it gave up, resend later.",
        "why_rejected": "The mail server refused the message: check the address, then resend.",
        "why_otherEmail": "The email could not be delivered: check the address, then resend.",
        "why_otherSMS": "The SMS could not be delivered: check the number, then resend.",
        "timesNote": "Times are Algiers time (UTC+1).", "type": "Type", "purpose": "Purpose",
        "checked": "Checked. Current status:",
        "badPhone": "This is not an Algerian mobile number (0XXXXXXXXX or +213XXXXXXXXX): nothing was changed.",
        "badEmail": "This email address is not valid: nothing was changed.",
        "noContactGiven": "Enter an email, a phone, or both.",
        "noEmail": "This order has no email address: add one (Correct the contact), then resend.",
        "noPhone": "This order has no phone number: add one (Correct the contact), then resend.",
        "notReadyStatus": "No card to resend: the order is not fulfilled. Status:",
        "badWindow": "Wrong dates: choose a start date and an end date after it.",
        "rawError": "Technical error",
        "forbidden": "This form has expired: reload the page and try again.",
        "reconciliation": "Reconciliation", "from": "From", "to": "To", "run": "Run", "kind": "Difference",
        "totals": "Totals", "noDifferences": "No differences.", "webhooksTitle": "Webhooks",
        "lastStatus": "Last status",
        "nextAttempt": "Next attempt", "retry": "Retry",
        "webhooksOff": "Webhooks are not configured (BITAQA_WEBHOOK_URL).",
        "health": "Health", "keys": "Encryption keys", "key": "Key", "cards": "Cards", "active": "active",
        "head": "Newest event", "checkpoint": "Last checkpoint", "selfCheck": "Self-check", "intact": "intact",
        "reachable": "reachable", "unreachable": "unreachable", "rotationDone": "Every card is under the active key.",
        "rotationLeft": "cards to re-encrypt (bitaqa keys rotate)", "summary": "OneClickDz top-ups / Bitaqa orders",
        "title": "Bitaqa console", "signIn": "Sign in", "token": "Admin token", "signOut": "Sign out",
        "overview": "Overview", "orders": "Orders", "wrongToken": "Wrong token.",
        "tooMany": "Too many attempts; try again in a minute.", "today": "Today's orders by status",
        "deliveries": "Deliveries", "pending": "pending", "failed": "failed", "balance": "OneClickDz balance",
        "keyType": "Key type", "unknown": "unknown", "webhooks": "Webhooks waiting", "search": "Search",
        "searchHint": "Order id, ref, line, email or phone", "status": "Status", "delivery": "Delivery", "any": "any",
        "created": "Created", "value": "Value", "line": "Line", "user": "Buyer", "next": "Next page",
        "noOrders": "No orders.", "order": "Order", "channel": "Channel", "recipient": "Recipient", "state": "State",
        "attempts": "Attempts", "error": "Error", "time": "Time", "audit": "Audit trail", "actions": "Actions",
        "resend": "Resend the card", "checkNow": "Check now",
        "trackAgain": "Track it again",
        "trackAgainWhy":
            "OneClickDz does not know this order, so tracking stopped. Tracking it again asks OneClickDz anew and follows it as a new order.",
        "correct": "Correct the contact", "email": "Email",
        "phone": "Phone", "save": "Save", "done": "Done.", "notFound": "No such order.", "event": "Event",
        "actor": "By", "sandbox": "SANDBOX KEY: no real cards", "language": "Language",
        "notReady": "This order has no card yet.", "checkFailed": "OneClickDz did not answer.",
        "contactRefused":
            "This order's stored contacts were changed outside Bitaqa: nothing was changed. See the audit trail.",
    ]
}

/// The console's words for the codes it shows: statuses, delivery states, purposes and channels, audit
/// kinds, reconciliation differences, webhook states, and why a delivery failed. A code a merchant may
/// quote (a status, an audit kind) is shown beside its word by the templates; the others are words only.
enum ConsoleTerms {
    /// The buyer's word for a status, except where the merchant must tell apart what the buyer sees as
    /// one "processing": a gift-card order being placed, and one the merchant must settle.
    static func status(_ status: OrderStatus, _ locale: CustomerLocale) -> String {
        switch (status, locale) {
        case (.placing, .fr): "en cours de passage"
        case (.placing, .ar): "قيد الإرسال إلى المزوّد"
        case (.placing, .en): "being placed"
        case (.uncertain, .fr): "incertaine, à trancher"
        case (.uncertain, .ar): "غير مؤكَّد، يحتاج إلى قرار"
        case (.uncertain, .en): "uncertain, to settle"
        default: status.localized(locale)
        }
    }

    /// A status that may not be one of ours (the upstream's, in a reconciliation): its word when known.
    static func status(raw: String, _ locale: CustomerLocale) -> String {
        OrderStatus(rawValue: raw).map { status($0, locale) } ?? raw
    }

    static func state(_ state: DeliveryState, _ locale: CustomerLocale) -> String {
        switch (state, locale) {
        case (.pending, .fr): "en attente"
        case (.sending, .fr): "en cours d'envoi"
        case (.delivered, .fr): "livrée"
        case (.failed, .fr): "en échec"
        case (.pending, .ar): "قيد الانتظار"
        case (.sending, .ar): "قيد الإرسال"
        case (.delivered, .ar): "تم التسليم"
        case (.failed, .ar): "فشل"
        case (.pending, .en): "waiting"
        case (.sending, .en): "sending"
        case (.delivered, .en): "delivered"
        case (.failed, .en): "not delivered"
        }
    }

    static func channel(_ channel: DeliveryChannel, _ locale: CustomerLocale) -> String {
        switch (channel, locale) {
        case (.email, .fr): "E-mail"
        case (.email, .ar): "البريد الإلكتروني"
        case (.email, .en): "Email"
        case (.sms, .ar): "رسالة SMS"
        case (.sms, _): "SMS"
        }
    }

    static func purpose(_ purpose: DeliveryPurpose, _ locale: CustomerLocale) -> String {
        let words: [String: (fr: String, ar: String, en: String)] = [
            "card": ("la carte", "البطاقة", "the card"),
            "refund_notice": ("avis de remboursement", "إشعار الاسترجاع", "refund notice"),
            "delay_notice": ("avis de retard", "إشعار التأخير", "delay notice"),
        ]
        return pick(words[purpose.rawValue], locale) ?? purpose.rawValue
    }

    /// The word of `locale` among the three.
    static func pick(_ word: (fr: String, ar: String, en: String)?, _ locale: CustomerLocale) -> String? {
        guard let word else { return nil }
        switch locale {
        case .fr: return word.fr
        case .ar: return word.ar
        case .en: return word.en
        }
    }

    static func webhook(_ state: WebhookState, _ locale: CustomerLocale) -> String {
        switch (state, locale) {
        case (.pending, .fr): "en attente"
        case (.delivered, .fr): "remis"
        case (.failed, .fr): "abandonné"
        case (.pending, .ar): "قيد الانتظار"
        case (.delivered, .ar): "تم التسليم"
        case (.failed, .ar): "متوقف"
        case (.pending, .en): "waiting"
        case (.delivered, .en): "delivered"
        case (.failed, .en): "given up"
        }
    }

    /// A reconciliation difference, or `all` for the totals' last row.
    static func difference(_ kind: String, _ locale: CustomerLocale) -> String {
        let words: [String: (fr: String, ar: String, en: String)] = [
            Reconciler.Kind.untracked.rawValue: (
                "vendu chez OneClickDz, inconnu de Bitaqa", "مباع لدى OneClickDz وغير معروف في Bitaqa",
                "sold at OneClickDz, unknown to Bitaqa"
            ),
            Reconciler.Kind.missingUpstream.rawValue: (
                "dans Bitaqa, absent chez OneClickDz", "موجود في Bitaqa وغائب لدى OneClickDz",
                "in Bitaqa, missing at OneClickDz"
            ),
            Reconciler.Kind.statusMismatch.rawValue: ("statuts différents", "حالتان مختلفتان", "different statuses"),
            Reconciler.Kind.undelivered.rawValue: (
                "exécutée, carte pas encore livrée", "منفذ، والبطاقة لم تُسلَّم بعد", "fulfilled, card not delivered yet"
            ),
            Reconciler.Kind.failedDelivery.rawValue: (
                "exécutée, livraison de la carte en échec", "منفذ، وفشل تسليم البطاقة",
                "fulfilled, card delivery failed"
            ),
            "all": ("total", "المجموع", "total"),
        ]
        return pick(words[kind], locale) ?? kind
    }

    /// An audit kind in words; a kind added since shows as its code.
    static func audit(_ kind: AuditKind, _ locale: CustomerLocale) -> String {
        pick(auditWords[kind.rawValue], locale) ?? kind.rawValue
    }

    static let auditWords: [String: (fr: String, ar: String, en: String)] = [
        "ORDER_REGISTERED": ("commande enregistrée", "تم تسجيل الطلب", "order registered"),
        "ORDER_SENT": ("commande envoyée à OneClickDz", "تم إرسال الطلب إلى OneClickDz", "order sent to OneClickDz"),
        "STATUS_CHANGED": ("statut modifié", "تغيرت الحالة", "status changed"),
        "CARD_STORED": ("carte reçue et chiffrée", "تم استلام البطاقة وتشفيرها", "card received and encrypted"),
        "CARD_DELIVERED": ("carte livrée", "تم تسليم البطاقة", "card delivered"),
        "DELIVERY_FAILED": ("échec de livraison", "فشل التسليم", "delivery failed"),
        "CARD_VIEWED": ("carte affichée", "تم عرض البطاقة", "card viewed"),
        "ACCESS_DENIED": ("accès refusé", "تم رفض الوصول", "access denied"),
        "CARD_UNREADABLE": ("carte illisible", "البطاقة غير مقروءة", "card unreadable"),
        "KEY_ROTATED": ("clé changée", "تم تغيير المفتاح", "key rotated"),
        "RESEND_REQUESTED": ("renvoi demandé", "طُلبت إعادة الإرسال", "resend requested"),
        "CONTACT_CHANGED": ("contact corrigé", "تم تصحيح وسيلة الاتصال", "contact corrected"),
        "CONTACT_CHANGE_REFUSED": (
            "correction du contact refusée", "رُفض تصحيح وسيلة الاتصال", "contact correction refused"
        ),
        "WEBHOOK_REFUSED": ("webhook refusé", "تم رفض webhook", "webhook refused"),
        "CONTACTS_BOUND": ("contacts scellés", "تم ربط وسائل الاتصال", "contacts bound"),
        "CONSOLE_SIGNED_IN": ("connexion à la console", "تسجيل الدخول إلى اللوحة", "console sign-in"),
        "CONSOLE_SIGNED_OUT": ("déconnexion de la console", "تسجيل الخروج من اللوحة", "console sign-out"),
        "CHECK_REQUESTED": ("vérification demandée", "طُلب التحقق", "check requested"),
        "WEBHOOK_RETRY_REQUESTED": (
            "nouvel essai du webhook demandé", "طُلبت إعادة محاولة webhook", "webhook retry requested"
        ),
        "STAFF_ADDED": ("membre de l'équipe ajouté", "تمت إضافة عضو في الفريق", "staff member added"),
        "STAFF_REMOVED": ("membre de l'équipe retiré", "تمت إزالة عضو من الفريق", "staff member removed"),
        "DELAY_NOTICE_QUEUED": ("avis de retard programmé", "تمت جدولة إشعار التأخير", "delay notice queued"),
    ]

    /// What a delivery's error means, in words, and what to do next; nil for an empty error.
    static func failure(_ error: String, channel: DeliveryChannel, _ locale: CustomerLocale) -> String? {
        guard !error.isEmpty else { return nil }
        let key = failureClass(error, channel: channel)
        return ConsoleTexts.words(locale)["why_" + key]
    }

    /// The class of a delivery error as the deliverer and the channels write it.
    static func failureClass(_ error: String, channel: DeliveryChannel) -> String {
        let lower = error.lowercased()
        func has(_ parts: String...) -> Bool { parts.contains { lower.contains($0) } }
        if has(
            "5.1.1", "5.1.0", "no such user", "user unknown", "mailbox unavailable", "does not exist", "unknown user",
            "recipient address rejected")
        {
            return "mailboxUnknown"
        }
        if has("5.2.2", "mailbox full", "quota") { return "mailboxFull" }
        if has("channel is not configured") { return "noChannel" }
        if has("do not match the ones bound") { return "notBound" }
        if has("no authenticated audit event") { return "unauthenticated" }
        if has("cannot be read", "card_unreadable") { return "unreadable" }
        if has("no stored card") { return "noCard" }
        if has("email address on the order", "phone number on the order") { return "noContact" }
        if has("could not be rendered") { return "template" }
        if has("sms gateway refused") { return "smsRefused" }
        if lower.hasPrefix("gave up after") || has("did not answer", "timeout", "timed out", "not writable")
            || lower.range(of: #"smtp 4\d\d"#, options: .regularExpression) != nil
            || lower.range(of: #"gateway answered"#, options: .regularExpression) != nil
        {
            return "temporary"
        }
        if lower.range(of: #"smtp 5\d\d"#, options: .regularExpression) != nil { return "rejected" }
        return channel == .email ? "otherEmail" : "otherSMS"
    }
}

extension ConsoleTexts {
    /// The notices that say an action did not go through: shown as an error, never as a success.
    static let problems: Set<String> = [
        "notReady", "notReadyStatus", "noEmail", "noPhone", "checkFailed", "contactRefused", "badPhone", "badEmail",
        "noContactGiven", "notFound", "forbidden", "badNote",
    ]

    /// The order page's notice named `key` (`?notice=`): a success for the banner, or a problem for the
    /// page's error. After a check, and for a refused resend, it ends with the order's status now.
    static func orderNotice(_ key: String?, status: OrderStatus, _ locale: CustomerLocale) -> (
        notice: String?, problem: String?
    ) {
        guard let key, let text = words(locale)[key] else { return (nil, nil) }
        let full =
            key == "checked" || key == "notReadyStatus"
            ? "\(text) \(ConsoleTerms.status(status, locale))." : text
        return problems.contains(key) ? (nil, full) : (full, nil)
    }

    /// Why a resend was refused, as a notice key.
    static func notice(for refusal: Resender.Refusal) -> String {
        switch refusal {
        case .orderNotFound: "notFound"
        case .notReady: "notReadyStatus"
        case .noContact(.email): "noEmail"
        case .noContact(.sms): "noPhone"
        }
    }

    /// Why a contact correction's form was refused, from the validation's message, as a notice key.
    static func notice(forContact error: PublicError) -> String {
        if error.message.contains("phone must") { return "badPhone" }
        if error.message.contains("email is") { return "badEmail" }
        return "noContactGiven"
    }
}
