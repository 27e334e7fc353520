extension [String: String] {
    /// These details with the caller's own request id, when it sent one. The trail's `requestID` is
    /// always the service's: a caller must not choose what the trail calls its request.
    func with(clientRequestID: String?) -> [String: String] {
        guard let clientRequestID else { return self }
        var details = self
        details["client_request_id"] = clientRequestID
        return details
    }
}
