import AsyncHTTPClient
import Logging
import OneClickDZ

extension OneClickDZClient {
    /// A client with an HTTP client of its own, which ``shutdown()`` closes; production hands the
    /// client one that the application owns.
    public convenience init(
        configuration: UpstreamConfiguration, logger: Logger,
        sleep: @escaping @Sendable (Duration) async throws -> Void = OneClickDZClient.taskSleep
    ) {
        self.init(
            configuration: configuration, http: OneClickDZClient.makeHTTPClient(configuration), logger: logger,
            sleep: sleep)
    }

    /// Closes the HTTP client that the convenience initialiser made.
    public func shutdown() async {
        try? await http.shutdown()
    }
}
