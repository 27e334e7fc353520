import Foundation
import HTTPTypes
import Orders

/// Leaves out of a rendered console page the action forms (`<form method="post" action="…">`) whose
/// action the signed-in role may not use, so a viewer sees no resend, check, contact or retry buttons.
/// The POST itself is refused (403) whatever the page showed: this only spares the buttons.
enum ConsoleActionFilter {
    static func hidingForbidden(_ html: String, for principal: Principal) -> String {
        guard principal.role != .owner else { return html }
        let opening = "<form method=\"post\" action=\""
        var out = ""
        var rest = Substring(html)
        while let start = rest.range(of: opening) {
            let afterAction = rest[start.upperBound...]
            guard let quote = afterAction.firstIndex(of: "\""),
                let close = rest[quote...].range(of: "</form>")
            else { break }
            let action = String(afterAction[..<quote])
            out += rest[..<start.lowerBound]
            if principal.role.allows(required(action: action)) {
                out += rest[start.lowerBound..<close.upperBound]
            }
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    /// The role a POST to `action` (a concrete path) needs: the console table's pattern it matches.
    static func required(action: String) -> StaffRole {
        let path = action.split(separator: "?", maxSplits: 1).first.map(String.init) ?? action
        let segments = RouteRoles.normalized(path).split(separator: "/")
        for (route, role) in RouteRoles.console where route.method == .post {
            let pattern = route.path.split(separator: "/")
            guard pattern.count == segments.count else { continue }
            if zip(pattern, segments).allSatisfy({ $0.hasPrefix("{") || $0 == $1 }) { return role }
        }
        return .owner
    }
}
