import BitaqaCore
import Foundation
import Orders

/// `bitaqa-bench schedule`: upstream cost of polling. For fulfilment times spread evenly over the
/// reference's 3 to 45 s, how many `check-id` calls each order costs and how long a fulfilled card
/// waits to be noticed, for the guide's plain loop (check at once, then every 5 s) and for Bitaqa's
/// schedule (`TrackingSchedule`, the code `serve` runs) at several poll intervals.
struct ScheduleBenchmark {
    let samples: Int

    struct Outcome {
        let name: String
        let callsMean: Double
        let callsMax: Int
        let waitMean: Double
        let waitP99: Double
    }

    /// Check instants (seconds after `send`) until one sees the order fulfilled at `fulfilledAt`.
    static func simulate(first: Double, next: (Double) -> Double, fulfilledAt: Double) -> (calls: Int, wait: Double) {
        var at = first
        var calls = 1
        while at < fulfilledAt {
            at = next(at)
            calls += 1
        }
        return (calls, at - fulfilledAt)
    }

    func outcome(_ name: String, first: Double, next: (Double) -> Double) -> Outcome {
        var calls: [Int] = []
        var waits: [Double] = []
        for index in 0..<samples {
            let fulfilledAt = 3 + 42 * Double(index) / Double(max(1, samples - 1))
            let result = Self.simulate(first: first, next: next, fulfilledAt: fulfilledAt)
            calls.append(result.calls)
            waits.append(result.wait)
        }
        waits.sort()
        return Outcome(
            name: name, callsMean: Double(calls.reduce(0, +)) / Double(samples), callsMax: calls.max() ?? 0,
            waitMean: waits.reduce(0, +) / Double(samples),
            waitP99: waits[min(waits.count - 1, Int(Double(waits.count) * 0.99))]
        )
    }

    func run() {
        var outcomes = [outcome("guide: check at send, then every 5 s", first: 0) { $0 + 5 }]
        for interval in [2.0, 3.0, 4.0, 4.5, 5.0, 10.0] {
            let schedule = TrackingSchedule(pollInterval: .seconds(decimal: interval))
            outcomes.append(
                outcome(
                    "Bitaqa, BITAQA_POLL_INTERVAL=\(String(format: "%g", interval))\(interval == 5 ? " (default)" : "")",
                    first: schedule.firstCheckDelay.inSeconds
                ) {
                    $0 + schedule.handlingInterval(elapsed: .seconds(decimal: $0)).inSeconds
                }
            )
        }
        print("Fulfilment times: \(samples) evenly spread over 3 to 45 s (the reference's HANDLING range).")
        print()
        print("| schedule | check calls per order (mean / max) | wait after fulfilment, s (mean / p99) |")
        print("| --- | ---: | ---: |")
        for item in outcomes {
            print(
                String(
                    format: "| %@ | %.2f / %d | %.2f / %.2f |", item.name, item.callsMean, item.callsMax, item.waitMean,
                    item.waitP99))
        }
    }
}
