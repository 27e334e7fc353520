import Foundation

/// Bounded waits on a child process (issue 28): `waitUntilExit()` has no deadline, and a child that never exits
/// would hold the whole suite.
extension Process {
    /// Polls `isRunning` until `timeout`; true if the process exited.
    public func waitForExit(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isRunning {
            if ContinuousClock.now >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return true
    }

    /// Sends `signal`, then SIGKILL if the process is still there after `grace`; true if it exited within the
    /// grace. SIGKILL by default: the test runner's children inherit its blocked SIGTERM. The SIGKILL goes to the
    /// process group, which Foundation makes each child lead: until every process holding the child's inherited
    /// descriptors is gone, Foundation counts it as running. One that outlives SIGKILL by 10 s is reported on
    /// stderr and left behind rather than holding the test.
    @discardableResult
    public func stop(signal: Int32 = SIGKILL, grace: Duration = .seconds(10)) -> Bool {
        guard isRunning else { return true }
        kill(processIdentifier, signal)
        if waitForExit(timeout: grace) { return true }
        kill(-processIdentifier, SIGKILL)
        if !waitForExit(timeout: .seconds(10)) {
            FileHandle.standardError.write(
                Data(
                    "\(executableURL?.path ?? "a child") (pid \(processIdentifier)) still runs 10 s after SIGKILL\n"
                        .utf8))
        }
        return false
    }
}
