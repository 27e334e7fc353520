import BitaqaCore

/// The upstream's internet top-up calls, as the domain uses them; `OneClickDZ` implements it over
/// HTTP, and the domain's tests use an in-memory double.
public protocol InternetUpstream: Sendable {
    /// The catalogue of one card type: values, costs, availability.
    func products(_ type: CardType) async throws(UpstreamError) -> [Product]
    /// What the upstream knows of a line, before a top-up is placed on it.
    func checkNumber(_ type: CardType, number: String) async throws(UpstreamError) -> NumberCheck
    /// Places a top-up.
    func send(_ request: SendRequest) async throws(UpstreamError) -> SendResult
    /// A top-up by the upstream's id.
    func checkID(_ topupId: String) async throws(UpstreamError) -> TopupStatus
    /// A top-up by our reference.
    func checkRef(_ ref: String) async throws(UpstreamError) -> TopupStatus
    /// One page of the account's top-ups, newest first, created between `from` and `to` (milliseconds).
    func list(from: Int64?, to: Int64?, page: Int, pageSize: Int) async throws(UpstreamError) -> TopupPage
}

/// The upstream account itself: its key and its balance.
public protocol AccountUpstream: Sendable {
    /// What the key is (`SANDBOX` or `PRODUCTION`) and may do.
    func validate() async throws(UpstreamError) -> KeyInfo
    /// The account's balance in DZD.
    func balance() async throws(UpstreamError) -> Double
}
