import NIOCore

extension Duration {
    /// NIO's representation, saturating instead of trapping on absurdly long durations.
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = self.components
        let (nanosecondsFromSeconds, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow {
            return .nanoseconds(seconds < 0 ? .min : .max)
        }
        return .nanoseconds(nanosecondsFromSeconds.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue)
    }
}
