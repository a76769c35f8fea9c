import Testing
import SluiceCore
import SluiceTestSupport
@testable import SluiceFormats
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A field of `/proc/self/status` in KiB (`VmHWM`, `VmRSS`), or nil off Linux.
func procStatusKiB(_ field: String) -> Int? {
    guard let file = fopen("/proc/self/status", "r") else { return nil }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(cString: line)
        if text.hasPrefix(field + ":") {
            return Int(text.dropFirst(field.count + 1).filter(\.isNumber))
        }
    }
    return nil
}

/// Resets the peak RSS (`VmHWM`) to the current RSS (Linux ≥ 4.0); false when not allowed.
func resetPeakRSS() -> Bool {
    guard let file = fopen("/proc/self/clear_refs", "w") else { return false }
    defer { fclose(file) }
    return fputs("5", file) >= 0
}

@Suite("CSVReader: bounded memory")
struct CSVMemoryTests {
    /// Reads a ~100 MB file in batches. The reader holds one 8 MiB window (it grows only
    /// for a row longer than the window, and these rows are ~60 bytes) plus the batch being
    /// filled: `batchSize` rows of fixed-width values, and for each string column at most
    /// one window's worth of bytes. Batches are dropped as they are counted, so the peak
    /// RSS growth is about 8 MiB + one batch (~20 MiB here), whatever the file's size —
    /// far below the 150 MB limit, while reading the whole file into memory would exceed it.
    @Test("a 100 MB file read in batches stays within a fixed memory bound")
    func boundedMemory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.file("big.csv")

        // A block of 1,000 rows (~58 KB), written again and again.
        var block: [UInt8] = []
        var blockSum: Int64 = 0
        for i in 0..<1_000 {
            let row = "\(100_000 + i),user_\(i)_\(String(repeating: "x", count: i % 17)),\(i % 100).25,2024-01-\(10 + i % 19),\(i % 3 == 0),\"note, \(i)\"\n"
            block.append(contentsOf: row.utf8)
            blockSum += Int64(100_000 + i)
        }
        let repeats = 100_000_000 / block.count + 1
        let output = try OutputFile(path: path)
        try output.write("id,name,score,day,flag,note\n")
        for _ in 0..<repeats { try output.write(block) }
        try output.commit()
        let fileSize = try #require(try FileByteSource(path: path).size)
        #expect(fileSize >= 100_000_000)

        let canReset = resetPeakRSS()
        let before = procStatusKiB(canReset ? "VmHWM" : "VmRSS")
        let batchSize = 65_536
        var reader = try CSVReader(source: FileByteSource(path: path), options: options { $0.batchSize = batchSize })
        #expect(reader.schema == Schema([Field("id", .int64), Field("name", .string), Field("score", .float64),
                                         Field("day", .date), Field("flag", .bool), Field("note", .string)]))
        var rows = 0, batches = 0
        var idSum: Int64 = 0
        while let batch = try reader.next() {
            #expect(batch.rowCount <= batchSize)
            rows += batch.rowCount
            batches += 1
            idSum += try batch.column("id").withUnsafeValues(as: Int64.self) { $0.reduce(0, &+) }
        }
        let after = procStatusKiB("VmHWM")
        #expect(rows == repeats * 1_000)
        #expect(batches == (rows + batchSize - 1) / batchSize)
        #expect(idSum == blockSum * Int64(repeats))
        #expect(reader.report.rows == rows)

        if let before, let after {
            let growthMB = Double(after - before) / 1024
            #expect(growthMB < 150, "peak RSS grew by \(growthMB) MB reading \(fileSize / 1_000_000) MB")
        }
    }
}
