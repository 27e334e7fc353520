extension GiftCardWording {
    // The SMS keep to the GSM alphabet (no ê, â, ô, ç): one accent outside it would make the whole
    // message UCS-2 and halve what a segment holds.
    static let french = Source(
        cardsSubject:
            "{{#shop}}{{{shop}}} : {{/shop}}{{#single}}Votre carte{{/single}}{{^single}}Vos cartes{{/single}} {{{title}}}",
        cardsText: """
            {{#shop}}{{{shop}}}
            {{/shop}}{{#single}}Votre carte {{{title}}} est prête.{{/single}}{{^single}}Vos cartes {{{title}}} sont prêtes.{{/single}}
            N° de commande : {{{ref}}}
            Produit : {{{title}}}
            Type : {{{typeName}}}
            Quantité : {{{quantity}}}
            {{#partialNote}}

            {{{partialNote}}}
            {{/partialNote}}
            {{#hasCodes}}

            {{#cards}}
            Carte {{{index}}} : code {{{code}}}{{#hasSerial}}, n° de série {{{serial}}}{{/hasSerial}}
            {{/cards}}
            {{/hasCodes}}
            {{#link}}

            Affichez {{#single}}votre carte{{/single}}{{^single}}vos cartes{{/single}} ici : {{{link}}}
            {{#linkExpires}}
            Ce lien expire le {{{linkExpires}}}.
            {{/linkExpires}}
            {{/link}}

            Mode d'emploi :
            {{#steps}}{{{index}}}. {{{text}}}
            {{/steps}}
            {{#hasCodes}}Gardez vos codes pour vous : quiconque connaît un code peut l'utiliser.{{/hasCodes}}{{#link}}Ce lien affiche {{#single}}votre carte{{/single}}{{^single}}vos cartes{{/single}} : ne transférez pas cet e-mail.{{/link}}
            {{#support}}Besoin d'aide ? {{{support}}}
            {{/support}}
            """,
        cardsHTML: GiftCardLayout.cards(
            lang: "fr", dir: "ltr",
            words: .init(
                heading:
                    "{{#single}}Votre carte {{title}} est prête{{/single}}{{^single}}Vos cartes {{title}} sont prêtes{{/single}}",
                order: "N° de commande", product: "Produit", type: "Type", quantity: "Quantité", card: "Carte",
                serial: "N° de série",
                showCards: "Afficher {{#single}}ma carte{{/single}}{{^single}}mes cartes{{/single}}",
                expires: "Ce lien expire le",
                steps: "Mode d'emploi", keep: "Gardez vos codes pour vous : quiconque connaît un code peut l'utiliser.",
                linkKeep:
                    "Ce lien affiche {{#single}}votre carte{{/single}}{{^single}}vos cartes{{/single}} : ne transférez pas cet e-mail.",
                help: "Besoin d'aide ?",
                soldBy: "Vendu par")),
        cardsSMS:
            "{{#shop}}{{{shop}}}: {{/shop}}{{#hasCode}}Carte {{#title}}{{{title}}} {{/title}}{{{typeName}}}: {{{code}}}{{#hasSerial}}\nSerie: {{{serial}}}{{/hasSerial}}{{/hasCode}}{{^hasCode}}{{#single}}Votre carte{{/single}}{{^single}}Vos {{{count}}} cartes{{/single}} {{#title}}{{{title}}} {{/title}}{{{typeName}}} {{#single}}est prete{{/single}}{{^single}}sont pretes{{/single}}.{{#link}} Lien: {{{link}}}{{#linkExpires}} (valable jusqu'au {{{linkExpires}}}){{/linkExpires}}{{/link}}{{#pointer}} Voir votre e-mail ou votre espace client de la boutique.{{/pointer}}{{/hasCode}}{{#partialNote}}\n{{{partialNote}}}{{/partialNote}}{{#hasCode}}\nCode strictement personnel.{{/hasCode}}",
        partialText:
            "Cartes livrées : {{{delivered}}} sur {{{quantity}}}. Le reste de la commande n'a pas pu être livré : il a été annulé et son montant a été recrédité au solde de la boutique, pas à vous. Contactez la boutique pour le reste de votre commande.",
        partialHTML:
            "Cartes livrées : {{delivered}} sur {{quantity}}. Le reste de la commande n'a pas pu être livré : il a été annulé et son montant a été recrédité au solde de la boutique, pas à vous. Contactez la boutique pour le reste de votre commande.",
        partialSMS:
            "Livrees: {{{delivered}}} sur {{{quantity}}}. Le reste est annule et recredite a la boutique, pas a vous: contactez-la.",
        refundSubject: "{{#shop}}{{{shop}}} : {{/shop}}Votre commande de cartes n'a pas pu être effectuée",
        refundText:
            "{{#shop}}{{{shop}}}\n{{/shop}}Désolés, votre commande n° {{{ref}}} ({{{title}}}, {{{typeName}}}, quantité {{{quantity}}}) n'a pas pu être effectuée : aucune carte n'a été livrée. La commande est annulée et son montant a été recrédité au solde de la boutique, pas à vous : contactez la boutique pour convenir de votre remboursement.{{#support}}\nBesoin d'aide ? {{{support}}}{{/support}}",
        refundHTML: EmailLayout.notice(
            lang: "fr", dir: "ltr", heading: "Votre commande de cartes n'a pas pu être effectuée",
            body:
                "Désolés, votre commande n° <bdi dir=\"ltr\">{{ref}}</bdi> ({{title}}, {{typeName}}, quantité {{quantity}}) n'a pas pu être effectuée : aucune carte n'a été livrée. La commande est annulée et son montant a été recrédité au solde de la boutique, pas à vous : contactez la boutique pour convenir de votre remboursement.",
            help: "Besoin d'aide ?"),
        refundSMS:
            "{{#shop}}{{{shop}}}: {{/shop}}Commande {{{ref}}} ({{{typeName}}}) impossible, aucune carte livree. Montant recredite a la boutique, pas a vous: contactez-la pour votre remboursement.",
        notPlacedSubject: "{{#shop}}{{{shop}}} : {{/shop}}Votre commande de cartes n'a pas été passée",
        notPlacedText:
            "{{#shop}}{{{shop}}}\n{{/shop}}Votre commande n° {{{ref}}} ({{{title}}}, {{{typeName}}}, quantité {{{quantity}}}) n'a pas pu être passée : aucune carte n'a été achetée. La boutique va la passer à nouveau ou vous contactera.{{#support}}\nBesoin d'aide ? {{{support}}}{{/support}}",
        notPlacedHTML: EmailLayout.notice(
            lang: "fr", dir: "ltr", heading: "Votre commande de cartes n'a pas été passée",
            body:
                "Votre commande n° <bdi dir=\"ltr\">{{ref}}</bdi> ({{title}}, {{typeName}}, quantité {{quantity}}) n'a pas pu être passée : aucune carte n'a été achetée. La boutique va la passer à nouveau ou vous contactera.",
            help: "Besoin d'aide ?"),
        notPlacedSMS:
            "{{#shop}}{{{shop}}}: {{/shop}}Commande {{{ref}}} ({{{typeName}}}) non passee: aucune carte achetee. La boutique va la repasser ou vous contactera."
    )
}
