import Logging
import ServiceLifecycle

/// The application's long-running services and the resources they use, as one service.
///
/// The services run in a group of their own in which any of them failing stops the others gracefully
/// and in reverse order; the resources are closed only after the last service has returned, however
/// the group ended (graceful shutdown, a failure, or cancellation when the HTTP server could not
/// start). That order is what makes a stop clean: the checkpoint service writes its last checkpoint
/// while the database is still open, and no HTTP client is left to trap in its deinit.
struct OwnedServices: Service {
    let services: [any Service]
    let resources: Resources
    let logger: Logger

    func run() async throws {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map {
                    .init(
                        service: $0, successTerminationBehavior: .gracefullyShutdownGroup,
                        failureTerminationBehavior: .gracefullyShutdownGroup)
                },
                logger: logger
            )
        )
        do {
            try await withThrowingTaskGroup(of: Bool.self) { tasks in
                tasks.addTask {
                    try await group.run()
                    return true
                }
                // The enclosing group's graceful shutdown is passed on to the inner group.
                tasks.addTask {
                    try? await gracefulShutdown()
                    await group.triggerGracefulShutdown()
                    return false
                }
                while let groupFinished = try await tasks.next() {
                    if groupFinished { tasks.cancelAll() }
                }
            }
        } catch {
            await resources.closeAll(logger: logger)
            throw error
        }
        await resources.closeAll(logger: logger)
    }
}
