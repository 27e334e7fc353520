import BitaqaCore
import Hummingbird
import Logging
import NIOCore
import Orders

/// The context of customer routes once authenticated: the user is not optional.
struct CustomerContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    let requestID: String
    let clientRequestID: String?
    let remoteAddress: String
    let userID: UserID

    init(context: AppRequestContext) throws {
        // Reached only through the authentication middleware, which sets the user first.
        guard let userID = context.customer else { throw PublicError(.unauthorized, "missing or invalid credentials") }
        coreContext = context.coreContext
        requestID = context.requestID
        clientRequestID = context.clientRequestID
        remoteAddress = context.remoteAddress
        self.userID = userID
    }

    var maxUploadSize: Int { BodyLimits.range.upperBound }
    var requestDecoder: StrictJSONDecoder { StrictJSONDecoder() }
}
