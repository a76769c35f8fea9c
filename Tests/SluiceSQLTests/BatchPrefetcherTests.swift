import SluiceCore
@testable import SluiceSQL
import Testing

@Suite("BatchPrefetcher")
struct BatchPrefetcherTests {
    struct Boom: Error {}

    /// Not Sendable-checked: the producer runs on the prefetch thread only.
    final class Counter: @unchecked Sendable { var produced = 0 }

    @Test("hands over every batch in order, then nil (repeatedly)", arguments: [0, 1, 63, 64, 65])
    func order(count: Int) throws {
        let counter = Counter()
        let prefetcher = try BatchPrefetcher<Table> {
            guard counter.produced < count else { return nil }
            counter.produced += 1
            return try Table([("i", Column(int64: [Int64(counter.produced)]))])
        }
        defer { prefetcher.close() }
        var seen: [Int64] = []
        while let batch = try prefetcher.next() {
            if case .int64(let v) = batch.columns[0].unsafeValue(at: 0) { seen.append(v) }
        }
        #expect(seen == (0..<count).map { Int64($0 + 1) })
        #expect(try prefetcher.next() == nil)
    }

    @Test("rethrows the reader's error after the batches before it")
    func error() throws {
        let counter = Counter()
        let prefetcher = try BatchPrefetcher<Table> {
            counter.produced += 1
            if counter.produced == 3 { throw Boom() }
            return try Table([("i", Column(int64: [1]))])
        }
        defer { prefetcher.close() }
        #expect(try prefetcher.next() != nil)
        #expect(try prefetcher.next() != nil)
        #expect(throws: Boom.self) { try prefetcher.next() }
        #expect(try prefetcher.next() == nil)
    }

    @Test("close stops an endless reader reading at most one batch ahead")
    func closeEarly() throws {
        let counter = Counter()
        let prefetcher = try BatchPrefetcher<Table> {
            counter.produced += 1
            return try Table([("i", Column(int64: [1]))])
        }
        _ = try prefetcher.next()
        prefetcher.close()
        #expect(counter.produced <= 3)
    }
}
