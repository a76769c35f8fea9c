import Testing
@testable import SluiceCore

@Suite("RawBuffer")
struct RawBufferTests {
    @Test("typed appends read back with load(at:as:)", arguments: sizes)
    func typedAppends(count: Int) {
        let buffer = RawBuffer()
        for i in 0..<count { buffer.append(Int64(i) &* 0x1_0001 &- 7) }
        #expect(buffer.count == count * 8)
        #expect(buffer.capacity >= buffer.count)
        for i in 0..<count where buffer.load(at: i, as: Int64.self) != Int64(i) &* 0x1_0001 &- 7 {
            Issue.record("element \(i) differs")
            break
        }
    }

    @Test("growth past 1 MiB (malloc to mmap, then mremap) keeps every byte")
    func largeGrowth() {
        let buffer = RawBuffer(capacity: 16)
        var rng = SplitMix64(seed: 99)
        var model: [UInt8] = []
        model.reserveCapacity(9 << 20)
        while model.count < 9 << 20 {
            let chunk = (0..<Int.random(in: 1...70_000, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            chunk.withUnsafeBytes { buffer.append($0.baseAddress!, byteCount: $0.count) }
            model += chunk
        }
        #expect(buffer.count == model.count)
        #expect(buffer.capacity >= RawBuffer.mapThreshold)
        let same = model.withUnsafeBytes { expected in
            expected.elementsEqual(UnsafeRawBufferPointer(start: buffer.pointer, count: buffer.count))
        }
        #expect(same)
    }

    @Test("heap buffers of any size hold their bytes, and growing moves them to a mapping", arguments: [0, 1, 4096, 3 << 20])
    func heapCapacity(bytes: Int) {
        let buffer = RawBuffer(heapCapacity: bytes)
        #expect(buffer.capacity == bytes && !buffer.isMapped && buffer.count == 0)
        for i in 0..<bytes { buffer.append(UInt8(truncatingIfNeeded: i &* 31)) }
        #expect(buffer.capacity == bytes)   // no growth while the bytes fit
        for i in 0..<(2 << 20) { buffer.append(UInt8(truncatingIfNeeded: (bytes + i) &* 31)) }
        #expect(buffer.isMapped)
        #expect(buffer.count == bytes + (2 << 20))
        var same = true
        for i in 0..<buffer.count where buffer.load(at: i, as: UInt8.self) != UInt8(truncatingIfNeeded: i &* 31) { same = false; break }
        #expect(same)
    }

    @Test("reserve keeps contents and removeAll keeps capacity")
    func reserveAndRemoveAll() {
        let buffer = RawBuffer()
        for i in 0..<100 { buffer.append(UInt8(i)) }
        buffer.reserve(3 << 20)
        #expect(buffer.capacity >= 3 << 20)
        #expect((0..<100).allSatisfy { buffer.load(at: $0, as: UInt8.self) == UInt8($0) })
        buffer.reserve(extra: 5 << 20)
        #expect(buffer.capacity >= 100 + (5 << 20))
        #expect((0..<100).allSatisfy { buffer.load(at: $0, as: UInt8.self) == UInt8($0) })
        let capacity = buffer.capacity
        buffer.removeAll()
        #expect(buffer.count == 0 && buffer.capacity == capacity)
    }
}
