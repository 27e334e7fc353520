import BitaqaCore

/// A use case's refusal, with the public error every surface shows for it: the HTTP layer answers
/// with its code's status, the command line exits with its code's exit code, both in one place
/// (``PublicErrorCode/httpStatus``, ``PublicErrorCode/exitCode``).
public protocol DomainRefusal: Error {
    var publicError: PublicError { get }
}

extension PublicError: DomainRefusal {
    public var publicError: PublicError { self }
}

extension Resender.Refusal: DomainRefusal {
    public var publicError: PublicError {
        switch self {
        case .orderNotFound: PublicError(.orderNotFound, "no such order")
        case .notReady(let status): PublicError.notReady(status)
        case .noContact(let channel):
            PublicError.badRequest("the order has no contact for the \(channel.rawValue) channel")
        }
    }
}

extension OnDemandCheck.TooSoon: DomainRefusal {
    public var publicError: PublicError {
        PublicError(
            .rateLimited, "this order was checked upstream moments ago; ask again later", retryAfter: retryAfter)
    }
}

extension ContactCorrection.Refused: DomainRefusal {
    public var publicError: PublicError {
        PublicError(
            .conflict,
            "the order's stored contacts fail their binding (\(problem.rawValue)): they were changed "
                + "outside Bitaqa, so nothing was changed; see the audit trail and the README's Security section")
    }
}

extension StaffDirectory.Refusal: DomainRefusal {
    public var publicError: PublicError {
        switch self {
        case .badName:
            PublicError.badRequest(
                "a staff name is 1 to 32 of a-z, 0-9, '.', '_' and '-', starting with a letter or a digit")
        case .nameTaken(let name): PublicError(.conflict, "a staff member named \(name) already exists")
        case .unknownMember(let name): PublicError(.notFound, "no staff member named \(name)")
        }
    }
}
