import Orders

/// A token bucket for every upstream call this process makes, retries included: at most `rate` calls a
/// second. The client takes a token before each HTTP attempt, so retries under faults stay under the rate.
public actor UpstreamRateLimiter {
    let rate: Double
    let burst: Double
    private var tokens: Double
    private var updated: ContinuousClock.Instant

    public init(perSecond rate: Double, burst: Int? = nil) {
        self.rate = max(0.01, rate)
        self.burst = Double(burst ?? max(1, Int(rate)))
        self.tokens = self.burst
        self.updated = .now
    }

    /// Waits until a call may be made.
    public func acquire() async throws {
        while true {
            let now = ContinuousClock.now
            tokens = min(burst, tokens + (now - updated) / .seconds(1) * rate)
            updated = now
            if tokens >= 1 {
                tokens -= 1
                return
            }
            try await Task.sleep(for: .milliseconds(Int64((1 - tokens) / rate * 1000) + 1))
        }
    }
}
