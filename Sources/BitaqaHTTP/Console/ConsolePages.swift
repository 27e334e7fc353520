import BitaqaCore
import Crypto
import Foundation
import Mustache
import Orders

/// The console's HTML: mustache templates compiled into the binary. Every value is escaped (double
/// braces); the only unescaped parts are the layout's style and the page already rendered into it.
/// No script; the one inline style is allowed by its hash in the Content-Security-Policy.
enum ConsolePages {
    /// At phone width (600 px and less) a table becomes one block per row, each cell under its column's
    /// name (`data-label`). Words never break inside; only ids, addresses and errors (`.id`, `code`) may
    /// wrap anywhere, and a state stays on one line.
    static let style = """
        body{font-family:Arial,sans-serif;margin:0;background:#f6f7f9;color:#1b1f24;line-height:1.4}\
        header{display:flex;flex-wrap:wrap;gap:12px;align-items:center;padding:10px 16px;background:#0b3d6b;color:#fff}\
        header a{color:#fff}nav{display:flex;gap:12px;align-items:center;flex-wrap:wrap}\
        main{max-width:1100px;margin:0 auto;padding:16px}table{border-collapse:collapse;width:100%;background:#fff}\
        th,td{padding:6px 8px;border-bottom:1px solid #d0d7de;text-align:start;vertical-align:top}\
        form{margin:8px 0}form.inline{display:inline}label{margin-inline-end:6px}\
        input,select,button{font-size:1em;padding:6px 8px;margin:2px 6px 2px 0}\
        button{background:#0b6bcb;color:#fff;border:0;border-radius:6px;cursor:pointer}\
        a{color:#0a58a8}:focus{outline:3px solid #f0b400;outline-offset:2px}\
        .warn{background:#ffe3a3;color:#3d2a00;padding:8px;font-weight:bold}.notice{background:#dff3e4;padding:8px 16px;margin:0}\
        .error{background:#ffd7d5;color:#5c0b07;padding:8px 16px;margin:0}\
        dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px}\
        dt{color:#424a53}section{background:#fff;padding:8px 16px;margin:12px 0;border-radius:8px}\
        h1,h2,td,dd,p{word-break:normal;overflow-wrap:normal}.id,code{overflow-wrap:break-word}\
        code{font-size:.85em;color:#57606a;background:#f0f2f4;padding:0 3px;border-radius:3px}\
        .state{white-space:nowrap}.muted{color:#57606a;font-size:.9em}.why{display:block}\
        @media (max-width:600px){thead{display:none}th,td{display:block;border:0}\
        tr{display:block;border-bottom:1px solid #d0d7de;padding:4px 0}\
        td[data-label]::before{content:attr(data-label);display:block;font-size:.8em;color:#57606a}\
        dl{grid-template-columns:1fr}dd{margin:0 0 6px 0}.id,code{overflow-wrap:anywhere}}
        """

    static let policy: String = {
        let hash = "'sha256-" + Data(SHA256.hash(data: Data(style.utf8))).base64EncodedString() + "'"
        return "default-src 'none'; style-src \(hash); form-action 'self'; base-uri 'none'; "
            + "frame-ancestors 'none'; img-src 'self'"
    }()

    static let layout = """
        <!DOCTYPE html>
        <html lang="{{lang}}" dir="{{dir}}"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1"><title>{{t_title}}</title>
        <style>{{{style}}}</style></head><body>
        <header><strong>{{t_title}}</strong>
        {{#signedIn}}<nav><a href="/console">{{t_overview}}</a><a href="/console/orders">{{t_orders}}</a>
        <a href="/console/gift-cards">{{t_giftCards}}</a>
        <a href="/console/reconciliation">{{t_reconciliation}}</a><a href="/console/webhooks">{{t_webhooksTitle}}</a>
        <a href="/console/health">{{t_health}}</a>{{#isOwner}}<a href="/console/send">{{t_sendLink}}</a>
        <a href="/console/staff">{{t_staffLink}}</a>{{/isOwner}}
        <form method="post" action="/console/logout" class="inline"><input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit">{{t_signOut}}</button></form></nav>{{/signedIn}}
        <nav aria-label="{{t_language}}"><a href="?lang=fr" lang="fr">Français</a><a href="?lang=ar" lang="ar">العربية</a>
        <a href="?lang=en" lang="en">English</a></nav></header>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        <main>{{{content}}}{{#signedIn}}<p class="muted">{{t_timesNote}}</p>{{/signedIn}}</main></body></html>
        """

    static let login = """
        <h1>{{t_signIn}}</h1>{{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/console/login"><label for="token">{{t_token}}</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required>
        <button type="submit">{{t_signIn}}</button></form>
        """

    static let overview = """
        <h1>{{t_overview}}</h1>{{#sandbox}}<p class="warn">{{t_sandbox}}</p>{{/sandbox}}
        {{#lowBalance}}<p class="warn" role="alert">{{lowBalance}}</p>{{/lowBalance}}
        <section><h2>{{t_figures}}</h2><table><thead><tr><th scope="col"></th><th scope="col">{{t_figOrders}}</th>
        <th scope="col">{{t_figDelivered}}</th><th scope="col">{{t_figFailed}}</th><th scope="col">{{t_figFaceValue}}</th></tr></thead><tbody>
        {{#figures}}<tr><th scope="row">{{period}}</th><td data-label="{{t_figOrders}}" id="{{key}}-orders">{{orders}}</td>
        <td data-label="{{t_figDelivered}}" id="{{key}}-delivered">{{delivered}}</td>
        <td data-label="{{t_figFailed}}"><a href="{{failedHref}}" id="{{key}}-failed">{{failed}}</a></td>
        <td data-label="{{t_figFaceValue}}" id="{{key}}-face">{{faceValue}}</td></tr>{{/figures}}</tbody></table>
        <p>{{t_stuck}} : {{#stuck}}<a href="{{href}}" id="stuck-{{code}}">{{count}} {{label}}</a> {{/stuck}}</p></section>
        <section><h2>{{t_today}}</h2><table><tbody>
        {{#statuses}}<tr><th scope="row">{{name}} <code>{{code}}</code></th><td>{{count}}</td></tr>{{/statuses}}</tbody></table></section>
        <section><h2>{{t_deliveries}}</h2><p><a href="/console/orders?delivery=pending">{{pending}} {{t_pending}}</a> ·
        <a href="/console/orders?delivery=failed">{{failed}} {{t_failed}}</a></p></section>
        <section><h2>{{t_balance}}</h2><p>{{balance}} · {{t_keyType}} : <bdi dir="ltr">{{keyType}}</bdi></p>
        {{#hasHistory}}<h3>{{t_balanceHistory}}</h3><table id="balance-history"><tbody>
        {{#history}}<tr><th scope="row"><bdi dir="ltr">{{date}}</bdi></th><td data-label="{{t_balance}}">{{balance}}</td></tr>{{/history}}
        </tbody></table>{{/hasHistory}}</section>
        <section><h2>{{t_webhooks}}</h2><p>{{webhooks}}</p></section>
        <section><h2>{{t_selfCheck}}</h2><p><a href="/console/health">{{audit}}</a></p></section>
        """

    static let orders = """
        <h1>{{t_orders}}</h1>
        <form method="get" action="/console/orders"><label for="q">{{t_search}}</label>
        <input id="q" name="q" value="{{q}}" placeholder="{{t_searchHint}}">
        <label for="status">{{t_status}}</label><select id="status" name="status"><option value="">{{t_any}}</option>
        {{#statusOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statusOptions}}
        </select><label for="delivery">{{t_delivery}}</label><select id="delivery" name="delivery">
        <option value="">{{t_any}}</option>{{#deliveryOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/deliveryOptions}}
        </select><label for="type">{{t_type}}</label><select id="type" name="type"><option value="">{{t_any}}</option>
        {{#typeOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/typeOptions}}</select>
        <label for="value">{{t_value}}</label><input id="value" name="value" type="number" min="1" value="{{value}}" dir="ltr">
        <label for="from">{{t_from}}</label><input id="from" name="from" type="date" value="{{from}}">
        <label for="to">{{t_to}}</label><input id="to" name="to" type="date" value="{{to}}">
        <button type="submit">{{t_search}}</button></form>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <p><a href="{{csv}}">{{t_csv}}</a></p>
        {{#canAct}}<section><h2>{{t_bulk}}</h2><form method="post" action="/console/orders/resend-failed" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">{{t_bulkResend}}</button></form>
        <form method="post" action="/console/webhooks/retry-failed" class="inline"><input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit">{{t_bulkRetry}}</button></form></section>{{/canAct}}
        {{#hasOrders}}<table><thead><tr><th scope="col">{{t_order}}</th><th scope="col">{{t_created}}</th>
        <th scope="col">{{t_status}}</th><th scope="col">{{t_line}}</th><th scope="col">{{t_value}}</th>
        <th scope="col">{{t_delivery}}</th></tr></thead><tbody>
        {{#orders}}<tr><td data-label="{{t_order}}"><a href="{{href}}" class="id"><bdi dir="ltr">{{id}}</bdi></a></td>
        <td data-label="{{t_created}}"><bdi dir="ltr">{{created}}</bdi></td>
        <td data-label="{{t_status}}" class="state">{{statusLabel}} <code>{{status}}</code></td>
        <td data-label="{{t_line}}"><bdi dir="ltr">{{number}}</bdi></td><td data-label="{{t_value}}">{{value}}</td>
        <td data-label="{{t_delivery}}">{{deliveries}}</td></tr>{{/orders}}</tbody></table>{{/hasOrders}}
        {{^hasOrders}}<p>{{t_noOrders}}</p>{{/hasOrders}}{{#next}}<p><a href="{{next}}">{{t_next}}</a></p>{{/next}}
        """

    static let order = """
        <h1>{{t_order}} <bdi dir="ltr" class="id">{{id}}</bdi></h1>
        {{#problem}}<p class="error" role="alert">{{problem}}</p>{{/problem}}
        <dl><dt>{{t_status}}</dt><dd>{{statusLabel}} <code>{{status}}</code></dd><dt>{{t_user}}</dt><dd><a href="{{userHref}}"><bdi dir="ltr" class="id">{{user}}</bdi></a></dd>
        <dt>{{t_line}}</dt><dd><bdi dir="ltr">{{number}}</bdi></dd>
        <dt>{{t_value}}</dt><dd>{{value}}</dd><dt>{{t_email}}</dt><dd><bdi dir="ltr" class="id">{{email}}</bdi></dd>
        <dt>{{t_phone}}</dt><dd><bdi dir="ltr">{{phone}}</bdi></dd>
        <dt>{{t_created}}</dt><dd><bdi dir="ltr">{{created}}</bdi></dd></dl>
        <section><h2>{{t_deliveries}}</h2><table><thead><tr><th scope="col">{{t_channel}}</th><th scope="col">{{t_recipient}}</th>
        <th scope="col">{{t_state}}</th><th scope="col">{{t_attempts}}</th><th scope="col">{{t_error}}</th><th scope="col">{{t_time}}</th></tr></thead>
        <tbody>{{#deliveries}}<tr><td data-label="{{t_channel}}">{{channel}} ({{purpose}})</td>
        <td data-label="{{t_recipient}}"><bdi dir="ltr" class="id">{{recipient}}</bdi></td>
        <td data-label="{{t_state}}" class="state">{{stateLabel}}</td><td data-label="{{t_attempts}}">{{attempts}}</td>
        <td data-label="{{t_error}}">{{#hasError}}<span class="why">{{reason}}</span><span class="muted">{{t_rawError}} : <code dir="ltr">{{error}}</code></span>{{/hasError}}</td>
        <td data-label="{{t_time}}"><bdi dir="ltr">{{time}}</bdi></td></tr>{{/deliveries}}</tbody></table></section>
        {{#canAct}}<section><h2>{{t_actions}}</h2>
        <form method="post" action="{{base}}/resend"><input type="hidden" name="csrf" value="{{csrf}}">
        <label for="channel">{{t_channel}}</label><select id="channel" name="channel">
        {{#channels}}<option value="{{value}}">{{label}}</option>{{/channels}}</select><button type="submit">{{t_resend}}</button></form>
        <form method="post" action="{{base}}/check"><input type="hidden" name="csrf" value="{{csrf}}">
        {{#unknownUpstream}}<p class="warn">{{t_trackAgainWhy}}</p><button type="submit">{{t_trackAgain}}</button>{{/unknownUpstream}}
        {{^unknownUpstream}}<button type="submit">{{t_checkNow}}</button>{{/unknownUpstream}}</form>
        <form method="post" action="{{base}}/contact"><input type="hidden" name="csrf" value="{{csrf}}">
        <label for="email">{{t_email}}</label><input id="email" name="email" type="email" dir="ltr">
        <label for="phone">{{t_phone}}</label><input id="phone" name="phone" type="tel" dir="ltr">
        <button type="submit">{{t_correct}}</button></form></section>{{/canAct}}
        <section><h2>{{t_notes}}</h2>{{^hasNotes}}<p>{{t_noNotes}}</p>{{/hasNotes}}
        {{#notes}}<p><bdi dir="ltr">{{time}}</bdi> · <bdi dir="ltr">{{author}}</bdi><br>{{text}}</p>{{/notes}}
        {{#canAct}}<form method="post" action="{{base}}/notes"><input type="hidden" name="csrf" value="{{csrf}}">
        <label for="text">{{t_addNote}}</label><textarea id="text" name="text" maxlength="2000" required></textarea>
        <button type="submit">{{t_addNote}}</button></form>{{/canAct}}</section>
        <section><h2>{{t_audit}}</h2><table><thead><tr><th scope="col">{{t_time}}</th><th scope="col">{{t_event}}</th>
        <th scope="col">{{t_actor}}</th><th scope="col"></th></tr></thead><tbody>
        {{#events}}<tr><td data-label="{{t_time}}"><bdi dir="ltr">{{time}}</bdi></td>
        <td data-label="{{t_event}}">{{kindLabel}} <code>{{kind}}</code></td><td data-label="{{t_actor}}"><bdi dir="ltr">{{actor}}</bdi></td>
        <td><code dir="ltr">{{details}}</code></td></tr>{{/events}}
        </tbody></table></section>
        """

    static let reconciliation = """
        <h1>{{t_reconciliation}}</h1>
        <form method="get" action="/console/reconciliation"><label for="from">{{t_from}}</label>
        <input id="from" name="from" type="date" value="{{from}}">
        <label for="to">{{t_to}}</label><input id="to" name="to" type="date" value="{{to}}">
        <input type="hidden" name="run" value="1"><button type="submit">{{t_run}}</button></form>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        {{#ran}}<p><bdi dir="ltr">{{summary}}</bdi> ({{t_summary}})</p>{{#hasDifferences}}<table><thead><tr><th scope="col">{{t_kind}}</th>
        <th scope="col">{{t_order}}</th><th scope="col">OneClickDz</th><th scope="col">Bitaqa</th>
        <th scope="col">{{t_value}}</th></tr></thead><tbody>{{#differences}}<tr><td data-label="{{t_kind}}">{{kind}}</td>
        <td data-label="{{t_order}}"><bdi dir="ltr" class="id">{{topupId}}</bdi></td>
        <td data-label="OneClickDz">{{upstream}}{{#hasUpstream}} <code>{{upstreamCode}}</code>{{/hasUpstream}}</td>
        <td data-label="Bitaqa">{{local}}{{#hasLocal}} <code>{{localCode}}</code>{{/hasLocal}}</td>
        <td data-label="{{t_value}}">{{value}}</td></tr>{{/differences}}</tbody></table>
        <h2>{{t_totals}}</h2><table><tbody>{{#totals}}<tr><th scope="row">{{kind}}</th><td>{{count}}</td><td>{{amount}}</td></tr>{{/totals}}
        </tbody></table>{{/hasDifferences}}{{^hasDifferences}}<p>{{t_noDifferences}}</p>{{/hasDifferences}}{{/ran}}
        """

    static let webhooks = """
        <h1>{{t_webhooksTitle}}</h1>
        <form method="get" action="/console/webhooks"><label for="state">{{t_state}}</label><select id="state" name="state">
        <option value="">{{t_any}}</option>{{#states}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/states}}
        </select><button type="submit">{{t_search}}</button></form>
        {{^configured}}<p>{{t_webhooksOff}}</p>{{/configured}}
        <table><thead><tr><th scope="col">id</th><th scope="col">{{t_event}}</th><th scope="col">{{t_order}}</th>
        <th scope="col">{{t_state}}</th><th scope="col">{{t_attempts}}</th><th scope="col">{{t_lastStatus}}</th>
        <th scope="col">{{t_error}}</th><th scope="col">{{t_nextAttempt}}</th><th scope="col"></th></tr></thead><tbody>
        {{#messages}}<tr><td data-label="id"><bdi dir="ltr" class="id">{{id}}</bdi></td><td data-label="{{t_event}}"><code>{{type}}</code></td>
        <td data-label="{{t_order}}"><bdi dir="ltr" class="id">{{topupId}}</bdi></td><td data-label="{{t_state}}" class="state">{{state}}</td>
        <td data-label="{{t_attempts}}">{{attempts}}</td><td data-label="{{t_lastStatus}}">{{lastStatus}}</td>
        <td data-label="{{t_error}}">{{#reason}}<span class="why">{{reason}}</span> {{/reason}}<code dir="ltr">{{error}}</code></td><td data-label="{{t_nextAttempt}}"><bdi dir="ltr">{{next}}</bdi></td>
        <td>{{#canAct}}{{#retryable}}<form method="post" action="/console/webhooks/{{id}}/retry" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">{{t_retry}}</button></form>{{/retryable}}{{/canAct}}</td></tr>{{/messages}}
        </tbody></table>
        """

    static let health = """
        <h1>{{t_health}}</h1>
        <section><h2>{{t_keys}}</h2><table><thead><tr><th scope="col">{{t_key}}</th><th scope="col">{{t_cards}}</th>
        <th scope="col"></th></tr></thead><tbody>{{#keys}}<tr><td data-label="{{t_key}}"><bdi dir="ltr" class="id">{{id}}</bdi></td>
        <td data-label="{{t_cards}}">{{cards}}</td><td>{{#active}}{{t_active}}{{/active}}</td></tr>{{/keys}}
        </tbody></table><p>{{rotation}}</p></section>
        <section><h2>{{t_audit}}</h2><dl><dt>{{t_head}}</dt><dd><bdi dir="ltr" class="id">{{head}}</bdi></dd>
        <dt>{{t_checkpoint}}</dt><dd><bdi dir="ltr">{{checkpoint}}</bdi></dd>
        <dt>{{t_selfCheck}}</dt><dd>{{selfCheck}}</dd></dl></section>
        <section><h2>OneClickDz</h2><p>{{upstream}}</p></section>
        """

    static let buyer = """
        <h1>{{t_buyer}} <bdi dir="ltr" class="id">{{user}}</bdi></h1>
        {{#hasOrders}}<table><thead><tr><th scope="col">{{t_order}}</th><th scope="col">{{t_created}}</th>
        <th scope="col">{{t_status}}</th><th scope="col">{{t_value}}</th><th scope="col">{{t_email}}</th>
        <th scope="col">{{t_phone}}</th></tr></thead><tbody>
        {{#orders}}<tr><td data-label="{{t_order}}"><a href="{{href}}" class="id"><bdi dir="ltr">{{id}}</bdi></a></td>
        <td data-label="{{t_created}}"><bdi dir="ltr">{{created}}</bdi></td>
        <td data-label="{{t_status}}" class="state">{{statusLabel}} <code>{{status}}</code></td>
        <td data-label="{{t_value}}">{{value}}</td><td data-label="{{t_email}}">{{#emailErased}}{{t_bdErased}}{{/emailErased}}{{^emailErased}}<bdi dir="ltr" class="id">{{email}}</bdi>{{/emailErased}}</td>
        <td data-label="{{t_phone}}">{{#phoneErased}}{{t_bdErased}}{{/phoneErased}}{{^phoneErased}}<bdi dir="ltr">{{phone}}</bdi>{{/phoneErased}}</td></tr>{{/orders}}</tbody></table>{{/hasOrders}}
        {{^hasOrders}}<p>{{t_noOrders}}</p>{{/hasOrders}}{{#next}}<p><a href="{{next}}">{{t_next}}</a></p>{{/next}}
        {{#isOwner}}{{#path}}<section><h2>{{t_bdTitle}}</h2><p class="muted">{{t_bdNote}}</p>
        <p><a href="{{path}}/export">{{t_bdExport}}</a></p>
        <form method="get" action="{{path}}/erase"><button type="submit">{{t_bdErase}}</button></form></section>{{/path}}{{/isOwner}}
        """

    static let send = """
        <h1>{{t_sendTitle}}</h1>{{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="get" action="/console/send"><label for="ctype">{{t_type}}</label><select id="ctype" name="type">
        {{#types}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/types}}</select>
        <button type="submit">{{t_catalogue}}</button></form>
        <form method="post" action="/console/send"><input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="type" value="{{type}}"><p>{{t_type}} : <bdi dir="ltr">{{type}}</bdi></p>
        <label for="number">{{t_line}}</label><input id="number" name="number" value="{{number}}" dir="ltr" required>
        <label for="value">{{t_value}}</label>{{#hasProducts}}<select id="value" name="value">
        {{#products}}<option value="{{value}}"{{^available}} disabled{{/available}}{{#selected}} selected{{/selected}}>{{label}}</option>{{/products}}
        </select>{{/hasProducts}}{{^hasProducts}}<input id="value" name="value" type="number" min="1" value="{{value}}" dir="ltr" required>
        <span class="muted">{{t_noCatalogue}}</span>{{/hasProducts}}
        <label for="userId">{{t_user}}</label><input id="userId" name="userId" value="{{userId}}" dir="ltr" required>
        <label for="email">{{t_email}}</label><input id="email" name="email" type="email" value="{{email}}" dir="ltr">
        <label for="phone">{{t_phone}}</label><input id="phone" name="phone" type="tel" value="{{phone}}" dir="ltr">
        <label for="locale">{{t_language}}</label><select id="locale" name="locale">
        {{#locales}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/locales}}</select>
        <button type="submit">{{t_sendButton}}</button></form>
        """

    static let refusal = """
        <h1>{{t_refusedTitle}}</h1><p class="error" role="alert">{{message}}</p><p><a href="/console">{{t_overview}}</a></p>
        """

    /// The layout, and one template per page, rendered into the layout.
    enum Template: CaseIterable {
        case layout, login, overview, orders, order, reconciliation, webhooks, health, buyer, send, refusal
        case giftCards, giftCard, giftCardCatalogue, giftCardProduct, buyerErasure

        var text: String {
            switch self {
            case .layout: ConsolePages.layout
            case .login: ConsolePages.login
            case .overview: ConsolePages.overview
            case .orders: ConsolePages.orders
            case .order: ConsolePages.order
            case .reconciliation: ConsolePages.reconciliation
            case .webhooks: ConsolePages.webhooks
            case .health: ConsolePages.health
            case .buyer: ConsolePages.buyer
            case .send: ConsolePages.send
            case .refusal: ConsolePages.refusal
            case .giftCards: ConsolePages.giftCards
            case .giftCard: ConsolePages.giftCard
            case .giftCardCatalogue: ConsolePages.giftCardCatalogue
            case .giftCardProduct: ConsolePages.giftCardProduct
            case .buyerErasure: ConsolePages.buyerErasure
            }
        }
    }

    static let compiled: [Template: MustacheTemplate] = {
        var templates: [Template: MustacheTemplate] = [:]
        for template in Template.allCases {
            // The templates are constants of this file: one that does not compile fails every console test.
            templates[template] = try? MustacheTemplate(string: template.text)
        }
        return templates
    }()

    /// A page in the layout, in `locale`.
    static func render(
        _ view: some ConsoleView, locale: CustomerLocale, csrf: String?, role: StaffRole? = nil, notice: String? = nil
    ) -> String {
        let words = ConsoleTexts.words(locale)
        let content =
            compiled[type(of: view).template]?.render(ConsoleScope(view, words: words, csrf: csrf, role: role)) ?? ""
        let layout = ConsoleLayoutView(
            lang: locale.rawValue, dir: locale == .ar ? "rtl" : "ltr", signedIn: csrf != nil, notice: notice,
            content: content, style: style)
        return compiled[.layout]?.render(ConsoleScope(layout, words: words, csrf: csrf, role: role)) ?? ""
    }
}

/// The layout's own values: the page already rendered, and what the header needs.
struct ConsoleLayoutView: Sendable {
    let lang: String
    let dir: String
    /// Shows the navigation and the sign-out form.
    let signedIn: Bool
    let notice: String?
    /// The page, already rendered and escaped; the layout puts it in unescaped.
    let content: String
    let style: String
}

/// What a template sees at its root: the words as `t_…`, the session's CSRF token (every form of a page
/// carries it; empty signed out), the role's flags (`canAct`: support or owner, so the action forms
/// show; `isOwner`: the owner's menu links and forms), then the page's values by property name. The
/// flags only spare the buttons: ``RouteRoles`` refuses the POST whatever the page showed. A nil optional is no value,
/// so its section is skipped, as a key left out of a dictionary was.
struct ConsoleScope: MustacheParent {
    let values: Any
    let words: [String: String]
    let csrf: String
    let canAct: Bool
    let isOwner: Bool

    init(_ values: Any, words: [String: String], csrf: String?, role: StaffRole? = nil) {
        self.values = values
        self.words = words
        self.csrf = csrf ?? ""
        canAct = role.map { $0.allows(.support) } ?? false
        isOwner = role == .owner
    }

    func child(named name: String) -> Any? {
        if name == "csrf" { return csrf }
        if name == "canAct" { return canAct }
        if name == "isOwner" { return isOwner }
        if name.hasPrefix("t_") { return words[String(name.dropFirst(2))] }
        guard let value = Mirror(reflecting: values).children.first(where: { $0.label == name })?.value else {
            return nil
        }
        let optional = Mirror(reflecting: value)
        guard optional.displayStyle == .optional else { return value }
        return optional.children.first?.value
    }
}
