/// The schema, as a list of migrations.
///
/// Times are milliseconds since 1970 in `BIGINT` columns, the same on both databases.
/// Columns that later features fill (sealed card, leases, delivery outcomes) exist from the start so
/// the first schema already has the shape of the whole pipeline.
enum Schema {
    static let migrations: [Migration] = [
        Migration(version: 1, name: "orders, deliveries and audit trail") { kind in
            let blob = kind == .postgres ? "BYTEA" : "BLOB"
            return [
                """
                CREATE TABLE orders (
                    topup_id TEXT PRIMARY KEY,
                    topup_ref TEXT,
                    user_id TEXT NOT NULL,
                    card_type TEXT,
                    number TEXT,
                    value INTEGER,
                    email TEXT,
                    phone TEXT,
                    locale TEXT NOT NULL,
                    channels TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    status TEXT NOT NULL,
                    sealed_card \(blob),
                    card_key_id TEXT,
                    transaction_number TEXT,
                    processed_date TEXT,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    next_check_at BIGINT,
                    check_count INTEGER NOT NULL DEFAULT 0,
                    lease_owner TEXT,
                    lease_until BIGINT
                )
                """,
                "CREATE INDEX orders_next_check ON orders (next_check_at) WHERE next_check_at IS NOT NULL",
                "CREATE INDEX orders_user ON orders (user_id, created_at)",
                "CREATE UNIQUE INDEX orders_ref ON orders (topup_ref) WHERE topup_ref IS NOT NULL",
                """
                CREATE TABLE deliveries (
                    id TEXT PRIMARY KEY,
                    topup_id TEXT NOT NULL REFERENCES orders (topup_id),
                    channel TEXT NOT NULL,
                    purpose TEXT NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT,
                    provider_message_id TEXT,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    delivered_at BIGINT,
                    next_attempt_at BIGINT,
                    lease_owner TEXT,
                    lease_until BIGINT
                )
                """,
                "CREATE INDEX deliveries_order ON deliveries (topup_id)",
                "CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE next_attempt_at IS NOT NULL",
                """
                CREATE TABLE audit_events (
                    seq BIGINT PRIMARY KEY,
                    at BIGINT NOT NULL,
                    kind TEXT NOT NULL,
                    topup_id TEXT,
                    actor TEXT,
                    request_id TEXT,
                    details TEXT NOT NULL,
                    prev_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                )
                """,
                "CREATE INDEX audit_events_order ON audit_events (topup_id, seq)",
            ] + appendOnly(kind)
        },
        Migration(version: 2, name: "fulfilment time and delivery lookups") { _ in
            [
                "ALTER TABLE orders ADD COLUMN fulfilled_at BIGINT",
                "ALTER TABLE orders ADD COLUMN last_check_error TEXT",
                "CREATE INDEX deliveries_order_channel ON deliveries (topup_id, channel, purpose)",
            ]
        },
        Migration(version: 3, name: "rate limit events") { _ in
            [
                "CREATE TABLE rate_events (bucket TEXT NOT NULL, at BIGINT NOT NULL)",
                "CREATE INDEX rate_events_bucket ON rate_events (bucket, at)",
            ]
        },
        // The MAC over an order's contacts and channels, made at registration under a key derived from
        // the key ring: someone who can write the database but holds no key cannot redirect a card.
        Migration(version: 4, name: "contact binding") { _ in
            [
                "ALTER TABLE orders ADD COLUMN contact_mac TEXT",
                "ALTER TABLE orders ADD COLUMN contact_key_id TEXT",
            ]
        },
        // Each event's hash, authenticated with a key derived from the key ring: without the key, no
        // event can be rewritten, even after the newest checkpoint.
        Migration(version: 5, name: "keyed audit chain") { _ in
            [
                "ALTER TABLE audit_events ADD COLUMN mac TEXT",
                "ALTER TABLE audit_events ADD COLUMN mac_key_id TEXT",
            ]
        },
        // When the upstream was last asked about an order (on a schedule, from the list, or on demand), so
        // a buyer's or merchant's look checks again only when the last answer is old; and a window of
        // creation times for reconciliation.
        Migration(version: 6, name: "last check and creation window") { _ in
            [
                "ALTER TABLE orders ADD COLUMN last_checked_at BIGINT",
                "CREATE INDEX orders_created ON orders (created_at)",
            ]
        },
        // The webhook outbox: each message is written in the transaction of the change it reports, and
        // sent (and retried) from here, so none is lost to a crash.
        Migration(version: 7, name: "webhook outbox") { _ in
            [
                """
                CREATE TABLE webhook_messages (
                    id TEXT PRIMARY KEY,
                    type TEXT NOT NULL,
                    topup_id TEXT,
                    body TEXT NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_status INTEGER,
                    last_error TEXT,
                    created_at BIGINT NOT NULL,
                    next_attempt_at BIGINT,
                    delivered_at BIGINT,
                    lease_owner TEXT,
                    lease_until BIGINT
                )
                """,
                "CREATE INDEX webhook_messages_due ON webhook_messages (next_attempt_at) WHERE next_attempt_at IS NOT NULL",
                "CREATE INDEX webhook_messages_state ON webhook_messages (state, created_at)",
                "ALTER TABLE orders ADD COLUMN stuck_notified_at BIGINT",
            ]
        },
        // Operator alerts: each condition's state and what was last emailed about it, and the alert
        // emails waiting to be sent (an outbox, like the webhooks').
        Migration(version: 8, name: "operator alerts") { _ in
            [
                """
                CREATE TABLE alert_conditions (
                    name TEXT PRIMARY KEY,
                    active INTEGER NOT NULL,
                    changed_at BIGINT NOT NULL,
                    emailed_active INTEGER NOT NULL DEFAULT 0,
                    emailed_at BIGINT
                )
                """,
                """
                CREATE TABLE alert_emails (
                    id TEXT PRIMARY KEY,
                    condition_name TEXT NOT NULL,
                    active INTEGER NOT NULL,
                    detail TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT,
                    next_attempt_at BIGINT,
                    lease_owner TEXT,
                    lease_until BIGINT
                )
                """,
                "CREATE INDEX alert_emails_due ON alert_emails (next_attempt_at) WHERE next_attempt_at IS NOT NULL",
            ]
        },
        // The merchant's order list: newest first by (created_at, topup_id) with a keyset cursor, and an
        // index for each filter and each field a search matches, so no page is an OFFSET scan.
        Migration(version: 9, name: "order list indexes") { _ in
            [
                "CREATE INDEX orders_newest ON orders (created_at, topup_id)",
                "CREATE INDEX orders_status_newest ON orders (status, created_at, topup_id)",
                "CREATE INDEX orders_number ON orders (number)",
                "CREATE INDEX orders_email ON orders (email)",
                "CREATE INDEX orders_phone ON orders (phone)",
                "CREATE INDEX deliveries_state_order ON deliveries (state, purpose, topup_id)",
            ]
        },
        // Console sessions, server-side: the cookie holds a random id, the table only its SHA-256, so
        // someone who reads the database cannot sign in with what they read.
        Migration(version: 10, name: "console sessions") { _ in
            [
                """
                CREATE TABLE console_sessions (
                    id_hash TEXT PRIMARY KEY,
                    csrf TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    ended_at BIGINT
                )
                """
            ]
        },
        // One row per running `serve`, refreshed by its heartbeat: a claim whose owner's row went stale is
        // taken back within seconds instead of waiting out its lease.
        Migration(version: 11, name: "worker heartbeats") { _ in
            [
                """
                CREATE TABLE workers (
                    id TEXT PRIMARY KEY,
                    started_at BIGINT NOT NULL,
                    heartbeat_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX orders_lease_owner ON orders (lease_owner) WHERE lease_owner IS NOT NULL",
                "CREATE INDEX deliveries_lease_owner ON deliveries (lease_owner) WHERE lease_owner IS NOT NULL",
            ]
        },
        // When tracking last (re)started, for an order an operator brought back from UNKNOWN_UPSTREAM;
        // NULL means since it was registered.
        Migration(version: 12, name: "tracking restarts") { _ in
            ["ALTER TABLE orders ADD COLUMN tracked_since BIGINT"]
        },
        // One turn in the queue of a cross-process lock, bounded on the server (see `Transaction.lock`).
        // The exception block is a subtransaction of its own, so a turn that ends without the lock
        // leaves the caller's transaction as it was, setting included; SQLite needs no such locks.
        Migration(version: 13, name: "bounded lock turns") { kind in
            guard kind == .postgres else { return [] }
            return [
                """
                CREATE FUNCTION bitaqa_lock_turn(lock_key BIGINT, patience TEXT) RETURNS BOOLEAN LANGUAGE plpgsql AS $$
                DECLARE
                    previous TEXT := current_setting('lock_timeout');
                BEGIN
                    PERFORM set_config('lock_timeout', patience, true);
                    PERFORM pg_advisory_xact_lock(lock_key);
                    PERFORM set_config('lock_timeout', previous, true);
                    RETURN true;
                EXCEPTION WHEN lock_not_available THEN
                    RETURN false;
                END $$
                """
            ]
        },
        // Webhook messages carry a MAC from the moment they are queued; console sessions are keyed, so
        // the unkeyed ones of earlier versions end here (they would no longer open anyway).
        Migration(version: 14, name: "keyed webhook messages and console sessions") { _ in
            [
                "ALTER TABLE webhook_messages ADD COLUMN mac TEXT",
                "ALTER TABLE webhook_messages ADD COLUMN mac_key_id TEXT",
                "UPDATE console_sessions SET ended_at = created_at WHERE ended_at IS NULL",
            ]
        },
        // Alert emails carry a MAC over what they say, so a row written in the database alone mails nothing.
        Migration(version: 15, name: "keyed alert emails") { _ in
            [
                "ALTER TABLE alert_emails ADD COLUMN mac TEXT",
                "ALTER TABLE alert_emails ADD COLUMN mac_key_id TEXT",
            ]
        },
        // Staff members: the token's HMAC (never the token) and a MAC over the row; console sessions name
        // the member who opened them, bound by a MAC. Sessions of earlier versions carry no such MAC, so
        // they end here (they would no longer open anyway).
        Migration(version: 16, name: "staff members") { _ in
            [
                """
                CREATE TABLE staff (
                    name TEXT PRIMARY KEY,
                    role TEXT NOT NULL,
                    token_hash TEXT NOT NULL,
                    key_id TEXT NOT NULL,
                    mac TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE UNIQUE INDEX staff_token_hash ON staff (token_hash)",
                "ALTER TABLE console_sessions ADD COLUMN member TEXT",
                "ALTER TABLE console_sessions ADD COLUMN member_mac TEXT",
                "CREATE INDEX console_sessions_member ON console_sessions (member) WHERE member IS NOT NULL",
                "UPDATE console_sessions SET ended_at = created_at WHERE ended_at IS NULL",
            ]
        },
        // When an order became QUEUED, and when its buyer was told the card is delayed: one notice each.
        Migration(version: 17, name: "delay notices") { _ in
            [
                "ALTER TABLE orders ADD COLUMN queued_at BIGINT",
                "ALTER TABLE orders ADD COLUMN delay_noticed_at BIGINT",
                "CREATE INDEX orders_delay_notice ON orders (status, queued_at)",
            ]
        },
        // The console's and the API's search: a transaction number a buyer quotes, and an email in any case.
        Migration(version: 18, name: "search by transaction number and email in any case") { _ in
            [
                "CREATE INDEX orders_transaction_number ON orders (transaction_number)",
                "CREATE INDEX orders_email_lower ON orders (lower(email))",
            ]
        },
        // The shop's notes on an order: for its people, never in a buyer's message.
        Migration(version: 19, name: "order notes") { _ in
            [
                """
                CREATE TABLE order_notes (
                    id TEXT PRIMARY KEY,
                    topup_id TEXT NOT NULL REFERENCES orders (topup_id),
                    author TEXT NOT NULL,
                    body TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX order_notes_order ON order_notes (topup_id, created_at)",
            ]
        },
        // The upstream balance as the account monitor read it, for the console's history (30 days kept).
        Migration(version: 20, name: "balance history") { _ in
            ["CREATE TABLE balance_readings (at BIGINT PRIMARY KEY, balance DOUBLE PRECISION NOT NULL)"]
        },
        // Gift cards share the orders table (deliveries, webhooks, notes and the trail hang on its rows);
        // what only they have is beside it. Their checks are scheduled here, never by `orders.next_check_at`,
        // so the top-up tracker never claims one.
        Migration(version: 21, name: "gift-card orders") { kind in
            let blob = kind == .postgres ? "BYTEA" : "BLOB"
            return [
                "ALTER TABLE orders ADD COLUMN product_line TEXT NOT NULL DEFAULT 'internet'",
                """
                CREATE TABLE gift_card_orders (
                    ref TEXT PRIMARY KEY,
                    order_key TEXT NOT NULL UNIQUE REFERENCES orders (topup_id),
                    order_id TEXT,
                    product_id TEXT NOT NULL,
                    product_title TEXT NOT NULL,
                    type_id TEXT NOT NULL,
                    type_name TEXT NOT NULL,
                    quantity INTEGER NOT NULL,
                    fulfilled_quantity INTEGER,
                    price_per_card DOUBLE PRECISION,
                    place_attempted_at BIGINT,
                    next_check_at BIGINT,
                    check_count INTEGER NOT NULL DEFAULT 0,
                    candidates TEXT
                )
                """,
                "CREATE UNIQUE INDEX gift_card_orders_order_id ON gift_card_orders (order_id) WHERE order_id IS NOT NULL",
                "CREATE INDEX gift_card_orders_due ON gift_card_orders (next_check_at) WHERE next_check_at IS NOT NULL",
                """
                CREATE TABLE gift_cards (
                    ref TEXT NOT NULL REFERENCES gift_card_orders (ref),
                    position INTEGER NOT NULL,
                    sealed_code \(blob) NOT NULL,
                    sealed_serial \(blob),
                    key_id TEXT NOT NULL,
                    PRIMARY KEY (ref, position)
                )
                """,
            ]
        },
        // The MAC that binds a gift-card order to its upstream orderId (see `ContactBinder+giftCards`).
        Migration(version: 22, name: "gift-card order binding") { _ in
            [
                "ALTER TABLE gift_card_orders ADD COLUMN order_mac TEXT",
                "ALTER TABLE gift_card_orders ADD COLUMN order_mac_key_id TEXT",
            ]
        },
        // Buyers' contacts sealed like cards, found by a keyed index, erased after their retention. The
        // clear `email` and `phone` columns stay for rows written before, until `keys rotate` (or the
        // server's contact upkeep) seals them.
        Migration(version: 23, name: "sealed contacts") { kind in
            let blob = kind == .postgres ? "BYTEA" : "BLOB"
            return [
                "ALTER TABLE orders ADD COLUMN sealed_email \(blob)",
                "ALTER TABLE orders ADD COLUMN sealed_phone \(blob)",
                "ALTER TABLE orders ADD COLUMN contact_seal_key_id TEXT",
                "ALTER TABLE orders ADD COLUMN email_index TEXT",
                "ALTER TABLE orders ADD COLUMN phone_index TEXT",
                "ALTER TABLE orders ADD COLUMN contacts_erased_at BIGINT",
                "CREATE INDEX orders_email_index ON orders (email_index)",
                "CREATE INDEX orders_phone_index ON orders (phone_index)",
                "CREATE INDEX orders_contacts_held ON orders (updated_at) WHERE \(ContactColumns.held)",
                "CREATE INDEX orders_contacts_clear ON orders (topup_id) WHERE \(ContactColumns.inClear)",
            ]
        },
        // The rate limiter trims events older than its longest window; without this index each trim read
        // the whole table (tens of thousands of rows after a minute under load) on the writer.
        Migration(version: 24, name: "rate events by time") { _ in
            ["CREATE INDEX rate_events_at ON rate_events (at)"]
        },
    ]

    /// Triggers that make the audit trail refuse updates and deletes at the database itself.
    private static func appendOnly(_ kind: Store.Kind) -> [String] {
        switch kind {
        case .sqlite:
            return ["UPDATE", "DELETE"].map { operation in
                """
                CREATE TRIGGER audit_events_no_\(operation.lowercased()) BEFORE \(operation) ON audit_events
                BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END
                """
            }
        case .postgres:
            return [
                """
                CREATE FUNCTION bitaqa_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$
                """,
                """
                CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
                FOR EACH ROW EXECUTE FUNCTION bitaqa_audit_append_only()
                """,
                """
                CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
                FOR EACH STATEMENT EXECUTE FUNCTION bitaqa_audit_append_only()
                """,
            ]
        }
    }
}
