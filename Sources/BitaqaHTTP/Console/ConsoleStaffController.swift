import BitaqaCore
import HTTPTypes
import Hummingbird
import Logging
import Orders

/// `POST /console/staff`.
struct ConsoleStaffForm: ConsoleActionForm {
    var csrf: String?
    var name: String?
    var role: String?
}

/// `/console/staff`, the owner's: the members, adding one (the answer page shows its token once) and
/// removing one (its token and console sessions stop at once). Audited with the owner as actor.
struct ConsoleStaffController {
    let support: ConsoleSupport
    let staff: StaffDirectory

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("staff", use: list)
        group.post("staff", use: add)
        group.post("staff/{name}/remove", use: remove)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await support.signedIn(request) { session in
            try ConsoleSupport.requireRole(session, request, context)
            let words = ConsoleStaffPage.words(ConsoleSupport.locale(request))
            let notice = request.uri.queryParameters.get("notice").flatMap { words["staff_" + String($0)] }
            return try await page(request, session: session, notice: notice)
        }
    }

    @Sendable func add(_ request: Request, context: AppRequestContext) async throws -> Response {
        let post = try await support.post(request, context: context, as: ConsoleStaffForm.self)
        let words = ConsoleStaffPage.words(ConsoleSupport.locale(request))
        guard let role = post.form.role.flatMap(StaffRole.init(rawValue:)) else {
            return try await page(request, session: post.session, error: words["staff_badRole"], status: .badRequest)
        }
        do {
            let (member, token) = try await staff.add(
                name: post.form.name ?? "", role: role, actor: post.session.actor)
            context.logger.info("staff member added", metadata: ["member": "\(member.name)"])
            return try await page(request, session: post.session, newMember: member.name, newToken: token)
        } catch let refusal as StaffDirectory.Refusal {
            switch refusal {
            case .badName:
                return try await page(
                    request, session: post.session, error: words["staff_badName"], status: .badRequest)
            case .nameTaken, .unknownMember:
                return try await page(
                    request, session: post.session, error: words["staff_nameTaken"], status: .conflict)
            }
        }
    }

    @Sendable func remove(_ request: Request, context: AppRequestContext) async throws -> Response {
        let post = try await support.post(request, context: context)
        let name = try context.parameters.require("name")
        do {
            try await staff.remove(name: name, actor: post.session.actor)
        } catch StaffDirectory.Refusal.unknownMember {
            return ConsoleSupport.redirect("/console/staff?notice=unknown")
        }
        context.logger.info("staff member removed", metadata: ["member": "\(name)"])
        return ConsoleSupport.redirect("/console/staff?notice=removed")
    }

    private func page(
        _ request: Request, session: ConsoleSessions.Session, notice: String? = nil, error: String? = nil,
        newMember: String? = nil, newToken: Secret? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let locale = ConsoleSupport.locale(request)
        let members = try await staff.list().map {
            ConsoleStaffView.Member(
                name: $0.name, roleLabel: ConsoleStaffPage.roleLabel($0.role, locale),
                since: ConsoleTerms.time($0.createdAt, locale))
        }
        let view = ConsoleStaffView(
            members: members, hasMembers: !members.isEmpty,
            roles: StaffRole.allCases.map {
                ConsoleStaffView.RoleOption(value: $0.rawValue, label: ConsoleStaffPage.roleLabel($0, locale))
            },
            newToken: newToken?.unsafeRevealed, newMember: newMember, error: error)
        let html = ConsoleStaffPage.render(view, locale: locale, csrf: session.csrf, notice: notice)
        return ConsoleSupport.respond(html: html, status: status)
    }
}
