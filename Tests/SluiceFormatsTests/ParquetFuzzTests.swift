import SluiceCore
import Testing
@testable import SluiceFormats

@Suite("ParquetFuzz")
struct ParquetFuzzTests {
    /// Reads damaged bytes: a `.corruptFile`/`.invalidUTF8` error or a table, never a crash.
    private func readDamaged(_ bytes: [UInt8]) -> Table? {
        do {
            return try readParquet(bytes)
        } catch let error as FormatError {
            #expect(error.code == .corruptFile || error.code == .io, "\(error)")
            return nil
        } catch {
            Issue.record("unexpected error type \(error)")
            return nil
        }
    }

    @Test("truncations, bit flips and hostile lengths give an error or a table, never a crash")
    func fuzz() throws {
        let table = try parquetSampleTable(rows: 300)
        var random = SplitMix64(seed: 14)
        for codec in [ParquetCompression.uncompressed, .snappy, .zstd] {
            var options = ParquetWriteOptions(compression: codec, rowGroupSize: 120)
            options.dataPageSize = 400
            let bytes = try parquetBytes(table, options: options)
            #expect(try readParquet(bytes) == table)
            // Every truncation point near the ends, and a sample elsewhere: always an error.
            for cut in Set((0..<64).map { bytes.count - $0 } + (0..<64).map { $0 } + (0..<64).map { _ in Int(random.next() % UInt64(bytes.count)) }) where cut >= 0 && cut < bytes.count {
                #expect(readDamaged(Array(bytes.prefix(cut))) == nil, "truncated at \(cut)")
            }
            for _ in 0..<400 {
                var damaged = bytes
                let at = Int(random.next() % UInt64(bytes.count))
                damaged[at] ^= UInt8(1 << (random.next() % 8))
                _ = readDamaged(damaged)
            }
            let hostile: [[UInt8]] = [[0xFF, 0xFF, 0xFF, 0x7F], [0xFF, 0xFF, 0xFF, 0xFF, 0x0F], [0x00, 0x00, 0x00, 0x80], [0xF9]]
            for _ in 0..<300 {
                var damaged = bytes
                let pattern = hostile[Int(random.next() % UInt64(hostile.count))]
                let at = Int(random.next() % UInt64(bytes.count - pattern.count))
                damaged.replaceSubrange(at..<at + pattern.count, with: pattern)
                _ = readDamaged(damaged)
            }
        }
    }
}
