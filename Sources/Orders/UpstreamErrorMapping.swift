import BitaqaCore

extension PublicError {
    /// The public form of an upstream refusal: the upstream's own code where the interface names it.
    public init(upstream error: UpstreamError) {
        switch error.code {
        case "ERR_PHONE":
            self.init(.invalidPhone, "the number does not match its type, or the line does not exist")
        case "DUPLICATED_REF":
            self.init(.duplicatedRef, "this ref was already used upstream; look the order up instead of sending again")
        case "ERR_STOCK":
            self.init(.outOfStock, "this card value is out of stock")
        case "INSUFFICIENT_BALANCE", "NO_BALANCE":
            self.init(.insufficientBalance, "the OneClickDz balance is too low for this card")
        case "ERR_VALIDATION":
            self.init(.upstreamValidation, "OneClickDz refused the request's parameters")
        default:
            if error.isValidation {
                self.init(.upstreamValidation, "OneClickDz refused the request's parameters")
            } else if error.isAuthentication {
                self.init(.upstreamUnavailable, "OneClickDz refused our API key")
            } else {
                self.init(.upstreamUnavailable, "OneClickDz is unavailable; try again later")
            }
        }
    }
}
