import Logging
import ServiceLifecycle

/// The loop of the tracker and the deliverer: run passes until graceful shutdown, resting when a pass
/// found nothing to do. A failed pass is logged and the loop goes on; the rows it held come back when
/// their leases expire.
enum WorkLoop {
    /// - Parameter rest: how long to rest after a pass that found nothing; `wake` cuts the rest short.
    static func run(
        name: String, logger: Logger, wake: WorkSignal? = nil, rest: () async -> Duration, pass: () async throws -> Int
    ) async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let handled: Int
            do {
                handled = try await pass()
            } catch {
                logger.warning("\(name) pass failed", metadata: ["error.type": "\(type(of: error))"])
                handled = 0
            }
            if handled == 0 {
                let idle = await rest()
                try? await cancelWhenGracefulShutdown {
                    if let wake { try await wake.rest(upTo: idle) } else { try await Task.sleep(for: idle) }
                }
            }
        }
    }
}

extension WorkLoop {
    /// Runs `body` every `interval` until graceful shutdown; a failure is logged and the loop goes on.
    static func every(_ interval: Duration, name: String, logger: Logger, _ body: () async throws -> Void) async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await body()
            } catch {
                logger.warning("\(name) failed", metadata: ["error.type": "\(type(of: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// Runs `body` for every item, at most `limit` at a time, and returns when all are done.
    static func forEach<Item: Sendable>(_ items: [Item], limit: Int, _ body: @escaping @Sendable (Item) async -> Void)
        async
    {
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for item in items {
                if running >= limit {
                    await group.next()
                    running -= 1
                }
                group.addTask { await body(item) }
                running += 1
            }
        }
    }
}
