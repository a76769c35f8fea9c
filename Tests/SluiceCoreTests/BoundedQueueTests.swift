import Foundation
@testable import SluiceCore
import Testing

@Suite("BoundedQueue")
struct BoundedQueueTests {
    struct Stop: Error, Equatable {}

    final class Log: @unchecked Sendable {   // written by the producer before finish, read after join
        var produced = 0
        var refused = false
    }

    @Test("delivers every item in order while holding at most its capacity", arguments: [1, 2, 7])
    func ordered(capacity: Int) throws {
        let queue = BoundedQueue<Int>(capacity: capacity)
        var received: [Int] = []
        var failure: (any Error)?
        try runConcurrently({
            do { while let item = try queue.take() { received.append(item) } } catch { failure = error }
        }, {
            for i in 0..<1_000 { _ = queue.put(i) }
            queue.finish()
        })
        #expect(failure == nil)
        #expect(received == Array(0..<1_000))
    }

    @Test("the producer's error arrives after the items queued before it")
    func producerError() throws {
        let queue = BoundedQueue<Int>(capacity: 2)
        var received: [Int] = []
        var failure: (any Error)?
        try runConcurrently({
            do { while let item = try queue.take() { received.append(item) } } catch { failure = error }
        }, {
            for i in 0..<5 { _ = queue.put(i) }
            queue.finish(throwing: Stop())
        })
        #expect(received == [0, 1, 2, 3, 4])
        #expect(failure as? Stop == Stop())
    }

    @Test("a consumer that cancels stops the producer instead of leaving it blocked")
    func cancel() throws {
        let queue = BoundedQueue<Int>(capacity: 1)
        let log = Log()
        try runConcurrently({
            _ = try? queue.take()
            queue.cancel()
        }, {
            for i in 0..<1_000_000 {
                if !queue.put(i) { log.refused = true; break }
                log.produced += 1
            }
            queue.finish()
        })
        #expect(log.refused)
        #expect(log.produced < 10)
    }
}
