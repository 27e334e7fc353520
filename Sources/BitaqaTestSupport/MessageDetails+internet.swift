import AsyncHTTPClient
import BitaqaCore
import Messaging

// Tests of the messages build an internet top-up's details from its card type; production asks the
// order's product line (``InternetTopups``) for the product's name, its steps and its wording.

extension CardDetails {
    /// An internet top-up card's details, named and explained as the internet line does.
    public init(
        topupId: TopupID, code: CardCode, transactionNumber: String?, processedDate: String?, type: CardType?,
        number: String?, value: Int?, locale: CustomerLocale
    ) {
        self.init(
            topupId: topupId, code: code, transactionNumber: transactionNumber, processedDate: processedDate,
            product: type?.rawValue ?? "ADSL/4G", number: number, value: value, locale: locale,
            steps: UsageInstructions.steps(for: type, locale: locale), wording: .internetTopups)
    }
}

extension OrderFacts {
    /// An internet top-up's facts, named as the internet line does.
    public init(topupId: TopupID, type: CardType?, number: String?, locale: CustomerLocale) {
        self.init(
            topupId: topupId, product: type?.rawValue ?? "ADSL/4G", number: number, locale: locale,
            wording: .internetTopups)
    }
}

extension SMSChannel {
    /// A channel with an HTTP client of its own, which ``shutdown()`` closes; the service hands the
    /// channel one that the application owns.
    public convenience init(baseURL: String, accountSID: String, authToken: Secret, sender: String) {
        self.init(
            baseURL: baseURL, accountSID: accountSID, authToken: authToken, sender: sender,
            http: SMSChannel.makeHTTPClient(), timeout: .seconds(15))
    }

    /// Closes the HTTP client that the convenience initialiser made.
    public func shutdown() async {
        try? await http.shutdown()
    }
}
