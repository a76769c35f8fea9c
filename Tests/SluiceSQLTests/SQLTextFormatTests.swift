import SluiceCore
@testable import SluiceSQL
import Testing

@Suite("SQLTextFormat")
struct SQLTextFormatTests {
    @Test("writes the same text as formatDate/formatTimestamp (seeded random, edges)")
    func matchesNaive() {
        var rng = SplitMix64(seed: 11)
        var stamps: [Int64] = [0, -1, 1, 86_400_000_000 - 1, -86_400_000_000, 253_402_300_799_999_999, -62_135_596_800_000_000, 500_000]
        for _ in 0..<2000 { stamps.append(Int64(bitPattern: rng.next()) % 300_000_000_000_000_000) }
        var buffer = [UInt8](repeating: 0, count: SQLTextFormat.maxTimestampLength)
        for micros in stamps {
            let n = buffer.withUnsafeMutableBufferPointer { SQLTextFormat.writeTimestamp(micros, to: $0.baseAddress!) }
            #expect(String(decoding: buffer[0..<n], as: UTF8.self) == formatTimestamp(microsecondsSinceEpoch: micros))
            let days = Int32(truncatingIfNeeded: micros / 86_400_000_000)
            let m = buffer.withUnsafeMutableBufferPointer { SQLTextFormat.writeDate(days, to: $0.baseAddress!) }
            #expect(String(decoding: buffer[0..<m], as: UTF8.self) == formatDate(daysSinceEpoch: days))
        }
    }
}
