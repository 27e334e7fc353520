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
        "resend": "Renvoyer la carte", "checkNow": "Vérifier maintenant", "correct": "Corriger le contact",
        "email": "E-mail", "phone": "Téléphone", "save": "Enregistrer", "done": "C'est fait.",
        "notFound": "Commande introuvable.", "event": "Événement", "actor": "Par",
        "sandbox": "CLÉ SANDBOX : aucune vraie carte",
        "language": "Langue", "notReady": "Pas encore de carte pour cette commande.",
        "checkFailed": "OneClickDz n'a pas répondu.",
        "contactRefused":
            "Les coordonnées enregistrées de cette commande ont été modifiées hors de Bitaqa : rien n'a été changé. Voir le journal d'audit.",
    ]

    static let arabic: [String: String] = [
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
        "correct": "صحح وسيلة الاتصال", "email": "البريد الإلكتروني", "phone": "الهاتف", "save": "حفظ",
        "done": "تم.", "notFound": "الطلب غير موجود.", "event": "الحدث", "actor": "بواسطة",
        "sandbox": "مفتاح تجريبي: لا بطاقات حقيقية", "language": "اللغة", "notReady": "لا توجد بطاقة لهذا الطلب بعد.",
        "checkFailed": "لم يستجب OneClickDz.",
        "contactRefused":
            "تم تغيير وسائل الاتصال المسجلة لهذا الطلب خارج Bitaqa: لم يتم تغيير أي شيء. راجع سجل التدقيق.",
    ]

    static let english: [String: String] = [
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
        "resend": "Resend the card", "checkNow": "Check now", "correct": "Correct the contact", "email": "Email",
        "phone": "Phone", "save": "Save", "done": "Done.", "notFound": "No such order.", "event": "Event",
        "actor": "By", "sandbox": "SANDBOX KEY: no real cards", "language": "Language",
        "notReady": "This order has no card yet.", "checkFailed": "OneClickDz did not answer.",
        "contactRefused":
            "This order's stored contacts were changed outside Bitaqa: nothing was changed. See the audit trail.",
    ]
}
