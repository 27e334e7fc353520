import BitaqaCore
import Foundation
import Hummingbird

/// The words of a buyer's personal data in the console (the export and the erasure of the contacts), in
/// French, Arabic and English. Merged into ``ConsoleTexts/words(_:)``; `{n}` is replaced by the number.
extension ConsoleTexts {
    static let frenchBuyerData: [String: String] = [
        "bdTitle": "Données personnelles",
        "bdNote":
            "Ce que Bitaqa détient sur ce client (loi 18-07) : ses commandes, ses contacts et les envois, jamais un code de carte.",
        "bdExport": "Télécharger les données détenues (JSON)", "bdErase": "Effacer les contacts de ce client",
        "bdErased": "effacé", "bdEraseTitle": "Effacer les contacts du client",
        "bdBack": "Retour aux commandes du client", "bdWhat": "Ce qui va se passer",
        "bdWillErase": "Commandes dont l'e-mail et le téléphone seront effacés :",
        "bdStay":
            "Les commandes et leurs cartes restent, ainsi que le journal d'audit, qui ne garde les contacts que masqués.",
        "bdResends": "Renvoyer une carte à ce client sera ensuite refusé, faute de contact où l'envoyer.",
        "bdFinal": "C'est définitif : rien ne pourra être rétabli.",
        "bdConfirm": "Pour confirmer, saisissez de nouveau l'identifiant du client :",
        "bdEraseButton": "Effacer définitivement les contacts",
        "bdBadConfirm": "L'identifiant saisi n'est pas celui de ce client : rien n'a été effacé.",
        "bdErasedOne": "Contacts effacés sur {n} commande.", "bdErasedMany": "Contacts effacés sur {n} commandes.",
    ]

    static let arabicBuyerData: [String: String] = [
        "bdTitle": "البيانات الشخصية",
        "bdNote":
            "ما يحتفظ به Bitaqa عن هذا الزبون (القانون 18-07): طلباته وجهات الاتصال به والإرسالات، دون أي رمز بطاقة.",
        "bdExport": "تنزيل البيانات المحفوظة (JSON)", "bdErase": "محو جهات اتصال هذا الزبون", "bdErased": "ممحوّ",
        "bdEraseTitle": "محو جهات اتصال الزبون", "bdBack": "العودة إلى طلبات الزبون", "bdWhat": "ما الذي سيحدث",
        "bdWillErase": "الطلبات التي سيُمحى بريدها الإلكتروني وهاتفها:",
        "bdStay": "تبقى الطلبات وبطاقاتها، ويبقى سجل التدقيق الذي لا يحفظ جهات الاتصال إلا مُقنّعة.",
        "bdResends": "سيُرفض بعد ذلك إعادة إرسال بطاقة إلى هذا الزبون، لعدم وجود جهة اتصال تُرسل إليها.",
        "bdFinal": "لا يمكن التراجع عن ذلك.", "bdConfirm": "للتأكيد، اكتب معرّف الزبون مرة أخرى:",
        "bdEraseButton": "امحُ جهات الاتصال نهائيًا",
        "bdBadConfirm": "المعرّف المكتوب ليس معرّف هذا الزبون: لم يُمحَ شيء.",
        "bdErasedOne": "عدد الطلبات التي مُحيت جهات الاتصال فيها: {n}",
        "bdErasedMany": "عدد الطلبات التي مُحيت جهات الاتصال فيها: {n}",
    ]

    static let englishBuyerData: [String: String] = [
        "bdTitle": "Personal data",
        "bdNote":
            "What Bitaqa holds about this buyer (law 18-07): their orders, contacts and deliveries, never a card code.",
        "bdExport": "Download what is held (JSON)", "bdErase": "Erase this buyer's contacts", "bdErased": "erased",
        "bdEraseTitle": "Erase the contacts of buyer", "bdBack": "Back to the buyer's orders",
        "bdWhat": "What will happen", "bdWillErase": "Orders whose email and phone will be erased:",
        "bdStay": "The orders and their cards stay, and so does the audit trail, which keeps the contacts masked only.",
        "bdResends": "Resending a card to this buyer will be refused afterwards, for want of a contact to send it to.",
        "bdFinal": "This cannot be undone.", "bdConfirm": "To confirm, type the buyer's id again:",
        "bdEraseButton": "Erase the contacts for good",
        "bdBadConfirm": "The id typed is not this buyer's: nothing was erased.",
        "bdErasedOne": "Contacts erased on {n} order.", "bdErasedMany": "Contacts erased on {n} orders.",
    ]

    /// The buyer page's notice after an erasure (`?notice=erased&count=N`); nil for any other notice. French
    /// counts 0 and 1 as one; Arabic says it as a count, which needs no plural.
    static func buyerNotice(_ query: Parameters, _ locale: CustomerLocale) -> String? {
        guard query.get("notice") == "erased", let count = query.get("count").flatMap({ Int(String($0)) }),
            count >= 0
        else { return nil }
        let one = locale == .fr ? count <= 1 : count == 1
        // In Arabic the number is isolated left to right, as every number and id of the console is.
        let number = locale == .ar ? "\u{2066}\(count)\u{2069}" : String(count)
        return words(locale)[one ? "bdErasedOne" : "bdErasedMany"]?.replacingOccurrences(of: "{n}", with: number)
    }
}
