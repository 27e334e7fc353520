import Synchronization
import Testing

@testable import Storage

/// The group commit under the rate limiter: concurrent callers share batches, each gets its own
/// answer, a failed batch fails only its own callers, and the lead passes on without a task of its own.
@Suite("Request batcher")
struct RequestBatcherTests {
    struct Boom: Error {}

    @Test("200 concurrent callers: each its own answer, in fewer batches than callers, none larger than the cap")
    func batches() async throws {
        let sizes = Mutex<[Int]>([])
        let batcher = RequestBatcher<Int, Int>(maxBatch: 16) { batch in
            sizes.withLock { $0.append(batch.count) }
            try await Task.sleep(for: .milliseconds(2))
            return batch.map { $0 * 10 }
        }
        let answers = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for value in 0..<200 { group.addTask { (value, try await batcher.submit(value)) } }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(answers.count == 200 && answers.allSatisfy { $0.value == $0.key * 10 })
        let seen = sizes.withLock { $0 }
        #expect(seen.reduce(0, +) == 200)
        #expect(seen.count < 200, "no batching: \(seen.count) batches")
        #expect(seen.allSatisfy { $0 <= 16 })
    }

    @Test("a failed batch fails its callers only; the next batch runs and answers")
    func failureStaysInItsBatch() async throws {
        let failNext = Mutex(true)
        let batcher = RequestBatcher<Int, Int>(maxBatch: 4) { batch in
            let fail = failNext.withLock { first in
                defer { first = false }
                return first
            }
            if fail { throw Boom() }
            return batch
        }
        await #expect(throws: Boom.self) { try await batcher.submit(1) }
        #expect(try await batcher.submit(2) == 2)
        let after = try await withThrowingTaskGroup(of: Int.self) { group in
            for value in 10..<20 { group.addTask { try await batcher.submit(value) } }
            return try await group.reduce(0, +)
        }
        #expect(after == (10..<20).reduce(0, +))
    }
}
