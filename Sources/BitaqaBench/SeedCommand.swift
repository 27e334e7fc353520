import BitaqaCore
import CardVault
import Crypto
import Foundation
import Logging
import SQLKit
import Storage

/// `bitaqa-bench seed`: fills a database with fulfilled orders, each with a card sealed by the real
/// vault and its buyer's email and phone sealed and indexed as `serve` stores them, so the card API and
/// the order list can be measured against a table of any size without going through the upstream.
/// Writes `--targets FILE`: one line per sampled order, `topupId<TAB>jwt`, the orders spread evenly over
/// the table, for the load generator to pick from.
///
/// Order `n` is `user-n`'s, with phone `+2135` and `n` in 8 digits and email `buyer-n@example.com`; the
/// benchmarks search for them.
struct SeedCommand {
    let location: DatabaseLocation
    let orders: Int
    let key: SecretBytes
    let jwtSecret: String
    let targets: String
    let sampleCount: Int

    static let batch = 500

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let store = try await Store.open(location, logger: logger)
        try await Migrator(store: store, logger: logger).migrate()
        let ring = try KeyRing(keys: [key])
        let vault = CardVault(keyRing: ring)
        // The ring `serve` is started with (`ENCRYPTION_KEY`), so it opens and finds these contacts.
        let contacts = ContactSeal(ring: ring)
        // Settled orders keep their contacts for the retention (180 days by default) after their last
        // change: dated a month ago, none is erased by `serve`'s retention pass while it is measured.
        let dayMillis: Int64 = 86_400_000
        let base = (Int64(Date().timeIntervalSince1970 * 1_000) / dayMillis - 30) * dayMillis
        let existing =
            try await store.sql.raw("SELECT COUNT(*) AS n FROM orders").first()?.decode(column: "n", as: Int.self) ?? 0
        let started = ContinuousClock.now
        var index = existing
        while index < orders {
            let upper = min(orders, index + Self.batch)
            var rows: [SQLQueryString] = []
            for number in index..<upper {
                let topup = TopupID(Self.topupID(number))!
                let user = UserID("user-\(number)")!
                let sealed = try vault.seal(CardCode(String(format: "%012d", number)), topupId: topup, userId: user)
                let now = base + Int64(number)
                let orderKey = topup.rawValue
                let email = "buyer-\(number)@example.com"
                let phone = String(format: "+2135%08d", number)
                // What `ContactColumns` writes at registration: the sealed values and their index, no
                // contact in clear.
                let sealedEmail = try contacts.seal(email, field: .email, orderKey: orderKey, userId: user)
                let sealedPhone = try contacts.seal(phone, field: .phone, orderKey: orderKey, userId: user)
                rows.append(
                    """
                    (\(bind: topup.rawValue), \(bind: "seed-\(number)"), \(bind: user.rawValue), 'ADSL', '036000000', 500, 'fr', '',
                     \(bind: Data(sealedEmail)), \(bind: Data(sealedPhone)), \(bind: contacts.activeKeyID),
                     \(bind: contacts.index(email, field: .email)), \(bind: contacts.index(phone, field: .phone)),
                     'seed', \(bind: OrderStatus.fulfilled.rawValue), \(bind: Data(sealed.bytes)), \(bind: sealed.keyID.hex),
                     \(bind: "AT-2026-\(number % 100_000)"), '2026-11-29 10:00:00', \(bind: now), \(bind: now), \(bind: now), 1)
                    """)
            }
            let values = rows.joined(separator: ",")
            try await store.sql.raw(
                """
                INSERT INTO orders (topup_id, topup_ref, user_id, card_type, number, value, locale, channels, sealed_email,
                    sealed_phone, contact_seal_key_id, email_index, phone_index, fingerprint,
                    status, sealed_card, card_key_id, transaction_number, processed_date, created_at, updated_at, fulfilled_at,
                    check_count) VALUES \(values)
                """
            ).run()
            index = upper
            if index % 100_000 == 0 || index == orders {
                FileHandle.standardError.write(Data("seeded \(index) of \(orders) orders\n".utf8))
            }
        }
        let elapsed = ContinuousClock.now - started
        if location.isPostgres { try await store.sql.raw("ANALYZE orders").run() }
        await store.shutdown()

        let step = max(1, orders / sampleCount)
        var lines: [String] = []
        for number in stride(from: 0, to: orders, by: step).prefix(sampleCount) {
            lines.append("\(Self.topupID(number))\t\(try Self.jwt(subject: "user-\(number)", secret: jwtSecret))")
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: targets, atomically: true, encoding: .utf8)
        print(
            "seeded \(orders - existing) orders (table now \(orders)) in \(elapsed); \(lines.count) targets in \(targets)"
        )
    }

    /// 24 hex digits, the upstream's id shape.
    static func topupID(_ number: Int) -> String { String(format: "%024x", number) }

    /// An HS256 token valid for a day, as a merchant's backend would sign it.
    static func jwt(subject: String, secret: String) throws -> String {
        func encode(_ data: Data) -> String {
            data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let header = encode(Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let expiry = Int(Date().timeIntervalSince1970) + 86_400
        let payload = encode(Data(#"{"sub":"\#(subject)","exp":\#(expiry)}"#.utf8))
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("\(header).\(payload)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "\(header).\(payload).\(encode(Data(mac)))"
    }
}

extension DatabaseLocation {
    var isPostgres: Bool {
        if case .postgres = self { return true }
        return false
    }
}
