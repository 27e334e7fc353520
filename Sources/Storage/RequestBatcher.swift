import Synchronization

/// Runs requests that arrive while a batch is in flight together in the next batch, and answers each
/// with its own result: many concurrent callers, one statement or transaction per batch (group commit
/// for writes, one `IN (…)` query for reads).
///
/// It needs no service and starts no task: the caller that finds no batch in flight leads, running
/// one batch (its own request and those waiting) in its own task; when its batch is done it hands the
/// lead to the first caller that arrived meanwhile. So nothing runs on behalf of a caller that has
/// gone, and nothing is left running when the last caller returns. Every caller returns only after
/// the batch holding its request has run (or has failed, and then with that failure).
final class RequestBatcher<Request: Sendable, Answer: Sendable>: Sendable {
    /// What a waiting caller is woken with: its answer, or the lead of the next batch.
    private enum Wake: Sendable {
        case answered(Answer)
        case lead
    }

    private struct Waiting: Sendable {
        let request: Request
        let wake: CheckedContinuation<Wake, any Error>
    }

    private struct State: Sendable {
        var waiting: [Waiting] = []
        var leading = false
    }

    private let state = Mutex(State())
    private let maxBatch: Int
    private let run: @Sendable ([Request]) async throws -> [Answer]

    /// - Parameter run: answers a batch, one answer per request in order.
    init(maxBatch: Int = 256, run: @escaping @Sendable ([Request]) async throws -> [Answer]) {
        self.maxBatch = max(1, maxBatch)
        self.run = run
    }

    func submit(_ request: Request) async throws -> Answer {
        let wake: Wake = try await withCheckedThrowingContinuation { wake in
            let leads = state.withLock { state in
                guard state.leading else {
                    state.leading = true
                    return true
                }
                state.waiting.append(Waiting(request: request, wake: wake))
                return false
            }
            if leads { wake.resume(returning: .lead) }
        }
        switch wake {
        case .answered(let answer): return answer
        case .lead: return try await lead(request)
        }
    }

    /// Runs one batch led by `own`, answers the others in it, and passes the lead on.
    private func lead(_ own: Request) async throws -> Answer {
        let others = state.withLock { state in
            let taken = Array(state.waiting.prefix(maxBatch - 1))
            state.waiting.removeFirst(taken.count)
            return taken
        }
        let outcome: Result<[Answer], any Error>
        do {
            let answers = try await run([own] + others.map(\.request))
            precondition(answers.count == others.count + 1, "a batch answers every request")
            outcome = .success(answers)
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success(let answers):
            for (waiting, answer) in zip(others, answers.dropFirst()) {
                waiting.wake.resume(returning: .answered(answer))
            }
        case .failure(let error):
            for waiting in others { waiting.wake.resume(throwing: error) }
        }
        let next = state.withLock { state -> Waiting? in
            guard !state.waiting.isEmpty else {
                state.leading = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.wake.resume(returning: .lead)
        return try outcome.get()[0]
    }
}
