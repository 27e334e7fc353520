import ServiceLifecycle
import Storage

/// Keeps the database pool open while the service group runs and closes it after graceful shutdown,
/// once the HTTP server (started later, stopped earlier) has finished its last request.
struct StoreService: Service {
    let store: Store

    func run() async throws {
        try? await gracefulShutdown()
        await store.shutdown()
    }
}
