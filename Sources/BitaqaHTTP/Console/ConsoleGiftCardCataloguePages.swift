/// The gift-card catalogue's templates: the catalogue by category, and one product with its cards and the
/// counter sale's form. Like every console template, every value is escaped and each table cell carries
/// its column's name (`data-label`) for phone width. The cost per card is for staff only: no buyer page
/// uses these templates.
extension ConsolePages {
    static let giftCardCatalogue = """
        <h1>{{t_gcCatTitle}}</h1><p><a href="/console/gift-cards">{{t_gcCatBack}}</a></p>
        {{^enabled}}<p class="warn">{{t_gcOff}}</p>{{/enabled}}{{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        {{#hasCategories}}<p class="muted">{{t_gcCatNote}}</p>{{/hasCategories}}
        {{#categories}}<section><h2><bdi>{{category}}</bdi></h2><table><thead><tr><th scope="col">{{t_gcCatProduct}}</th>
        <th scope="col">{{t_gcCatRegion}}</th><th scope="col">{{t_gcCatSaleState}}</th></tr></thead><tbody>
        {{#products}}<tr><td data-label="{{t_gcCatProduct}}"><a href="{{href}}"><bdi>{{title}}</bdi></a></td>
        <td data-label="{{t_gcCatRegion}}"><bdi dir="ltr">{{region}}</bdi></td>
        <td data-label="{{t_gcCatSaleState}}" class="state">{{saleState}}</td></tr>{{/products}}</tbody></table></section>{{/categories}}
        {{#empty}}<p>{{t_gcCatEmpty}}</p>{{/empty}}
        """

    static let giftCardProduct = """
        <h1>{{t_gcCatProduct}} <bdi>{{title}}</bdi></h1><p><a href="/console/gift-cards/catalog">{{t_gcCatBackToCatalogue}}</a></p>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        {{#refusedHref}}<p>{{t_gcCatRefusedOrder}} <a href="{{refusedHref}}">{{t_gcCatRefusedLink}}</a></p>{{/refusedHref}}
        <dl><dt>{{t_gcCatCategory}}</dt><dd><bdi>{{category}}</bdi></dd><dt>{{t_gcCatRegion}}</dt><dd><bdi dir="ltr">{{region}}</bdi></dd>
        <dt>{{t_gcCatSaleState}}</dt><dd class="state">{{saleState}}</dd></dl>
        {{#disabled}}<p class="warn">{{t_gcCatDisabledNote}}</p>{{/disabled}}
        {{#loaded}}<section><h2>{{t_gcCatTypes}}</h2>{{#hasTypes}}<table id="types"><thead><tr><th scope="col">{{t_gcCatFaceValue}}</th>
        <th scope="col">{{t_gcCatCost}}</th><th scope="col">{{t_gcCatStock}}</th></tr></thead><tbody>
        {{#rows}}<tr><td data-label="{{t_gcCatFaceValue}}"><bdi>{{name}}</bdi></td><td data-label="{{t_gcCatCost}}">{{cost}}</td>
        <td data-label="{{t_gcCatStock}}" class="state" id="stock-{{typeId}}">{{stock}}</td></tr>{{/rows}}</tbody></table>{{/hasTypes}}
        {{^hasTypes}}<p>{{t_gcCatNoTypes}}</p>{{/hasTypes}}</section>
        {{#canSell}}<section id="sale"><h2>{{t_gcCatSell}}</h2>{{#isOwner}}<p class="muted">{{t_gcCatSellNote}}</p>
        <form method="post" action="{{action}}"><input type="hidden" name="csrf" value="{{csrf}}">
        <label for="typeId">{{t_gcType}}</label><select id="typeId" name="typeId">
        {{#options}}<option value="{{value}}"{{^available}} disabled{{/available}}{{#selected}} selected{{/selected}}>{{label}}</option>{{/options}}</select>
        <label for="quantity">{{t_gcCatQuantity}}</label><input id="quantity" name="quantity" type="number" min="1" max="{{maxQuantity}}" value="{{quantity}}" dir="ltr" required>
        <label for="userId">{{t_gcCatUserId}}</label><input id="userId" name="userId" value="{{userId}}" dir="ltr" required>
        <label for="email">{{t_email}}</label><input id="email" name="email" type="email" value="{{email}}" dir="ltr">
        <label for="phone">{{t_phone}}</label><input id="phone" name="phone" type="tel" value="{{phone}}" dir="ltr">
        <label for="locale">{{t_gcCatLanguage}}</label><select id="locale" name="locale">
        {{#locales}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/locales}}</select>
        <fieldset><legend>{{t_gcCatChannels}}</legend>{{#channels}}<input type="checkbox" id="{{field}}" name="{{field}}" value="1"{{#checked}} checked{{/checked}}>
        <label for="{{field}}">{{label}}</label>{{/channels}}</fieldset>
        <label for="ref">{{t_gcCatRef}}</label><input id="ref" name="ref" value="{{ref}}" dir="ltr" maxlength="100" required>
        <button type="submit">{{t_gcCatSellButton}}</button></form>{{/isOwner}}
        {{^isOwner}}<p class="muted">{{t_gcCatOwnerOnly}}</p>{{/isOwner}}</section>{{/canSell}}{{/loaded}}
        """
}
