import Foundation
import Synchronization

/// Progress lines on stderr for long commands (`keys rotate`, `audit verify`): how far, how fast, and
/// about how long is left. stdout keeps only the result, for scripts.
struct Progress: Sendable {
    let total: Int
    let unit: String
    let started = ContinuousClock.now

    var elapsed: Double { (ContinuousClock.now - started) / .seconds(1) }

    func report(_ done: Int) {
        let seconds = max(elapsed, 0.001)
        let rate = Double(done) / seconds
        var line = "… \(done)"
        if total > 0 {
            let percent = min(100, Int((Double(done) / Double(total) * 100).rounded(.down)))
            line += " of \(total) \(unit) (\(percent)%"
            if rate > 0, done < total { line += ", about \(Self.format(seconds: Double(total - done) / rate)) left" }
            line += ")"
        } else {
            line += " \(unit)"
        }
        line += String(format: ", %.0f/s\n", rate)
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func format(seconds: Double) -> String {
        if seconds < 1 { return String(format: "%.0f ms", seconds * 1000) }
        if seconds < 120 { return String(format: "%.1f s", seconds) }
        return "\(Int(seconds) / 60) min \(Int(seconds) % 60) s"
    }
}

/// A progress reporter made once the total is known, shared with the `@Sendable` progress callback.
final class ProgressBox: Sendable {
    private let progress = Mutex<Progress?>(nil)

    func start(_ progress: Progress) {
        self.progress.withLock { $0 = progress }
    }

    func report(_ done: Int) {
        progress.withLock { $0 }?.report(done)
    }
}
