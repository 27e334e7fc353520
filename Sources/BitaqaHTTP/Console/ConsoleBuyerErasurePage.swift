/// `/console/buyers/{userId}/erase`: what erasing the buyer's contacts does, before it is done, and the
/// form that does it once the owner has typed the buyer's id again.
struct ConsoleBuyerErasureView: ConsoleView {
    static let template = ConsolePages.Template.buyerErasure
    let user: String
    /// The buyer's page.
    let path: String
    /// Orders of the buyer that still hold a contact: those the erasure changes.
    let count: Int
    /// Why the last attempt erased nothing.
    var error: String? = nil
}

extension ConsolePages {
    static let buyerErasure = """
        <h1>{{t_bdEraseTitle}} <bdi dir="ltr" class="id">{{user}}</bdi></h1><p><a href="{{path}}">{{t_bdBack}}</a></p>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <section><h2>{{t_bdWhat}}</h2><ul><li>{{t_bdWillErase}} <bdi dir="ltr">{{count}}</bdi></li>
        <li>{{t_bdStay}}</li><li>{{t_bdResends}}</li><li><strong>{{t_bdFinal}}</strong></li></ul>
        <form method="post" action="{{path}}/erase"><input type="hidden" name="csrf" value="{{csrf}}">
        <label for="confirm">{{t_bdConfirm}} <bdi dir="ltr" class="id">{{user}}</bdi></label>
        <input id="confirm" name="confirm" dir="ltr" autocomplete="off" spellcheck="false" maxlength="128" required>
        <button type="submit">{{t_bdEraseButton}}</button></form></section>
        """
}
