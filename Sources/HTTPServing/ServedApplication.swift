import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// The application as `serve` runs it: Hummingbird's router and HTTP server, with a `run()` of its own.
///
/// Hummingbird's `run()` adds a date-header service whose timer stops through `cancelOnGracefulShutdown()`,
/// that is swift-async-algorithms' `merge`. Under cancellation `merge` can deadlock: its storage lock is held
/// across a continuation that may be enqueued on another thread before the lock is released
/// (apple/swift-async-algorithms issue 430). `serve` runs Swift's tasks on NIO's event loops, where one loop
/// blocked on that lock is enough for the process never to exit on SIGTERM (issue 28). This `run()` serves
/// the same router and server with the date header computed on demand, and runs nothing that uses `merge`.
public struct ServedApplication<Responder: HTTPResponder>: ApplicationProtocol
where Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
    public let responder: Responder
    public let server: HTTPServerBuilder
    public let configuration: ApplicationConfiguration
    public let logger: Logger
    public let services: [any Service]
    public let processesRunBeforeServerStart: [@Sendable () async throws -> Void]
    /// The same values as `configuration`: Hummingbird keeps its conversion internal.
    private let serverConfiguration: ServerConfiguration

    public init(
        responder: Responder, server: HTTPServerBuilder, address: BindAddress, serverName: String,
        services: [any Service], logger: Logger, beforeServerStarts: [@Sendable () async throws -> Void] = []
    ) {
        self.responder = responder
        self.server = server
        self.configuration = ApplicationConfiguration(address: address, serverName: serverName)
        self.serverConfiguration = ServerConfiguration(address: address, serverName: serverName)
        self.services = services
        self.logger = logger
        self.processesRunBeforeServerStart = beforeServerStarts
    }

    public var eventLoopGroup: any EventLoopGroup { MultiThreadedEventLoopGroup.singleton }

    public func run() async throws {
        let responder = self.responder
        let logger = self.logger
        let serverName = configuration.serverName
        let dates = HTTPDateHeader()
        let http = try server.buildServer(
            configuration: serverConfiguration, eventLoopGroup: eventLoopGroup, logger: logger
        ) { (request, writer: consuming ResponseWriter, channel) in
            var requestLogger = logger
            requestLogger[metadataKey: "hb.request.id"] = .stringConvertible(RequestID())
            let context = Responder.Context(source: .init(channel: channel, logger: requestLogger))
            var response: Response
            do {
                response = try await responder.respond(to: request, context: context)
            } catch let error as HTTPParserError {
                throw error
            } catch {
                requestLogger.debug("Unrecognised Error", metadata: ["error.type": "\(error)"])
                response = Response(status: .internalServerError, body: .init())
            }
            response.headers[.date] = dates.current()
            if let serverName { response.headers[.server] = serverName }
            do {
                try await writer.write(response: response.head, body: response.body)
            } catch is HTTPParserError {
                // Any error but a parser error closes the connection without writing a second response.
                throw ResponseAbandoned()
            }
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services + [PreludedService(prelude: processesRunBeforeServerStart, service: http)],
                logger: logger))
        try await group.run()
    }

    private struct ResponseAbandoned: Error {}
}

/// A service that runs its prelude, then the service itself.
private struct PreludedService: Service {
    let prelude: [@Sendable () async throws -> Void]
    let service: any Service

    func run() async throws {
        for step in prelude { try await step() }
        try await service.run()
    }
}
