import Foundation
import SluiceCore
import SluiceTestSupport
import Testing
@testable import SluiceFormats
#if canImport(Glibc)
import Glibc
#endif

/// The committed seed corpus: small files Sluice's writer makes (re-recorded with
/// `SLUICE_RECORD_SNAPSHOTS=1`) and three pyarrow wrote (`parquet_interop.py corpus`):
/// two nested ones, since Sluice writes no nested columns, and one carrying an
/// `ARROW:schema` entry, so the flatbuffer decoder is fuzzed as well.
private let corpusDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/parquet-corpus").path

/// The writer's seeds: every type with nulls, dictionaries, several row groups and
/// pages, each codec, an empty file and a one-row file.
private func writerSeeds() throws -> [String: [UInt8]] {
    var seeds: [String: [UInt8]] = [:]
    for (name, codec) in [("plain", ParquetCompression.uncompressed), ("snappy", .snappy), ("zstd", .zstd), ("gzip", .gzip), ("lz4", .lz4Raw)] {
        var options = ParquetWriteOptions(compression: codec, rowGroupSize: 24)
        options.dataPageSize = 200
        seeds["flat_\(name).parquet"] = try parquetBytes(try parquetSampleTable(rows: 60, seed: 14), options: options)
    }
    seeds["zero_rows.parquet"] = try parquetBytes(try parquetSampleTable(rows: 0))
    seeds["one_row.parquet"] = try parquetBytes(try parquetSampleTable(rows: 1), options: ParquetWriteOptions(compression: .uncompressed))
    return seeds
}

@Suite("ParquetFuzz")
struct ParquetFuzzTests {
    /// Reads damaged bytes: a `.corruptFile`/`.io` error or a table, never a crash.
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

    @Test("the committed corpus is what the writer makes, and every seed reads")
    func corpusIsCurrent() throws {
        let seeds = try writerSeeds()
        let record = ProcessInfo.processInfo.environment["SLUICE_RECORD_SNAPSHOTS"] == "1"
        for (name, bytes) in seeds {
            let path = corpusDirectory + "/" + name
            if record { try Data(bytes).write(to: URL(fileURLWithPath: path)) }
            #expect(FileManager.default.contents(atPath: path).map { [UInt8]($0) } == bytes,
                    "\(name) is stale: re-record with SLUICE_RECORD_SNAPSHOTS=1 swift test --filter ParquetFuzzTests")
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: corpusDirectory) {
            _ = try readParquet(try readFile(corpusDirectory + "/" + name))
        }
    }

    @Test("truncations, bit flips and hostile lengths over the seed corpus (12 s): an error naming the place, or a table; never a crash or a huge allocation")
    func fuzz() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: corpusDirectory).sorted()
        try #require(names.count >= 9)
        let corpus = try names.map { try readFile(corpusDirectory + "/" + $0) }
        var random = SplitMix64(seed: 14)
        let startMemory = peakResidentBytes()
        let deadline = ContinuousClock.now + .seconds(12)
        // Varints and little-endian words that claim huge or negative lengths and counts.
        let hostile: [[UInt8]] = [[0xFF, 0xFF, 0xFF, 0x7F], [0xFF, 0xFF, 0xFF, 0xFF, 0x0F], [0x00, 0x00, 0x00, 0x80], [0xF9],
                                  [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], [0x80, 0x80, 0x80, 0x80, 0x08], [0xFF, 0xFF, 0xFF, 0x0F]]
        var tries = 0
        var messages = 0
        while ContinuousClock.now < deadline {
            let bytes = corpus[tries % corpus.count]
            tries += 1
            var damaged = bytes
            switch random.next() % 4 {
            case 0:   // truncated, mostly near the footer
                let cut = random.next() % 2 == 0 ? bytes.count - 1 - Int(random.next() % UInt64(min(200, bytes.count - 1))) : Int(random.next() % UInt64(bytes.count))
                damaged = Array(bytes.prefix(cut))
                #expect(readDamaged(damaged) == nil, "\(names[(tries - 1) % names.count]) truncated at \(cut) still read")
                continue
            case 1:   // bit flips, anywhere
                for _ in 0..<(1 + random.next() % 3) { damaged[Int(random.next() % UInt64(bytes.count))] ^= UInt8(1 << (random.next() % 8)) }
            case 2:   // bit flips in the footer, where every length and count lives
                let footer = Int(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt32.self) })
                let at = bytes.count - 8 - 1 - Int(random.next() % UInt64(max(1, min(footer, bytes.count - 9))))
                damaged[at] ^= UInt8(1 << (random.next() % 8))
            default:  // a hostile length or count pasted over a random place
                let pattern = hostile[Int(random.next() % UInt64(hostile.count))]
                let at = Int(random.next() % UInt64(bytes.count - pattern.count))
                damaged.replaceSubrange(at..<at + pattern.count, with: pattern)
            }
            do {
                _ = try readParquet(damaged)
            } catch let error as FormatError {
                #expect(error.code == .corruptFile || error.code == .io, "\(error)")
                messages += 1
                // Page damage names the row group, column and page.
                if error.message.contains(", page ") {
                    #expect(error.message.contains("row group ") && error.message.contains("column \""), "\(error.message)")
                }
            }
        }
        #expect(tries > 500, "only \(tries) mutations in the time budget")
        #expect(messages > 100)
        // No hostile claim turned into a huge allocation (RSS grows by what is touched).
        #expect(peakResidentBytes() - startMemory < 1 << 30, "peak memory grew by \((peakResidentBytes() - startMemory) >> 20) MiB")
    }

    @Test("hostile counts are refused before anything is sized by them, naming the place")
    func hostileCounts() throws {
        let bytes = try parquetBytes(try parquetSampleTable(rows: 50), options: ParquetWriteOptions(compression: .uncompressed, rowGroupSize: 20))
        var metadata = try bytes.withUnsafeBytes { raw -> ParquetFileMetaData in
            let length = Int(raw.loadUnaligned(fromByteOffset: raw.count - 8, as: UInt32.self))
            return try ParquetFileMetaData(bytes: UnsafeRawBufferPointer(rebasing: raw[(raw.count - 8 - length)..<(raw.count - 8)]))
        }
        func withFooter(_ metadata: ParquetFileMetaData) -> [UInt8] {
            let length = Int(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt32.self) })
            let footer = metadata.encoded()
            return Array(bytes.prefix(bytes.count - 8 - length)) + footer + withUnsafeBytes(of: UInt32(footer.count).littleEndian, Array.init) + Array("PAR1".utf8)
        }
        metadata.rowGroups[1].rowCount = 1 << 40
        var error = #expect(throws: FormatError.self) { _ = try readParquet(withFooter(metadata)) }
        #expect(error?.message.contains("row group 2 of 3 claims 1099511627776 rows") == true, "\(String(describing: error))")
        metadata.rowGroups[1].rowCount = 20
        metadata.rowCount = 51
        error = #expect(throws: FormatError.self) { _ = try readParquet(withFooter(metadata)) }
        #expect(error?.message.contains("the file claims 51 rows, its row groups hold 50") == true, "\(String(describing: error))")
    }
}
