import Audit
import CardVault

extension CheckpointKeys {
    /// Checkpoint MAC keys derived (HKDF) from every key of the ring; the active key signs.
    public init(ring: KeyRing) {
        self.init(ring.derivedKeys(purpose: "audit-checkpoint").map { ($0.id.hex, $0.key) })
    }
}
