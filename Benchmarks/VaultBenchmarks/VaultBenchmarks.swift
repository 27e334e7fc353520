import Benchmark
import BitaqaCore
import CardVault
import Crypto
import Foundation

// Seal and open through the vault next to bare swift-crypto AES-GCM on the same input, as
// ordo-one/benchmark measures them (throughput, wall clock, allocations). The ratio of each pair is
// the vault's overhead; `scripts/bench micro` runs these and checks them against the stored baseline.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 1_000,
        thresholds: [.throughput: .init(relative: [.p50: 20]), .wallClock: .init(relative: [.p50: 20])]
    )
    let code = CardCode("123456789012")
    let topup = TopupID("6740a1b2c3d4e5f6a7b8c9d0")!
    let user = UserID("user-000042")!
    let keyBytes = SecretBytes.random(count: 32)
    let vault = try! CardVault(keyRing: KeyRing(keys: [keyBytes]))
    let key = SymmetricKey(data: keyBytes.unsafeBytes)
    let plain = code.utf8Bytes
    // Associated data of the vault's size, so the pair differs only by the vault's own work.
    let aad = [UInt8](repeating: 7, count: 11 + 1 + 8 + 4 + topup.rawValue.utf8.count + 4 + user.rawValue.utf8.count)
    let sealedBlob = try! vault.seal(code, topupId: topup, userId: user).bytes
    let stored = Array(try! AES.GCM.seal(plain, using: key, nonce: AES.GCM.Nonce(), authenticating: aad).combined!)

    Benchmark("bare AES-GCM seal") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try AES.GCM.seal(plain, using: key, nonce: AES.GCM.Nonce(), authenticating: aad))
        }
    }
    Benchmark("vault seal") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try vault.seal(code, topupId: topup, userId: user))
        }
    }
    Benchmark("bare AES-GCM open (from stored bytes)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try AES.GCM.open(AES.GCM.SealedBox(combined: stored), using: key, authenticating: aad))
        }
    }
    Benchmark("vault open") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try vault.open(sealedBlob, topupId: topup, userId: user))
        }
    }
}
