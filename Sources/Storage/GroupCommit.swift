import Synchronization

/// Runs requests that arrive while a batch is being written together in the next batch, and answers
/// each with its own result: many concurrent callers, one transaction per batch.
///
/// It needs no service: the first caller that finds no batch in flight starts a task that writes
/// batches until none is waiting. Every caller returns only after the batch holding its request has
/// been written (or has failed, and then with that failure).
final class GroupCommit<Request: Sendable, Answer: Sendable>: Sendable {
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
    private let write: @Sendable ([Request]) async throws -> [Answer]

    /// - Parameter write: answers a batch, one answer per request in order, in one transaction.
    init(maxBatch: Int = 256, write: @escaping @Sendable ([Request]) async throws -> [Answer]) {
        self.maxBatch = maxBatch
        self.write = write
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
                let answers = try await write(batch.map(\.request))
                precondition(answers.count == batch.count, "a batch writer answers every request")
                for (waiting, answer) in zip(batch, answers) { waiting.answer.resume(returning: answer) }
            } catch {
                for waiting in batch { waiting.answer.resume(throwing: error) }
            }
        }
    }
}
