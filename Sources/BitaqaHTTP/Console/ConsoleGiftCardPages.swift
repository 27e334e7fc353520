/// The gift-card pages' templates. Like every console template, every value is escaped and each table
/// cell carries its column's name (`data-label`) for phone width; no code, serial or card is in any.
extension ConsolePages {
    static let giftCards = """
        <h1>{{t_giftCards}}</h1><p><a id="catalogue" href="/console/gift-cards/catalog">{{t_gcCatLink}}</a></p>{{^enabled}}<p class="warn">{{t_gcOff}}</p>{{/enabled}}
        <form method="get" action="/console/gift-cards"><label for="q">{{t_search}}</label>
        <input id="q" name="q" value="{{q}}" placeholder="{{t_gcSearchHint}}" dir="auto">
        <label for="status">{{t_status}}</label><select id="status" name="status"><option value="">{{t_any}}</option>
        {{#statusOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statusOptions}}
        </select><button type="submit">{{t_search}}</button></form>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        {{#hasOrders}}<table><thead><tr><th scope="col">{{t_gcRef}}</th><th scope="col">{{t_created}}</th>
        <th scope="col">{{t_gcProduct}}</th><th scope="col">{{t_gcType}}</th><th scope="col">{{t_gcCards}}</th>
        <th scope="col">{{t_status}}</th><th scope="col">{{t_email}}</th><th scope="col">{{t_phone}}</th></tr></thead><tbody>
        {{#orders}}<tr><td data-label="{{t_gcRef}}"><a href="{{href}}" class="id"><bdi dir="ltr">{{ref}}</bdi></a></td>
        <td data-label="{{t_created}}"><bdi dir="ltr">{{created}}</bdi></td>
        <td data-label="{{t_gcProduct}}"><bdi>{{product}}</bdi></td><td data-label="{{t_gcType}}"><bdi>{{type}}</bdi></td>
        <td data-label="{{t_gcCards}}" class="state"><bdi dir="ltr">{{cards}}</bdi></td>
        <td data-label="{{t_status}}" class="state">{{statusLabel}} <code>{{status}}</code></td>
        <td data-label="{{t_email}}"><bdi dir="ltr" class="id">{{email}}</bdi></td>
        <td data-label="{{t_phone}}"><bdi dir="ltr">{{phone}}</bdi></td></tr>{{/orders}}</tbody></table>{{/hasOrders}}
        {{^hasOrders}}<p>{{t_gcNone}}</p>{{/hasOrders}}{{#next}}<p><a href="{{next}}" rel="next">{{t_next}}</a></p>{{/next}}
        """

    static let giftCard = """
        <h1>{{t_gcOrder}} <bdi dir="ltr" class="id">{{ref}}</bdi></h1>
        {{#problem}}<p class="error" role="alert">{{problem}}</p>{{/problem}}
        <dl><dt>{{t_status}}</dt><dd>{{statusLabel}} <code>{{status}}</code>{{#explanation}}<span class="why">{{explanation}}</span>{{/explanation}}</dd>
        <dt>{{t_gcRef}}</dt><dd><bdi dir="ltr" class="id">{{ref}}</bdi></dd>
        <dt>{{t_gcOrderId}}</dt><dd><bdi dir="ltr" class="id">{{orderId}}</bdi></dd>
        <dt>{{t_gcProduct}}</dt><dd><bdi>{{product}}</bdi></dd><dt>{{t_gcType}}</dt><dd><bdi>{{type}}</bdi></dd>
        <dt>{{t_gcQuantity}}</dt><dd id="quantity">{{quantity}}</dd><dt>{{t_gcFulfilled}}</dt><dd id="fulfilled">{{fulfilled}}</dd>
        <dt>{{t_gcPrice}}</dt><dd>{{price}}</dd>
        <dt>{{t_user}}</dt><dd><a href="{{userHref}}"><bdi dir="ltr" class="id">{{user}}</bdi></a></dd>
        <dt>{{t_email}}</dt><dd><bdi dir="ltr" class="id">{{email}}</bdi></dd><dt>{{t_phone}}</dt><dd><bdi dir="ltr">{{phone}}</bdi></dd>
        <dt>{{t_language}}</dt><dd><bdi>{{language}}</bdi></dd><dt>{{t_gcChannels}}</dt><dd>{{channelNames}}</dd>
        <dt>{{t_created}}</dt><dd><bdi dir="ltr">{{created}}</bdi></dd>
        <dt>{{t_gcLastCheck}}</dt><dd><bdi dir="ltr">{{lastCheck}}</bdi></dd>
        <dt>{{t_gcNextCheck}}</dt><dd><bdi dir="ltr">{{nextCheck}}</bdi></dd></dl>
        <section><h2>{{t_gcSealed}}</h2><p><strong id="sealed">{{sealed}}</strong> · {{t_gcSealedNote}}</p></section>
        {{#uncertain}}<section><h2>{{t_gcCandidates}}</h2><p class="warn">{{t_gcSettleWhy}}</p>
        <table><thead><tr><th scope="col">{{t_gcOrderId}}</th><th scope="col">{{t_created}}</th>
        <th scope="col">{{t_gcQuantity}}</th><th scope="col">{{t_status}}</th><th scope="col"></th></tr></thead><tbody>
        {{#candidates}}<tr><td data-label="{{t_gcOrderId}}"><bdi dir="ltr" class="id">{{orderId}}</bdi></td>
        <td data-label="{{t_created}}"><bdi dir="ltr">{{time}}</bdi></td><td data-label="{{t_gcQuantity}}">{{quantity}}</td>
        <td data-label="{{t_status}}" class="state">{{statusLabel}} <code>{{status}}</code></td>
        <td>{{#isOwner}}<form method="post" action="{{base}}/settle" class="inline"><input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="orderId" value="{{orderId}}"><button type="submit">{{t_gcSettle}}</button></form>{{/isOwner}}</td></tr>{{/candidates}}
        </tbody></table>{{^isOwner}}<p class="muted">{{t_gcSettleOwner}}</p>{{/isOwner}}</section>{{/uncertain}}
        <section><h2>{{t_deliveries}}</h2><table><thead><tr><th scope="col">{{t_channel}}</th><th scope="col">{{t_recipient}}</th>
        <th scope="col">{{t_state}}</th><th scope="col">{{t_attempts}}</th><th scope="col">{{t_error}}</th><th scope="col">{{t_time}}</th></tr></thead>
        <tbody>{{#deliveries}}<tr><td data-label="{{t_channel}}">{{channel}} ({{purpose}})</td>
        <td data-label="{{t_recipient}}"><bdi dir="ltr" class="id">{{recipient}}</bdi></td>
        <td data-label="{{t_state}}" class="state">{{stateLabel}}</td><td data-label="{{t_attempts}}">{{attempts}}</td>
        <td data-label="{{t_error}}">{{#hasError}}<span class="why">{{reason}}</span><span class="muted">{{t_rawError}} : <code dir="ltr">{{error}}</code></span>{{/hasError}}</td>
        <td data-label="{{t_time}}"><bdi dir="ltr">{{time}}</bdi></td></tr>{{/deliveries}}</tbody></table></section>
        {{#canAct}}<section><h2>{{t_actions}}</h2>
        {{#hasCards}}<form method="post" action="{{base}}/resend"><input type="hidden" name="csrf" value="{{csrf}}">
        <label for="channel">{{t_channel}}</label><select id="channel" name="channel">
        {{#channels}}<option value="{{value}}">{{label}}</option>{{/channels}}</select><button type="submit">{{t_gcResend}}</button></form>{{/hasCards}}
        <form method="post" action="{{base}}/check"><input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit">{{t_checkNow}}</button></form>
        <form method="post" action="{{base}}/contact"><input type="hidden" name="csrf" value="{{csrf}}">
        <label for="email">{{t_email}}</label><input id="email" name="email" type="email" dir="ltr">
        <label for="phone">{{t_phone}}</label><input id="phone" name="phone" type="tel" dir="ltr">
        <button type="submit">{{t_correct}}</button></form></section>{{/canAct}}
        <section><h2>{{t_audit}}</h2><table><thead><tr><th scope="col">{{t_time}}</th><th scope="col">{{t_event}}</th>
        <th scope="col">{{t_actor}}</th><th scope="col"></th></tr></thead><tbody>
        {{#events}}<tr><td data-label="{{t_time}}"><bdi dir="ltr">{{time}}</bdi></td>
        <td data-label="{{t_event}}">{{kindLabel}} <code>{{kind}}</code></td><td data-label="{{t_actor}}"><bdi dir="ltr">{{actor}}</bdi></td>
        <td><code dir="ltr">{{details}}</code></td></tr>{{/events}}
        </tbody></table></section>
        """
}
