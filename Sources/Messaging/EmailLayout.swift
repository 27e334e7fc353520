/// The card email's HTML: one centred column up to 600 px wide, inline styles only (mail readers drop
/// `<link>` and most `<style>`), no script, no external CSS, right to left for Arabic. The colours are
/// declared for light and dark (`color-scheme`), and the one `<style>` block only adds the dark
/// variant for readers that honour `prefers-color-scheme`; without it the email reads the same.
enum EmailLayout {
    struct Words {
        let heading, code, showCode, value, status, line, transaction, processed, steps, keep: String
        /// Link mode: the link shows the card, do not forward it; and when the link expires.
        let linkKeep, expires: String
        let help, soldBy: String
    }

    static func card(lang: String, dir: String, words: Words) -> String {
        """
        \(opening(lang: lang, dir: dir, heading: words.heading))
        <tr><td style="padding:16px 24px">\
        {{#hasCode}}<p class="muted" style="margin:0 0 6px 0;font-size:14px;color:#52606d">\(words.code)</p>\
        <p class="code" dir="ltr" style="margin:0;padding:14px;background:#f0f4f8;border-radius:8px;font-family:'Courier New',monospace;font-size:26px;letter-spacing:3px;text-align:center;color:#102a43;word-break:break-all">{{code}}</p>{{/hasCode}}\
        {{#link}}<p style="margin:0;text-align:center"><a href="{{link}}" style="display:inline-block;padding:12px 20px;background:#1d4ed8;color:#ffffff;border-radius:8px;text-decoration:none;font-size:16px">\(words.showCode)</a></p>\
        {{#linkExpires}}<p class="muted" style="margin:8px 0 0 0;text-align:center;font-size:13px;color:#52606d">\(words.expires) {{linkExpires}}.</p>{{/linkExpires}}{{/link}}\
        </td></tr>
        <tr><td style="padding:0 24px"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse">\
        \(row(words.value, "{{amount}}"))\(row(words.status, "{{status}}"))\(row(words.line, "{{number}}", ltr: true))\
        \(row(words.transaction, "{{transactionNumber}}", ltr: true))\(row(words.processed, "{{processedDate}}"))\
        </table></td></tr>
        <tr><td style="padding:16px 24px 0 24px"><h2 class="text" style="margin:0 0 8px 0;font-size:16px;color:#1f2933">\(words.steps)</h2>\
        <ol class="text" style="margin:0;padding-\(dir == "rtl" ? "right" : "left"):20px;font-size:14px;line-height:1.6;color:#1f2933">{{#steps}}<li>\(dir == "rtl" ? "{{{html}}}" : "{{text}}")</li>{{/steps}}</ol></td></tr>
        <tr><td style="padding:16px 24px"><p style="margin:0;padding:10px 12px;background:#fff7e6;border-radius:8px;font-size:14px;font-weight:bold;color:#7c4a03">{{#hasCode}}\(words.keep){{/hasCode}}{{#link}}\(words.linkKeep){{/link}}</p></td></tr>
        <tr><td class="muted" style="padding:0 24px 24px 24px;font-size:13px;line-height:1.5;color:#52606d">\
        {{#support}}<p style="margin:0">\(words.help) <bdi dir="ltr">{{support}}</bdi></p>{{/support}}\
        {{#shop}}<p style="margin:4px 0 0 0">\(words.soldBy) {{#shopURL}}<a href="{{shopURL}}" style="color:#1d4ed8">{{shop}}</a>{{/shopURL}}{{^shopURL}}{{shop}}{{/shopURL}}</p>{{/shop}}\
        </td></tr>
        </table></td></tr></table>
        </body></html>
        """
    }

    static let cellStyle = "padding:6px 0;font-size:14px;color:#1f2933;border-bottom:1px solid #e4e7eb"
    static let labelStyle = "padding:6px 0;font-size:14px;color:#52606d;border-bottom:1px solid #e4e7eb;width:45%"

    /// One row of a facts table: the label, then the value (isolated left to right when `ltr`).
    static func row(_ name: String, _ value: String, ltr: Bool = false) -> String {
        "<tr><td class=\"muted\" style=\"\(labelStyle)\">\(name)</td><td class=\"text\" style=\"\(cellStyle)\">"
            + (ltr ? "<bdi dir=\"ltr\">\(value)</bdi>" : value) + "</td></tr>"
    }

    /// The top of a card email, shared by every line's: the document, the dark variant, the centred
    /// column, the logo, the shop's name and `heading`.
    static func opening(lang: String, dir: String, heading: String) -> String {
        let align = dir == "rtl" ? "right" : "left"
        return """
            <!DOCTYPE html>
            <html lang="\(lang)" dir="\(dir)"><head><meta charset="utf-8">\
            <meta name="viewport" content="width=device-width, initial-scale=1">\
            <meta name="color-scheme" content="light dark"><meta name="supported-color-schemes" content="light dark">\
            <title>{{shopOrService}}</title>\
            <style>@media (prefers-color-scheme: dark){.page{background:#111827!important}.card{background:#1f2933!important}\
            .text{color:#f5f7fa!important}.muted{color:#cbd2d9!important}.code{background:#111827!important;color:#ffffff!important}}</style>\
            </head>
            <body class="page" style="margin:0;padding:0;background:#f0f4f8">
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f0f4f8" class="page"><tr><td align="center" style="padding:24px 12px">
            <table role="presentation" dir="\(dir)" cellpadding="0" cellspacing="0" class="card" style="width:100%;max-width:600px;background:#ffffff;border-radius:12px;font-family:Arial,Helvetica,sans-serif;text-align:\(align)">
            <tr><td style="padding:24px 24px 8px 24px">\
            {{#logo}}<img src="{{logo}}" alt="" height="40" style="display:block;height:40px;border:0;margin-bottom:8px">{{/logo}}\
            {{#shop}}<p class="text" style="margin:0;font-size:18px;font-weight:bold;color:#1f2933">{{shop}}</p>{{/shop}}\
            <h1 class="text" style="margin:8px 0 0 0;font-size:20px;line-height:1.3;color:#1f2933">\(heading)</h1></td></tr>
            """
    }

    /// A short notice (refunded), in the same frame.
    static func notice(lang: String, dir: String, heading: String, body: String, help: String) -> String {
        let align = dir == "rtl" ? "right" : "left"
        return """
            <!DOCTYPE html>
            <html lang="\(lang)" dir="\(dir)"><head><meta charset="utf-8">\
            <meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark"></head>
            <body style="margin:0;padding:0;background:#f0f4f8">
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f0f4f8"><tr><td align="center" style="padding:24px 12px">
            <table role="presentation" dir="\(dir)" cellpadding="0" cellspacing="0" style="width:100%;max-width:600px;background:#ffffff;border-radius:12px;font-family:Arial,Helvetica,sans-serif;text-align:\(align)">
            <tr><td style="padding:24px;color:#1f2933">{{#shop}}<p style="margin:0 0 8px 0;font-size:18px;font-weight:bold">{{shop}}</p>{{/shop}}\
            <h1 style="margin:0 0 12px 0;font-size:20px">\(heading)</h1><p style="margin:0;font-size:15px;line-height:1.5">\(body)</p>\
            {{#support}}<p style="margin:12px 0 0 0;font-size:13px;color:#52606d">\(help) <bdi dir="ltr">{{support}}</bdi></p>{{/support}}</td></tr>
            </table></td></tr></table>
            </body></html>
            """
    }
}
