import Foundation
import JWTKit

/// Customer tokens as a merchant's backend would sign them (HS256, `sub` and `exp`), for tests that
/// talk to a `serve` process configured with the same secret.
enum CustomerToken {
    struct Claims: JWTPayload {
        var sub: SubjectClaim
        var exp: ExpirationClaim
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    static func hs256(subject: String, secret: String, expiresIn: TimeInterval = 3_600) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        return try await keys.sign(
            Claims(sub: .init(value: subject), exp: .init(value: Date().addingTimeInterval(expiresIn))))
    }
}
