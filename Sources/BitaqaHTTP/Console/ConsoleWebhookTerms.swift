import BitaqaCore

extension ConsoleTerms {
    /// What a webhook message's last error means for the merchant, and what to do, in the console's
    /// language; nil without an error. The sender records `timeout`, `connection`, `gone` (410),
    /// `unauthenticated` (a row Bitaqa did not queue) or `status NNN`.
    static func webhookFailure(_ error: String?, _ locale: CustomerLocale) -> String? {
        guard let error, !error.isEmpty else { return nil }
        let status = error.hasPrefix("status ") ? Int(error.dropFirst("status ".count)) : nil
        let kind: String
        switch (error, status) {
        case ("timeout", _): kind = "timeout"
        case ("connection", _): kind = "connection"
        case ("gone", _): kind = "gone"
        case ("unauthenticated", _): kind = "unauthenticated"
        case (_, .some(let code)) where (400..<500).contains(code): kind = "refused"
        case (_, .some(let code)) where code >= 500: kind = "server"
        default: return nil
        }
        return webhookWords[locale]?[kind]
    }

    private static let webhookWords: [CustomerLocale: [String: String]] = [
        .fr: [
            "timeout": "Le site de la boutique n'a pas répondu à temps : le message est renvoyé plus tard.",
            "connection":
                "Le site de la boutique est injoignable : vérifiez BITAQA_WEBHOOK_URL ; le message est renvoyé plus tard.",
            "gone": "Le site de la boutique a répondu 410 : il ne veut plus de ce message, qui n'est plus renvoyé.",
            "unauthenticated":
                "Message refusé par Bitaqa : écrit dans la base sans passer par Bitaqa, il n'a pas été signé.",
            "refused":
                "Le site de la boutique a refusé le message : vérifiez son adresse et son secret, puis renvoyez-le.",
            "server": "Le site de la boutique est en panne : le message est renvoyé plus tard.",
        ],
        .ar: [
            "timeout": "لم يردّ موقع المتجر في الوقت المحدد: ستُعاد محاولة الإرسال لاحقًا.",
            "connection": "تعذّر الوصول إلى موقع المتجر: تحقق من BITAQA_WEBHOOK_URL؛ ستُعاد المحاولة لاحقًا.",
            "gone": "ردّ موقع المتجر بالرمز 410: لم يعد يريد هذه الرسالة، فلن تُرسل مجددًا.",
            "unauthenticated": "رفضت Bitaqa الرسالة: كُتبت في قاعدة البيانات دون المرور بـ Bitaqa فلم تُوقَّع.",
            "refused": "رفض موقع المتجر الرسالة: تحقق من عنوانه ومن السر ثم أعد الإرسال.",
            "server": "موقع المتجر معطّل: ستُعاد محاولة الإرسال لاحقًا.",
        ],
        .en: [
            "timeout": "The shop's site did not answer in time: the message is sent again later.",
            "connection":
                "The shop's site cannot be reached: check BITAQA_WEBHOOK_URL; the message is sent again later.",
            "gone": "The shop's site answered 410: it wants no more of this message, which is not sent again.",
            "unauthenticated": "Refused by Bitaqa: written in the database without Bitaqa, so it was not signed.",
            "refused": "The shop's site refused the message: check its address and secret, then send it again.",
            "server": "The shop's site is failing: the message is sent again later.",
        ],
    ]
}
