extension GiftCardWording {
    static let english = Source(
        cardsSubject:
            "{{#shop}}{{{shop}}}: {{/shop}}Your {{{title}}} {{#single}}card{{/single}}{{^single}}cards{{/single}}",
        cardsText: """
            {{#shop}}{{{shop}}}
            {{/shop}}{{#single}}Your {{{title}}} card is ready.{{/single}}{{^single}}Your {{{title}}} cards are ready.{{/single}}
            Order number: {{{ref}}}
            Product: {{{title}}}
            Type: {{{typeName}}}
            Quantity: {{{quantity}}}
            {{#partialNote}}

            {{{partialNote}}}
            {{/partialNote}}
            {{#hasCodes}}

            {{#cards}}
            Card {{{index}}}: code {{{code}}}{{#hasSerial}}, serial number {{{serial}}}{{/hasSerial}}
            {{/cards}}
            {{/hasCodes}}
            {{#link}}

            Show your {{#single}}card{{/single}}{{^single}}cards{{/single}} here: {{{link}}}
            {{#linkExpires}}
            The link expires on {{{linkExpires}}}.
            {{/linkExpires}}
            {{/link}}

            How to redeem:
            {{#steps}}{{{index}}}. {{{text}}}
            {{/steps}}
            {{#hasCodes}}Keep your codes to yourself: anyone who knows a code can use it.{{/hasCodes}}{{#link}}This link shows your {{#single}}card{{/single}}{{^single}}cards{{/single}}: do not forward this email.{{/link}}
            {{#support}}Need help? {{{support}}}
            {{/support}}
            """,
        cardsHTML: GiftCardLayout.cards(
            lang: "en", dir: "ltr",
            words: .init(
                heading:
                    "{{#single}}Your {{title}} card is ready{{/single}}{{^single}}Your {{title}} cards are ready{{/single}}",
                order: "Order number", product: "Product", type: "Type", quantity: "Quantity", card: "Card",
                serial: "Serial number", showCards: "Show my {{#single}}card{{/single}}{{^single}}cards{{/single}}",
                expires: "The link expires on",
                steps: "How to redeem", keep: "Keep your codes to yourself: anyone who knows a code can use it.",
                linkKeep:
                    "This link shows your {{#single}}card{{/single}}{{^single}}cards{{/single}}: do not forward this email.",
                help: "Need help?",
                soldBy: "Sold by")),
        cardsSMS:
            "{{#shop}}{{{shop}}}: {{/shop}}{{#hasCode}}{{#title}}{{{title}}} {{/title}}{{{typeName}}} card: {{{code}}}{{#hasSerial}}\nSerial: {{{serial}}}{{/hasSerial}}{{/hasCode}}{{^hasCode}}Your {{^single}}{{{count}}} {{/single}}{{#title}}{{{title}}} {{/title}}{{{typeName}}} {{#single}}card is{{/single}}{{^single}}cards are{{/single}} ready.{{#link}} Link: {{{link}}}{{#linkExpires}} (valid until {{{linkExpires}}}){{/linkExpires}}{{/link}}{{#pointer}} See your email or your account with the shop.{{/pointer}}{{/hasCode}}{{#partialNote}}\n{{{partialNote}}}{{/partialNote}}{{#hasCode}}\nKeep this code private.{{/hasCode}}",
        partialText:
            "Cards delivered: {{{delivered}}} of {{{quantity}}}. The rest of the order could not be delivered: it was cancelled and its amount credited back to the shop's balance, not to you. Please contact the shop about the rest of your order.",
        partialHTML:
            "Cards delivered: {{delivered}} of {{quantity}}. The rest of the order could not be delivered: it was cancelled and its amount credited back to the shop's balance, not to you. Please contact the shop about the rest of your order.",
        partialSMS:
            "Delivered: {{{delivered}}} of {{{quantity}}}. The rest was cancelled and credited back to the shop, not you: contact it.",
        refundSubject: "{{#shop}}{{{shop}}}: {{/shop}}Your card order could not be completed",
        refundText:
            "{{#shop}}{{{shop}}}\n{{/shop}}Sorry, your order {{{ref}}} ({{{title}}}, {{{typeName}}}, quantity {{{quantity}}}) could not be completed: no card was delivered. The order was cancelled and its amount was credited back to the shop's balance, not to you: please contact the shop to arrange your refund.{{#support}}\nNeed help? {{{support}}}{{/support}}",
        refundHTML: EmailLayout.notice(
            lang: "en", dir: "ltr", heading: "Your card order could not be completed",
            body:
                "Sorry, your order <bdi dir=\"ltr\">{{ref}}</bdi> ({{title}}, {{typeName}}, quantity {{quantity}}) could not be completed: no card was delivered. The order was cancelled and its amount was credited back to the shop's balance, not to you: please contact the shop to arrange your refund.",
            help: "Need help?"),
        refundSMS:
            "{{#shop}}{{{shop}}}: {{/shop}}Order {{{ref}}} ({{{typeName}}}) could not be completed, no card delivered. The shop was credited, not you: contact it to arrange your refund.",
        notPlacedSubject: "{{#shop}}{{{shop}}}: {{/shop}}Your card order was not placed",
        notPlacedText:
            "{{#shop}}{{{shop}}}\n{{/shop}}Your order {{{ref}}} ({{{title}}}, {{{typeName}}}, quantity {{{quantity}}}) could not be placed: no card was bought. The shop will place it again or contact you.{{#support}}\nNeed help? {{{support}}}{{/support}}",
        notPlacedHTML: EmailLayout.notice(
            lang: "en", dir: "ltr", heading: "Your card order was not placed",
            body:
                "Your order <bdi dir=\"ltr\">{{ref}}</bdi> ({{title}}, {{typeName}}, quantity {{quantity}}) could not be placed: no card was bought. The shop will place it again or contact you.",
            help: "Need help?"),
        notPlacedSMS:
            "{{#shop}}{{{shop}}}: {{/shop}}Order {{{ref}}} ({{{typeName}}}) was not placed: no card was bought. The shop will place it again or contact you."
    )
}
