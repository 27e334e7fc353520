import CardVault

/// MACs of alert emails, under keys derived from the key ring: the mailer sends only what the monitor
/// wrote, so a row inserted in the database cannot mail the operator a text of its author's choice.
public struct AlertEmailKeys: Sendable {
    let keys: RowKeys

    public init(ring: KeyRing) {
        keys = RowKeys(ring: ring, purpose: "alert-email")
    }

    /// The MAC of an alert email with this content, under the active key. The detail is the stored one
    /// (cut to 500 characters).
    func mac(condition: String, active: Bool, detail: String, createdAt: Int64) -> RowMAC {
        keys.mac(Self.fields(condition: condition, active: active, detail: String(detail.prefix(500)), at: createdAt))
    }

    func isAuthentic(_ email: AlertEmailRecord) -> Bool {
        keys.verifies(
            email.mac, keyID: email.macKeyID,
            Self.fields(condition: email.condition, active: email.active, detail: email.detail, at: email.createdAt))
    }

    static func fields(condition: String, active: Bool, detail: String, at: Int64) -> [String] {
        ["bitaqa-alert-v1", condition, active ? "1" : "0", detail, String(at)]
    }
}
