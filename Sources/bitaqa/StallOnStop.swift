#if DEBUG
    import Foundation
    import NIOCore
    import NIOPosix
    import ServiceLifecycle

    /// Debug builds only (release builds do not contain it): with `BITAQA_DEBUG_STALL_ON_STOP=1`, the
    /// graceful stop blocks every event loop for good, as the `merge` deadlock of issue 28 did, so that a
    /// test can show the stop watcher (``StopSignals``) ends the process anyway.
    struct StallOnStop: Service {
        static var requested: Bool { ProcessInfo.processInfo.environment["BITAQA_DEBUG_STALL_ON_STOP"] == "1" }

        func run() async throws {
            try? await gracefulShutdown()
            for loop in MultiThreadedEventLoopGroup.singleton.makeIterator() {
                loop.execute {
                    while true { sleep(3_600) }
                }
            }
        }
    }
#endif
