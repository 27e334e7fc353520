import BitaqaCore

/// Every word of the console, in French, Arabic and English.
enum ConsoleTexts {
    static func words(_ locale: CustomerLocale) -> [String: String] {
        switch locale {
        case .fr: french
        case .ar: arabic
        case .en: english
        }
    }

    static let french: [String: String] = [
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
        "resend": "Renvoyer la carte", "checkNow": "Vérifier maintenant", "correct": "Corriger le contact",
        "email": "E-mail", "phone": "Téléphone", "save": "Enregistrer", "done": "C'est fait.",
        "notFound": "Commande introuvable.", "event": "Événement", "actor": "Par",
        "sandbox": "CLÉ SANDBOX : aucune vraie carte",
        "language": "Langue", "notReady": "Pas encore de carte pour cette commande.",
        "checkFailed": "OneClickDz n'a pas répondu.",
    ]

    static let arabic: [String: String] = [
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
        "correct": "صحح وسيلة الاتصال", "email": "البريد الإلكتروني", "phone": "الهاتف", "save": "حفظ",
        "done": "تم.", "notFound": "الطلب غير موجود.", "event": "الحدث", "actor": "بواسطة",
        "sandbox": "مفتاح تجريبي: لا بطاقات حقيقية", "language": "اللغة", "notReady": "لا توجد بطاقة لهذا الطلب بعد.",
        "checkFailed": "لم يستجب OneClickDz.",
    ]

    static let english: [String: String] = [
        "title": "Bitaqa console", "signIn": "Sign in", "token": "Admin token", "signOut": "Sign out",
        "overview": "Overview", "orders": "Orders", "wrongToken": "Wrong token.",
        "tooMany": "Too many attempts; try again in a minute.", "today": "Today's orders by status",
        "deliveries": "Deliveries", "pending": "pending", "failed": "failed", "balance": "OneClickDz balance",
        "keyType": "Key type", "unknown": "unknown", "webhooks": "Webhooks waiting", "search": "Search",
        "searchHint": "Order id, ref, line, email or phone", "status": "Status", "delivery": "Delivery", "any": "any",
        "created": "Created", "value": "Value", "line": "Line", "user": "Buyer", "next": "Next page",
        "noOrders": "No orders.", "order": "Order", "channel": "Channel", "recipient": "Recipient", "state": "State",
        "attempts": "Attempts", "error": "Error", "time": "Time", "audit": "Audit trail", "actions": "Actions",
        "resend": "Resend the card", "checkNow": "Check now", "correct": "Correct the contact", "email": "Email",
        "phone": "Phone", "save": "Save", "done": "Done.", "notFound": "No such order.", "event": "Event",
        "actor": "By", "sandbox": "SANDBOX KEY: no real cards", "language": "Language",
        "notReady": "This order has no card yet.", "checkFailed": "OneClickDz did not answer.",
    ]
}
