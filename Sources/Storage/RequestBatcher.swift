import Synchronization

/// Runs requests that arrive while a batch is in flight together in the next batch, and answers each
/// with its own result: many concurrent callers, one statement or transaction per batch (group commit
/// for writes, one `IN (…)` query for reads).
///
/// It needs no service: the first caller that finds no batch in flight starts a task that runs
/// batches until none is waiting. Every caller returns only after the batch holding its request has
/// run (or has failed, and then with that failure).
final class RequestBatcher<Request: Sendable, Answer: Sendable>: Sendable {
    private struct Waiting: Sendable {
        let request: Request
        let answer: CheckedContinuation<Answer, any Error>
    }

    private struct State: Sendable {
        var waiting: [Waiting] = []
        var writing = false
    }

    private let state = Mutex(State())
    private let maxBatch: Int
    private let run: @Sendable ([Request]) async throws -> [Answer]

    /// - Parameter run: answers a batch, one answer per request in order.
    init(maxBatch: Int = 256, run: @escaping @Sendable ([Request]) async throws -> [Answer]) {
        self.maxBatch = maxBatch
        self.run = run
    }

    func submit(_ request: Request) async throws -> Answer {
        try await withCheckedThrowingContinuation { answer in
            let start = state.withLock { state in
                state.waiting.append(Waiting(request: request, answer: answer))
                guard !state.writing else { return false }
                state.writing = true
                return true
            }
            if start { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let batch: [Waiting] = state.withLock { state in
                let batch = Array(state.waiting.prefix(maxBatch))
                state.waiting.removeFirst(batch.count)
                if batch.isEmpty { state.writing = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                let answers = try await run(batch.map(\.request))
                precondition(answers.count == batch.count, "a batch answers every request")
                for (waiting, answer) in zip(batch, answers) { waiting.answer.resume(returning: answer) }
            } catch {
                for waiting in batch { waiting.answer.resume(throwing: error) }
            }
        }
    }
}
