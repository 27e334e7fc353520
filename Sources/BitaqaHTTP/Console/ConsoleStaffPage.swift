import BitaqaCore
import Mustache
import Orders

/// The owner's staff page: the members with their roles, a form to add one (whose answer shows the new
/// token once) and a button to remove each. Its own template and words, rendered into the console's
/// layout.
struct ConsoleStaffView: Sendable {
    struct Member: Sendable {
        let name: String
        let roleLabel: String
        let since: String
    }

    struct RoleOption: Sendable {
        let value: String
        let label: String
    }

    let members: [Member]
    let hasMembers: Bool
    let roles: [RoleOption]
    /// The token of the member just added: shown on this answer only, stored nowhere.
    let newToken: String?
    let newMember: String?
    let error: String?
}

enum ConsoleStaffPage {
    static let template = """
        <h1>{{t_staff_title}}</h1>{{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        {{#newToken}}<section><h2>{{t_staff_tokenTitle}} {{newMember}}</h2><p>{{t_staff_tokenOnce}}</p>
        <p><code>{{newToken}}</code></p></section>{{/newToken}}
        {{#hasMembers}}<table><thead><tr><th scope="col">{{t_staff_name}}</th><th scope="col">{{t_staff_role}}</th>
        <th scope="col">{{t_staff_since}}</th><th scope="col"></th></tr></thead><tbody>
        {{#members}}<tr><td>{{name}}</td><td>{{roleLabel}}</td><td>{{since}}</td><td>
        <form method="post" action="/console/staff/{{name}}/remove" class="inline"><input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit">{{t_staff_remove}}</button></form></td></tr>{{/members}}
        </tbody></table>{{/hasMembers}}{{^hasMembers}}<p>{{t_staff_none}}</p>{{/hasMembers}}
        <section><h2>{{t_staff_add}}</h2><form method="post" action="/console/staff"><input type="hidden" name="csrf" value="{{csrf}}">
        <label for="name">{{t_staff_name}}</label><input id="name" name="name" required maxlength="32">
        <label for="role">{{t_staff_role}}</label><select id="role" name="role">
        {{#roles}}<option value="{{value}}">{{label}}</option>{{/roles}}</select>
        <button type="submit">{{t_staff_add}}</button></form></section>
        """

    /// A constant of this file: one that does not compile fails every staff page test.
    static let compiled = try? MustacheTemplate(string: template)

    /// The page in the console's layout, in `locale`.
    static func render(_ view: ConsoleStaffView, locale: CustomerLocale, csrf: String, notice: String?) -> String {
        let words = ConsoleTexts.words(locale).merging(Self.words(locale)) { $1 }
        let content = compiled?.render(ConsoleScope(view, words: words, csrf: csrf, role: .owner)) ?? ""
        let layout = ConsoleLayoutView(
            lang: locale.rawValue, dir: locale == .ar ? "rtl" : "ltr", signedIn: true, notice: notice,
            content: content, style: ConsolePages.style)
        return ConsolePages.compiled[.layout]?.render(ConsoleScope(layout, words: words, csrf: csrf, role: .owner))
            ?? ""
    }

    static func words(_ locale: CustomerLocale) -> [String: String] {
        switch locale {
        case .fr: french
        case .ar: arabic
        case .en: english
        }
    }

    static func roleLabel(_ role: StaffRole, _ locale: CustomerLocale) -> String {
        words(locale)["staff_role_" + role.rawValue] ?? role.rawValue
    }

    static let english: [String: String] = [
        "staff_title": "Staff",
        "staff_name": "Name",
        "staff_role": "Role",
        "staff_since": "Added",
        "staff_remove": "Remove",
        "staff_add": "Add a member",
        "staff_none": "No staff members yet: only the admin token signs in.",
        "staff_tokenTitle": "Sign-in token of",
        "staff_tokenOnce": "Copy it now and hand it to the member: it is shown this once and stored nowhere.",
        "staff_role_viewer": "viewer (reads)",
        "staff_role_support": "support (also resends, checks, corrects contacts, retries webhooks)",
        "staff_role_owner": "owner (everything)",
        "staff_removed": "The member was removed: their token and sessions no longer work.",
        "staff_unknown": "There is no such member.",
        "staff_badRole": "Choose a role: viewer, support or owner.",
        "staff_badName": "A name is 1 to 32 of a-z, 0-9, '.', '_' and '-', starting with a letter or a digit.",
        "staff_nameTaken": "A member with this name already exists.",
    ]

    static let french: [String: String] = [
        "staff_title": "Équipe",
        "staff_name": "Nom",
        "staff_role": "Rôle",
        "staff_since": "Ajouté le",
        "staff_remove": "Retirer",
        "staff_add": "Ajouter un membre",
        "staff_none": "Aucun membre pour l'instant : seul le jeton d'administration permet de se connecter.",
        "staff_tokenTitle": "Jeton de connexion de",
        "staff_tokenOnce":
            "Copiez-le maintenant et remettez-le au membre : il n'est affiché qu'une fois et n'est conservé nulle part.",
        "staff_role_viewer": "lecteur (consulte)",
        "staff_role_support":
            "support (renvoie aussi, vérifie, corrige les contacts, relance les webhooks)",
        "staff_role_owner": "propriétaire (tout)",
        "staff_removed": "Le membre a été retiré : son jeton et ses sessions ne fonctionnent plus.",
        "staff_unknown": "Ce membre n'existe pas.",
        "staff_badRole": "Choisissez un rôle : viewer, support ou owner.",
        "staff_badName":
            "Un nom compte 1 à 32 caractères parmi a-z, 0-9, « . », « _ » et « - », et commence par une lettre ou un chiffre.",
        "staff_nameTaken": "Un membre porte déjà ce nom.",
    ]

    static let arabic: [String: String] = [
        "staff_title": "الفريق",
        "staff_name": "الاسم",
        "staff_role": "الدور",
        "staff_since": "تاريخ الإضافة",
        "staff_remove": "إزالة",
        "staff_add": "إضافة عضو",
        "staff_none": "لا يوجد أعضاء بعد: رمز الإدارة وحده يتيح الدخول.",
        "staff_tokenTitle": "رمز دخول",
        "staff_tokenOnce": "انسخه الآن وسلّمه للعضو: يُعرض هذه المرة فقط ولا يُحفظ في أي مكان.",
        "staff_role_viewer": "مُطّلع (قراءة فقط)",
        "staff_role_support": "دعم (وأيضًا إعادة الإرسال والتحقق وتصحيح جهات الاتصال وإعادة محاولة الـwebhooks)",
        "staff_role_owner": "مالك (كل الصلاحيات)",
        "staff_removed": "تمت إزالة العضو: لم يعد رمزه ولا جلساته صالحة.",
        "staff_unknown": "لا يوجد عضو بهذا الاسم.",
        "staff_badRole": "اختر دورًا: viewer أو support أو owner.",
        "staff_badName": "الاسم من 1 إلى 32 حرفًا من a-z و0-9 و«.» و«_» و«-»، ويبدأ بحرف أو رقم.",
        "staff_nameTaken": "يوجد عضو بهذا الاسم مسبقًا.",
    ]
}
