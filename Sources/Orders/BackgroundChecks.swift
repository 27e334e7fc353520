import ServiceLifecycle
import Synchronization

/// The checks a look at an order starts (``OnDemandCheck``) and does not wait for, run inside a
/// service of the application rather than as loose tasks: on a graceful stop it takes no new check,
/// finishes the ones in flight, and returns, so no check outlives the database it writes to.
public final class BackgroundChecks: Service, Sendable {
    private let jobs: AsyncStream<@Sendable () async -> Void>
    private let submit: AsyncStream<@Sendable () async -> Void>.Continuation

    public init() {
        (jobs, submit) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
    }

    /// Runs `work` in the service; false when the service has stopped (or never ran and was closed),
    /// and the work will not run.
    @discardableResult
    func run(_ work: @escaping @Sendable () async -> Void) -> Bool {
        if case .enqueued = submit.yield(work) { return true }
        return false
    }

    public func run() async throws {
        // Not `cancelOnGracefulShutdown()`: finishing the stream lets the checks in flight end.
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await job in jobs {
                    group.addTask { await job() }
                }
            }
        } onGracefulShutdown: {
            self.submit.finish()
        }
    }
}
