import BitaqaCore
import CardVault
import Crypto
import Foundation

/// `bitaqa-bench vault`: seal and open per second through the vault,
/// next to swift-crypto's bare AES-GCM on the same input in the same run, interleaved round by round
/// so that both see the same machine noise; and, in the same rounds, what a buyer's sealed contacts
/// cost an order: at registration (both sealed and indexed) and on every read of its row (both opened).
/// Prints Markdown tables.
struct VaultBenchmark {
    let iterations: Int
    let rounds: Int
    let code = CardCode("123456789012")
    let topup = TopupID("6740a1b2c3d4e5f6a7b8c9d0")!
    let user = UserID("user-000042")!
    let keyBytes = SecretBytes.random(count: 32)
    let email = "buyer-000042@example.com"
    let phone = "+213550000042"

    func run() throws {
        let vault = CardVault(keyRing: try KeyRing(keys: [keyBytes]))
        let key = SymmetricKey(data: keyBytes.unsafeBytes)
        let plain = code.utf8Bytes
        // The bare primitive gets associated data of the vault's size, so only the vault's own work differs.
        let aad = [UInt8](
            repeating: 7, count: 11 + 1 + 8 + 4 + topup.rawValue.utf8.count + 4 + user.rawValue.utf8.count)
        let sealedBlob = try vault.seal(code, topupId: topup, userId: user).bytes
        let bareBox = try AES.GCM.seal(plain, using: key, nonce: AES.GCM.Nonce(), authenticating: aad)
        let storedCombined = Array(bareBox.combined!)
        let contacts = ContactSeal(ring: try KeyRing(keys: [keyBytes]))
        let orderKey = topup.rawValue
        let sealedEmail = try contacts.seal(email, field: .email, orderKey: orderKey, userId: user)
        let sealedPhone = try contacts.seal(phone, field: .phone, orderKey: orderKey, userId: user)

        var results: [String: [Double]] = [:]
        var sink = 0
        for _ in 0..<rounds {
            results["bare seal", default: []].append(
                try rate {
                    let box = try AES.GCM.seal(plain, using: key, nonce: AES.GCM.Nonce(), authenticating: aad)
                    sink &+= box.tag.count
                })
            results["vault seal", default: []].append(
                try rate {
                    sink &+= try vault.seal(code, topupId: topup, userId: user).bytes.count
                })
            results["bare open", default: []].append(
                try rate {
                    sink &+= try AES.GCM.open(bareBox, using: key, authenticating: aad).count
                })
            results["bare open from stored bytes", default: []].append(
                try rate {
                    let box = try AES.GCM.SealedBox(combined: storedCombined)
                    sink &+= try AES.GCM.open(box, using: key, authenticating: aad).count
                })
            results["vault open", default: []].append(
                try rate {
                    sink &+= try vault.open(sealedBlob, topupId: topup, userId: user).utf8Bytes.count
                })
            // What `ContactColumns.init` does for a registration with both contacts.
            results["contacts sealed", default: []].append(
                try rate {
                    sink &+= try contacts.seal(email, field: .email, orderKey: orderKey, userId: user).count
                    sink &+= try contacts.seal(phone, field: .phone, orderKey: orderKey, userId: user).count
                    sink &+= contacts.index(email, field: .email)?.utf8.count ?? 0
                    sink &+= contacts.index(phone, field: .phone)?.utf8.count ?? 0
                })
            results["contacts indexed", default: []].append(
                try rate {
                    sink &+= contacts.index(email, field: .email)?.utf8.count ?? 0
                    sink &+= contacts.index(phone, field: .phone)?.utf8.count ?? 0
                })
            // What `ContactColumns.read` does for every order row the store reads.
            results["contacts opened", default: []].append(
                try rate {
                    sink &+= try contacts.open(sealedEmail, field: .email, orderKey: orderKey, userId: user).utf8.count
                    sink &+= try contacts.open(sealedPhone, field: .phone, orderKey: orderKey, userId: user).utf8.count
                })
        }
        let median = results.mapValues { values in values.sorted()[values.count / 2] }
        print("| operation | bare swift-crypto (ops/s) | vault (ops/s) | vault cost over bare |")
        print("| --- | ---: | ---: | ---: |")
        for operation in ["seal", "open"] {
            let bare = median["bare \(operation)"]!
            let wrapped = median["vault \(operation)"]!
            print(
                String(format: "| %@ | %.0f | %.0f | %+.1f%% |", operation, bare, wrapped, (bare / wrapped - 1) * 100))
        }
        print(
            String(
                format:
                    "\nFor scale: bare open starting from stored bytes (SealedBox(combined:) first) runs at %.0f ops/s.",
                median["bare open from stored bytes"]!))
        // In µs per order, beside one card's seal or open, the unit the card path already pays.
        func micros(_ name: String) -> Double { 1_000_000 / median[name]! }
        print("\n| buyer's contacts (email and phone) | per order (µs) | orders/s | against one card |")
        print("| --- | ---: | ---: | ---: |")
        for (label, name, card) in [
            ("registration: both sealed and indexed", "contacts sealed", "vault seal"),
            ("of which the two index HMACs", "contacts indexed", "vault seal"),
            ("each order row read: both opened", "contacts opened", "vault open"),
        ] {
            print(
                String(
                    format: "| %@ | %.2f | %.0f | %.1f× a card %@ |", label, micros(name), median[name]!,
                    micros(name) / micros(card), card == "vault seal" ? "seal" : "open"))
        }
        print(
            "\n\(iterations) operations per measurement, median of \(rounds) interleaved rounds (checksum \(sink % 10))."
        )
    }

    private func rate(_ body: () throws -> Void) throws -> Double {
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for _ in 0..<iterations { try body() }
        }
        return Double(iterations) / (elapsed / .seconds(1))
    }
}
