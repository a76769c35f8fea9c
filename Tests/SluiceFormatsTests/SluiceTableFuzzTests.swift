import Foundation
import SluiceCore
import SluiceTestSupport
import Testing
@testable import SluiceFormats
#if canImport(Glibc)
import Glibc
#endif

/// The committed seed corpus: small files Sluice's writer makes (re-recorded with
/// `SLUICE_RECORD_SNAPSHOTS=1`): every type with nulls (binary holding bytes that are not
/// UTF-8), several batches of sizes around the 64-row bitmap word, no nulls, one row, no rows.
private let corpusDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/sluice-corpus").path

/// A table of every type, with nulls, empty and non-ASCII strings, and binary values that are not text.
private func everyTypeTable(rows: Int, seed: UInt64, nulls: Bool = true) throws -> Table {
    var random = SplitMix64(seed: seed)
    var builders: [(String, ColumnBuilder)] = [
        ("b", ColumnBuilder(type: .bool)), ("i", ColumnBuilder(type: .int64)), ("f", ColumnBuilder(type: .float64)),
        ("s", ColumnBuilder(type: .string)), ("d", ColumnBuilder(type: .date)), ("t", ColumnBuilder(type: .timestamp)),
        ("m", ColumnBuilder(type: .decimal(precision: 20, scale: 3))), ("bin", ColumnBuilder(type: .binary)),
    ]
    for row in 0..<rows {
        for c in builders.indices {
            let r = random.next()
            if nulls && r % 5 == 0 { builders[c].1.appendNull(); continue }
            switch c {
            case 0: builders[c].1.append(bool: r & 1 == 0)
            case 1: builders[c].1.append(int64: row % 7 == 0 ? .min : Int64(bitPattern: r))
            case 2: builders[c].1.append(float64: [Double.nan, -0.0, .infinity, 1.5, Double(Int64(r % 1000)) / 7][row % 5])
            case 3: builders[c].1.append(string: row % 4 == 0 ? "" : "v\(r % 100)-é✓😀")
            case 4: builders[c].1.append(date: Int32(truncatingIfNeeded: r % 100_000) - 50_000)
            case 5: builders[c].1.append(timestamp: Int64(r % 1_000_000_000_000_000) - 400_000_000_000_000)
            case 6: builders[c].1.append(decimal: Int128(Int64(bitPattern: r)) * 1_000)
            default:
                let bytes: [UInt8] = [0xFF, 0xC0, UInt8(truncatingIfNeeded: r), 0x80, 0x00].prefix(row % 6).map { $0 }
                bytes.withUnsafeBytes { builders[c].1.append(bytes: $0) }
            }
        }
    }
    return try Table(builders.map { ($0.0, $0.1.finish()) })
}


/// `bytes` with its footer replaced by `footer`, and the trailer to match.
private func withFooter(_ bytes: [UInt8], _ footer: [UInt8]) -> [UInt8] {
    let start = SluiceFileMap(bytes).footer.lowerBound
    var trailer = [UInt8](repeating: 0, count: 24) + SluiceTableLayout.endMagic
    SluiceFileMap.store64(&trailer, 0, UInt64(start))
    SluiceFileMap.store64(&trailer, 8, UInt64(footer.count))
    SluiceFileMap.store64(&trailer, 16, footer.withUnsafeBytes { XXHash64.hash($0) })
    return Array(bytes[0..<start]) + footer + trailer
}

/// The writer's seeds, and reproducers of what the fuzzer found (`repro-*`, each read
/// must fail with a `.corruptFile` error).
private func writerSeeds() throws -> [String: [UInt8]] {
    let zeroRows = try sluiceBytes([try everyTypeTable(rows: 0, seed: 4)])
    let footer = Array(zeroRows[SluiceFileMap(zeroRows).footer])
    return [
        // A footer ending after the last column's type code and parameters: the reader
        // skipped the padding byte past the end, then sliced the footer there (a crash).
        "repro-footer-ends-in-column.sluice": withFooter(zeroRows, Array(footer.prefix(footer.count - 11 + 3))),
        "every_type.sluice": try sluiceBytes([try everyTypeTable(rows: 40, seed: 1)]),
        "batches.sluice": try sluiceBytes([63, 1, 65, 64].enumerated().map { try everyTypeTable(rows: $0.element, seed: UInt64($0.offset)) }),
        "no_nulls.sluice": try sluiceBytes([try everyTypeTable(rows: 20, seed: 2, nulls: false)]),
        "one_row.sluice": try sluiceBytes([try everyTypeTable(rows: 1, seed: 3)]),
        "zero_rows.sluice": try sluiceBytes([try everyTypeTable(rows: 0, seed: 4)]),
    ]
}

/// Where the footer, and each buffer entry in it, lie in a `.sluice` file (layout in
/// ``SluiceTableLayout``): the fuzzer edits them and seals its edits with fresh checksums,
/// so damage reaches the checks behind the checksums.
private struct SluiceFileMap {
    var footer: Range<Int>
    /// Byte offset of each buffer entry (offset, length, checksum: 24 bytes) in the file.
    var entries: [Int] = []

    init(_ bytes: [UInt8]) {
        let start = bytes.count - 32 - Self.load64(bytes, bytes.count - 24)
        footer = start..<bytes.count - 32
        /// A little-endian integer in the footer (0 past its end: reproducers are damaged).
        func load(_ at: Int, _ width: Int) -> Int { at + width <= footer.upperBound ? (0..<width).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } : 0 }
        let columns = load(start + 8, 4), batches = load(start + 12, 4)
        var at = start + 16
        for _ in 0..<columns { at += 8 + load(at + 4, 4) }
        for _ in 0..<batches {
            at += 8
            for _ in 0..<columns * 3 where at + 24 <= footer.upperBound { entries.append(at); at += 24 }
        }
    }

    static func store64(_ bytes: inout [UInt8], _ at: Int, _ value: UInt64) {
        for i in 0..<8 { bytes[at + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
    }

    static func load64(_ bytes: [UInt8], _ at: Int) -> Int { (0..<8).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }

    /// Recomputes the footer's checksum in the trailer.
    func sealFooter(_ bytes: inout [UInt8]) {
        Self.store64(&bytes, bytes.count - 16, bytes[footer].withUnsafeBytes { XXHash64.hash($0) })
    }

    /// Recomputes the checksum of the buffer entry at `entry`, then the footer's.
    func sealBuffer(_ bytes: inout [UInt8], entry: Int) {
        let offset = Self.load64(bytes, entry), length = Self.load64(bytes, entry + 8)
        if length > 0 { Self.store64(&bytes, entry + 16, bytes[offset..<offset + length].withUnsafeBytes { XXHash64.hash($0) }) }
        sealFooter(&bytes)
    }
}

@Suite("SluiceTableReader: fuzz")
struct SluiceTableFuzzTests {
    /// Reads all of `bytes` and, when that works, batch by batch with a small batch size:
    /// the two must agree. A `.corruptFile` error naming the file, or a table.
    private func readDamaged(_ bytes: [UInt8]) -> Table? {
        do {
            let reader = try SluiceTableReader(source: MemoryByteSource(bytes, name: "fuzz.sluice"))
            let whole = try reader.readBatches(0..<reader.batchCount)
            var batched = try SluiceTableReader(source: MemoryByteSource(bytes, name: "fuzz.sluice"), options: ReadOptions(batchSize: 7))
            var parts: [Table] = []
            while let part = try batched.next() { parts.append(part) }
            #expect(whole == (parts.isEmpty ? Table(emptyWith: whole.schema) : try Table.concatenating(parts)))
            return whole
        } catch let error as FormatError {
            #expect(error.code == .corruptFile && error.file == "fuzz.sluice" && !error.message.isEmpty, "\(error)")
            return nil
        } catch {
            Issue.record("unexpected error type \(error)")
            return nil
        }
    }

    @Test("the committed corpus is what the writer makes, and every seed reads back")
    func corpusIsCurrent() throws {
        let record = ProcessInfo.processInfo.environment["SLUICE_RECORD_SNAPSHOTS"] == "1"
        if record { try FileManager.default.createDirectory(atPath: corpusDirectory, withIntermediateDirectories: true) }
        for (name, bytes) in try writerSeeds() {
            let path = corpusDirectory + "/" + name
            if record { try Data(bytes).write(to: URL(fileURLWithPath: path)) }
            #expect(FileManager.default.contents(atPath: path).map { [UInt8]($0) } == bytes,
                    "\(name) is stale: re-record with SLUICE_RECORD_SNAPSHOTS=1 swift test --filter SluiceTableFuzzTests")
        }
        let original = try everyTypeTable(rows: 40, seed: 1)
        #expect(readDamaged(try readFile(corpusDirectory + "/every_type.sluice")) == original)
        for name in try FileManager.default.contentsOfDirectory(atPath: corpusDirectory) {
            let table = readDamaged(try readFile(corpusDirectory + "/" + name))
            #expect((table == nil) == name.hasPrefix("repro-"), "\(name)")
        }
    }

    @Test("truncations, bit flips and resealed footer and buffer damage (5 s): a located .corruptFile error or a table; never a crash or a huge allocation")
    func fuzz() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: corpusDirectory).sorted()
        try #require(names.count >= 5)
        let corpus = try names.map { try readFile(corpusDirectory + "/" + $0) }
        let maps = corpus.map(SluiceFileMap.init)
        var random = SplitMix64(seed: 21)
        func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(random.next() % UInt64(n)) }
        // Little-endian words claiming huge, negative or off-by-one lengths, offsets and counts.
        let hostile: [[UInt8]] = [[0xFF, 0xFF, 0xFF, 0xFF], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], [0, 0, 0, 0, 0, 0, 0, 0x80],
                                  [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], [0, 0, 0, 0x40], [1, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0],
                                  [0x40, 0, 0, 0, 0, 0, 0, 0], [0xC1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]]
        let startMemory = peakResidentBytes()
        let deadline = ContinuousClock.now + .seconds(5)
        var tries = 0, errors = 0, tables = 0
        while ContinuousClock.now < deadline || tries < 300 {
            let which = tries % corpus.count
            tries += 1
            let bytes = corpus[which], map = maps[which]
            var damaged = bytes
            switch below(6) {
            case 0:   // truncated: never a table
                let cut = below(bytes.count)
                #expect(readDamaged(Array(bytes.prefix(cut))) == nil, "\(names[which]) truncated at \(cut) still read")
                continue
            case 1:   // bit flips anywhere, not resealed
                for _ in 0..<(1 + below(3)) { damaged[below(bytes.count)] ^= UInt8(1 << below(8)) }
            case 2:   // bit flips in the footer, resealed
                for _ in 0..<(1 + below(3)) { damaged[map.footer.lowerBound + below(map.footer.count)] ^= UInt8(1 << below(8)) }
                map.sealFooter(&damaged)
            case 3:   // a hostile word over the footer, resealed
                let pattern = hostile[below(hostile.count)]
                let at = map.footer.lowerBound + below(map.footer.count - pattern.count)
                damaged.replaceSubrange(at..<at + pattern.count, with: pattern)
                map.sealFooter(&damaged)
            case 4:   // a buffer's bytes damaged, its checksum resealed: offsets, bitmaps, UTF-8
                guard !map.entries.isEmpty else { continue }
                let entry = map.entries[below(map.entries.count)]
                let offset = SluiceFileMap.load64(bytes, entry), length = SluiceFileMap.load64(bytes, entry + 8)
                guard length > 0 else { continue }
                if random.next() % 2 == 0 {
                    damaged[offset + below(length)] ^= UInt8(1 << below(8))
                } else {
                    let pattern = hostile[below(hostile.count)].prefix(length)
                    let at = offset + below(length - pattern.count + 1)
                    damaged.replaceSubrange(at..<at + pattern.count, with: pattern)
                }
                map.sealBuffer(&damaged, entry: entry)
            default:  // the trailer's footer offset or length replaced
                let pattern = hostile[below(hostile.count)]
                let at = bytes.count - 32 + (random.next() % 2 == 0 ? 0 : 8)
                damaged.replaceSubrange(at..<at + min(8, pattern.count), with: pattern.prefix(8))
            }
            if readDamaged(damaged) == nil { errors += 1 } else { tables += 1 }
        }
        #expect(tries >= 300, "only \(tries) mutations in the time budget")
        #expect(errors > tries / 4 && tables > 0, "\(errors) errors, \(tables) tables")
        // No hostile claim turned into a huge allocation (RSS grows by what is touched).
        #expect(peakResidentBytes() - startMemory < 1 << 30, "peak memory grew by \((peakResidentBytes() - startMemory) >> 20) MiB")
    }

    @Test("hostile counts and lengths are refused before anything is sized by them, naming the place")
    func hostileCounts() throws {
        let bytes = try readFile(corpusDirectory + "/batches.sluice")
        let map = SluiceFileMap(bytes)
        func error(_ edit: (inout [UInt8]) -> Void) -> String {
            var damaged = bytes
            edit(&damaged)
            map.sealFooter(&damaged)
            do { _ = try SluiceTableReader(source: MemoryByteSource(damaged, name: "h.sluice")); return "read" } catch { return "\(error)" }
        }
        let footer = map.footer.lowerBound
        // The row count, the batch count, a column name's length, a batch's rows and a string buffer's length.
        #expect(error { SluiceFileMap.store64(&$0, footer, UInt64(Int64.max)) }.contains("the footer says 9223372036854775807 rows, its batches hold 193"))
        #expect(error { for i in 12..<16 { $0[footer + i] = 0xFF } }.contains("claims 8 columns and 4294967295 batches, more than its"))
        #expect(error { for i in 20..<24 { $0[footer + i] = 0xFF } }.contains("the footer ends inside the name of column 1"))
        #expect(error { SluiceFileMap.store64(&$0, map.entries[0] - 8, 1 << 62) }.contains("batch 1 of 4 claims 4611686018427387904 rows"))
        let bytesEntry = map.entries[3 * 3 + 2]   // column "s" of batch 1: its UTF-8 bytes
        #expect(error { SluiceFileMap.store64(&$0, bytesEntry + 8, UInt64(Int64.max)) }.contains("the bytes of column \"s\" in batch 1 of 4 is 9223372036854775807 bytes"))
        #expect(error { SluiceFileMap.store64(&$0, bytesEntry, UInt64(Int64.max - 63)) }.contains("the bytes of column \"s\" in batch 1 of 4 lies at bytes"))
    }
}
