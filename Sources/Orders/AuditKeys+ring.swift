import Audit
import CardVault

extension AuditKeys {
    /// Audit chain MAC keys derived (HKDF) from every key of the ring; the active key signs.
    public init(ring: KeyRing) {
        self.init(ring.derivedKeys(purpose: "audit-chain").map { ($0.id.hex, $0.key) })
    }
}
