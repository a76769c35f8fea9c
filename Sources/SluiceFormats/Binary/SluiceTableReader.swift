import SluiceCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a `.sluice` file (layout in ``SluiceTableLayout``): whole with
/// ``readTable(path:options:)``, or batch by batch as a ``TableReader``.
///
/// Buffers are read with `pread` straight into the columns' ``RawBuffer``s — a whole-file
/// read puts every batch at its final place in one buffer per column, so nothing is copied
/// twice — then checked against their XXH64 checksums. The footer is checked first:
/// a truncated, damaged or foreign file is a ``FormatError`` `.corruptFile` naming the file
/// and what is wrong, never a crash or a wrong table.
///
/// ```swift
/// let table = try SluiceTableReader.readTable(path: "run/orders.sluice")
/// var reader = try SluiceTableReader(path: "run/orders.sluice")
/// while let batch = try reader.next() { print(batch.rowCount) }
/// ```
public struct SluiceTableReader: TableReader {
    public let schema: Schema
    public private(set) var report = ReadReport()
    private let file: SluiceInput
    private let directory: SluiceDirectory
    private let batchSize: Int
    private var nextBatch = 0
    /// The rest of a stored batch larger than `batchSize`.
    private var pending: Table?

    /// Opens `path` and reads its footer.
    ///
    /// - Parameter options: `batchSize` caps the rows per ``next()``; a `schemaOverride`
    ///   may only repeat the stored types.
    /// - Throws: ``FormatError`` `.io`, `.corruptFile`, or `.invalidOption` for an override
    ///   that contradicts the file.
    public init(path: String, options: ReadOptions = ReadOptions()) throws {
        try self.init(input: SluiceInput(path: path), options: options)
    }

    /// Reads all of `source` into memory, then reads the table from there (for
    /// standard input; files are read in place).
    public init(source: any ByteSource, options: ReadOptions = ReadOptions()) throws {
        try self.init(input: SluiceInput(source: source), options: options)
    }

    init(input: SluiceInput, options: ReadOptions) throws {
        file = input
        directory = try SluiceDirectory(file: input)
        schema = directory.schema
        batchSize = Swift.max(options.batchSize, 1)
        try checkOverride(options.schemaOverride, against: schema, file: input.name)
    }

    /// The whole file as one table.
    ///
    /// - Throws: ``FormatError`` as ``init(path:options:)`` does, and `.corruptFile` when a
    ///   buffer does not match its checksum or holds impossible string offsets.
    public static func readTable(path: String, options: ReadOptions = ReadOptions()) throws -> (Table, ReadReport) {
        let reader = try SluiceTableReader(path: path, options: options)
        let table = try reader.readBatches(0..<reader.directory.batches.count)
        var report = ReadReport()
        report.rows = table.rowCount
        return (table, report)
    }

    public mutating func next() throws -> Table? {
        if pending == nil {
            guard nextBatch < directory.batches.count else { return nil }
            pending = try readBatches(nextBatch..<nextBatch + 1)
            nextBatch += 1
        }
        let batch = Table.takeBatch(of: batchSize, from: &pending)
        report.rows += batch.rowCount
        return batch
    }

    /// Number of record batches stored in the file.
    var batchCount: Int { directory.batches.count }

    /// Stored batches `range`, concatenated into one table (one buffer per column).
    func readBatches(_ range: Range<Int>) throws -> Table {
        let batches = directory.batches[range]
        let rows = batches.reduce(0) { $0 + $1.rows }
        guard rows > 0 else { return Table(emptyWith: schema) }
        var columns: [Column] = []
        columns.reserveCapacity(schema.count)
        for (c, field) in schema.fields.enumerated() {
            columns.append(try readColumn(c, field: field, batches: range, rows: rows))
        }
        return try Table(schema: schema, columns: columns)
    }

    private func readColumn(_ c: Int, field: Field, batches range: Range<Int>, rows: Int) throws -> Column {
        let validity = try readValidity(c, field: field, batches: range, rows: rows)
        if field.type.isVariableWidth {
            let totalBytes = directory.batches[range].reduce(0) { $0 + $1.buffers[c * 3 + 2].length }
            let offsets = RawBuffer(capacity: (rows + 1) * 8)
            let bytes = RawBuffer(capacity: totalBytes)
            let offsetBase = offsets.mutablePointer.assumingMemoryBound(to: Int64.self)
            offsetBase[0] = 0
            var row = 0, byte = 0
            for b in range {
                let batch = directory.batches[b]
                let entry = batch.buffers[c * 3 + 1], byteEntry = batch.buffers[c * 3 + 2]
                // This batch's offsets start where the previous batch's last offset was:
                // they overwrite it with their own 0, then are rebased onto `byte`.
                try read(entry, into: UnsafeMutableRawPointer(offsetBase + row), what: "string offsets", field: field, batch: b)
                try read(byteEntry, into: bytes.mutablePointer + byte, what: "string bytes", field: field, batch: b)
                let batchOffsets = offsetBase + row
                var previous: Int64 = 0
                var bad: UInt8 = batchOffsets[0] != 0 ? 1 : 0
                for i in 1...batch.rows {   // no early exit, so it vectorises
                    let o = batchOffsets[i]
                    bad |= o < previous ? 1 : 0
                    previous = o
                }
                guard bad == 0, previous == Int64(byteEntry.length) else {
                    throw file.corrupt("column \"\(field.name)\" in batch \(b + 1) of \(directory.batches.count) has string offsets that do not fit its \(byteEntry.length) bytes")
                }
                // Checksums prove the bytes are what was written, not that they are text: validate
                // (ASCII eight bytes at a time), and no string may start inside a character.
                // Binary values are any bytes.
                let batchBytes = UnsafePointer(bytes.mutablePointer.assumingMemoryBound(to: UInt8.self) + byte)
                var split: UInt8 = 0
                for i in 0..<batch.rows where field.type == .string && batchOffsets[i] < previous {
                    split |= batchBytes[Int(batchOffsets[i])] & 0xC0 == 0x80 ? 1 : 0
                }
                if field.type == .string && (split != 0 || UTF8Validation.firstInvalidOffset(batchBytes, byteEntry.length) != nil) {
                    let bad = UTF8Validation.firstInvalidOffset(batchBytes, byteEntry.length)
                    let badRow = (0..<batch.rows).first { i in
                        let start = Int(batchOffsets[i]), end = Int(batchOffsets[i + 1])
                        return UTF8Validation.firstInvalidOffset(batchBytes + start, end - start) != nil || (bad.map { $0 >= start && $0 < end } ?? false)
                    } ?? 0
                    throw file.corrupt("column \"\(field.name)\"[\(row + badRow)] (batch \(b + 1) of \(directory.batches.count)) holds bytes that are not UTF-8, though its checksum matches")
                }
                if byte != 0 {
                    let shift = Int64(byte)
                    for i in 0...batch.rows { batchOffsets[i] &+= shift }
                }
                row += batch.rows
                byte += byteEntry.length
            }
            offsets.count = (rows + 1) * 8
            bytes.count = totalBytes
            return Column(offsets: offsets, bytes: bytes, count: rows, validity: validity, type: field.type)
        }
        let width = field.type.byteWidth
        let values = RawBuffer(capacity: rows * width)
        var row = 0
        for b in range {
            let batch = directory.batches[b]
            try read(batch.buffers[c * 3 + 1], into: values.mutablePointer + row * width, what: "values", field: field, batch: b)
            row += batch.rows
        }
        values.count = rows * width
        return Column(type: field.type, values: values, count: rows, validity: validity)
    }

    /// The validity of column `c` over `range`, or `nil` when no batch there has nulls.
    private func readValidity(_ c: Int, field: Field, batches range: Range<Int>, rows: Int) throws -> Bitmap? {
        guard directory.batches[range].contains(where: { $0.buffers[c * 3].length > 0 }) else { return nil }
        var words = [UInt64](repeating: 0, count: (rows + 63) >> 6)
        var scratch: [UInt64] = []
        var row = 0
        try words.withUnsafeMutableBufferPointer { words in
            for b in range {
                let batch = directory.batches[b]
                let entry = batch.buffers[c * 3]
                let wordCount = (batch.rows + 63) >> 6
                if entry.length == 0 {
                    setBits(words, from: row, count: batch.rows)
                } else if row & 63 == 0 {
                    try read(entry, into: UnsafeMutableRawPointer(words.baseAddress! + (row >> 6)), what: "validity", field: field, batch: b)
                    if batch.rows & 63 != 0 { words[(row >> 6) + wordCount - 1] &= (1 << UInt64(batch.rows & 63)) - 1 }
                } else {
                    if scratch.count < wordCount { scratch = [UInt64](repeating: 0, count: wordCount) }
                    try scratch.withUnsafeMutableBufferPointer { scratch in
                        try read(entry, into: UnsafeMutableRawPointer(scratch.baseAddress!), what: "validity", field: field, batch: b)
                        if batch.rows & 63 != 0 { scratch[wordCount - 1] &= (1 << UInt64(batch.rows & 63)) - 1 }
                        let shift = UInt64(row & 63)
                        let first = row >> 6
                        for i in 0..<wordCount {
                            words[first + i] |= scratch[i] << shift
                            if first + i + 1 < words.count { words[first + i + 1] |= scratch[i] >> (64 - shift) }
                        }
                    }
                }
                row += batch.rows
            }
        }
        return Bitmap(words: words, count: rows)
    }

    /// Reads one buffer into `destination` and checks its checksum.
    private func read(_ entry: SluiceBufferEntry, into destination: UnsafeMutableRawPointer, what: String, field: Field, batch: Int) throws {
        guard entry.length > 0 else { return }
        try file.read(at: entry.offset, into: destination, count: entry.length)
        guard XXHash64.hash(base: destination, count: entry.length) == entry.checksum else {
            throw file.corrupt("checksum mismatch in the \(what) of column \"\(field.name)\", batch \(batch + 1) of \(directory.batches.count) (bytes \(entry.offset)..<\(entry.offset + entry.length))")
        }
    }
}

/// Sets bits `from..<from + count`.
private func setBits(_ words: UnsafeMutableBufferPointer<UInt64>, from: Int, count: Int) {
    var i = from
    let end = from + count
    while i < end {
        let bit = i & 63
        let n = Swift.min(64 - bit, end - i)
        let mask: UInt64 = n == 64 ? .max : ((1 << UInt64(n)) - 1) << UInt64(bit)
        words[i >> 6] |= mask
        i += n
    }
}

/// A `.sluice` file carries its types: an override may repeat them, not change them.
private func checkOverride(_ override: Schema?, against schema: Schema, file: String) throws {
    guard let override else { return }
    for field in override.fields {
        guard let stored = schema.field(named: field.name) else {
            throw FormatError(.unknownColumn, file: file, message: "--schema names column \"\(field.name)\", which the file does not have (columns: \(schema.names.joined(separator: ", ")))",
                              hint: suggestion(for: field.name, among: schema.names).map { "did you mean `\($0)`?" })
        }
        guard stored.type == field.type else {
            throw FormatError(.invalidOption, file: file, message: "the file stores column \"\(field.name)\" as \(stored.type), --schema says \(field.type)",
                              hint: "a .sluice file carries its types: drop `\(field.name)` from --schema, or cast it in a transform step")
        }
    }
}

/// The footer of a `.sluice` file, checked: schema, row counts and where every buffer is.
struct SluiceDirectory {
    struct Batch {
        var rows: Int
        /// Three entries per column: validity, values, bytes.
        var buffers: [SluiceBufferEntry]
    }
    var schema: Schema
    var rows: Int
    var batches: [Batch]

    init(file: SluiceInput) throws {
        let size = file.size
        guard size >= SluiceTableLayout.headerSize + SluiceTableLayout.trailerSize else {
            if size >= 8, try file.bytes(at: 0, count: 8) == SluiceTableLayout.magic {
                throw file.corrupt("only \(size) bytes, too short to hold its footer", truncated: true)
            }
            throw file.notSluice(size: size)
        }
        let header = try file.bytes(at: 0, count: 16)
        guard Array(header[0..<8]) == SluiceTableLayout.magic else { throw file.notSluice(size: size) }
        let version = UInt32(littleEndian: header.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self) })
        guard version == SluiceTableLayout.version else {
            throw FormatError(.corruptFile, file: file.name, message: "the file has format version \(version); this Sluice reads version \(SluiceTableLayout.version)",
                              hint: "read it with the Sluice that wrote it, or write it again from its source")
        }
        let trailer = try file.bytes(at: size - SluiceTableLayout.trailerSize, count: SluiceTableLayout.trailerSize)
        guard Array(trailer[24..<32]) == SluiceTableLayout.endMagic else {
            throw file.corrupt("the end marker is missing after \(size) bytes (the copy was cut short, or the writer was interrupted)", truncated: true)
        }
        var cursor = ByteCursor(trailer)
        let footerOffset = cursor.int(), footerLength = cursor.int(), footerChecksum = cursor.uint64()
        let footerEnd = size - SluiceTableLayout.trailerSize
        guard footerOffset >= SluiceTableLayout.headerSize, footerLength >= 16, footerOffset <= footerEnd,
              footerEnd - footerOffset == footerLength else {
            throw file.corrupt("the trailer places the footer at bytes \(footerOffset)..<\(footerOffset &+ footerLength), which does not end where the trailer starts (\(footerEnd))")
        }
        let footer = try file.bytes(at: footerOffset, count: footerLength)
        guard footer.withUnsafeBytes({ XXHash64.hash($0) }) == footerChecksum else {
            throw file.corrupt("checksum mismatch in the footer (bytes \(footerOffset)..<\(footerEnd)): the schema and batch directory are damaged")
        }
        cursor = ByteCursor(footer)
        rows = cursor.int()
        let columnCount = Int(cursor.uint32()), batchCount = Int(cursor.uint32())
        // Each column takes at least 8 footer bytes and each batch at least 8: bound both
        // before looping or multiplying.
        guard columnCount <= cursor.remaining / 8, batchCount <= cursor.remaining / 8 else {
            throw file.corrupt("the footer claims \(columnCount) columns and \(batchCount) batches, more than its \(footerLength) bytes hold")
        }
        var fields: [Field] = []
        for c in 0..<columnCount {
            let code = cursor.uint8()
            let parameters = (cursor.uint8(), cursor.uint8())
            cursor.skip(1)
            let nameLength = Int(cursor.uint32())
            guard let nameBytes = cursor.bytes(nameLength) else { throw file.corrupt("the footer ends inside the name of column \(c + 1)") }
            guard let type = SluiceTableLayout.type(code: code, parameters: parameters) else {
                throw file.corrupt("column \(c + 1) has unknown type code \(code)")
            }
            guard let name = String(validating: nameBytes, as: UTF8.self), !fields.contains(where: { $0.name == name }) else {
                throw file.corrupt("column \(c + 1) has a name that is not UTF-8 or repeats another column's")
            }
            fields.append(Field(name, type))
        }
        guard !cursor.overran else { throw file.corrupt("the footer is shorter than its \(columnCount) columns need") }
        schema = Schema(fields)
        guard cursor.remaining == batchCount * (8 + columnCount * 3 * 24) else {
            throw file.corrupt("the footer has \(cursor.remaining) bytes of batch directory, \(batchCount) batches of \(columnCount) columns need \(batchCount * (8 + columnCount * 3 * 24))")
        }
        batches = []
        batches.reserveCapacity(batchCount)
        var total = 0
        var bufferBytes = 0   // buffers do not overlap, so together they fit in the data area
        for b in 0..<batchCount {
            let batchRows = cursor.int()
            guard batchRows > 0, batchRows <= size, columnCount > 0 else {
                throw file.corrupt("batch \(b + 1) of \(batchCount) claims \(batchRows) rows")
            }
            var buffers: [SluiceBufferEntry] = []
            buffers.reserveCapacity(columnCount * 3)
            for field in fields {
                for kind in 0..<3 {
                    let entry = SluiceBufferEntry(offset: cursor.int(), length: cursor.int(), checksum: cursor.uint64())
                    let expected: ClosedRange<Int>
                    switch kind {
                    case 0: expected = entry.length == 0 ? 0...0 : ((batchRows + 63) >> 6) * 8...((batchRows + 63) >> 6) * 8
                    case 1: expected = field.type.isVariableWidth ? (batchRows + 1) * 8...(batchRows + 1) * 8 : batchRows * field.type.byteWidth...batchRows * field.type.byteWidth
                    default: expected = field.type.isVariableWidth ? 0...size : 0...0
                    }
                    let what = ["validity", "values", "bytes"][kind]
                    guard expected.contains(entry.length) else {
                        throw file.corrupt("the \(what) of column \"\(field.name)\" in batch \(b + 1) of \(batchCount) is \(entry.length) bytes; \(batchRows) rows need \(expected.lowerBound)")
                    }
                    guard entry.length == 0 || (entry.offset >= SluiceTableLayout.headerSize && entry.offset % SluiceTableLayout.alignment == 0
                                                && entry.offset <= footerOffset && entry.length <= footerOffset - entry.offset) else {
                        throw file.corrupt("the \(what) of column \"\(field.name)\" in batch \(b + 1) of \(batchCount) lies at bytes \(entry.offset)..<\(entry.offset &+ entry.length), outside the data area 64..<\(footerOffset)")
                    }
                    bufferBytes += entry.length
                    guard bufferBytes <= footerOffset - SluiceTableLayout.headerSize else {
                        throw file.corrupt("the batch directory lists more buffer bytes than the data area 64..<\(footerOffset) holds")
                    }
                    buffers.append(entry)
                }
            }
            total += batchRows
            batches.append(Batch(rows: batchRows, buffers: buffers))
        }
        guard total == rows else {
            throw file.corrupt("the footer says \(rows) rows, its batches hold \(total)")
        }
    }
}

/// Reads little-endian integers from a byte array; past the end it reads zeros and
/// sets `overran`.
private struct ByteCursor {
    let bytes: [UInt8]
    var position = 0
    var overran = false
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    var remaining: Int { Swift.max(bytes.count - position, 0) }
    mutating func skip(_ n: Int) { _ = bytes(n) }
    mutating func bytes(_ n: Int) -> ArraySlice<UInt8>? {
        guard n >= 0, n <= remaining else { overran = true; position = bytes.count; return nil }
        defer { position += n }
        return bytes[position..<position + n]
    }
    mutating func load<T: FixedWidthInteger>(_: T.Type) -> T {
        guard let slice = bytes(MemoryLayout<T>.size) else { return 0 }
        return T(littleEndian: slice.withUnsafeBytes { $0.loadUnaligned(as: T.self) })
    }
    mutating func uint8() -> UInt8 { load(UInt8.self) }
    mutating func uint32() -> UInt32 { load(UInt32.self) }
    mutating func uint64() -> UInt64 { load(UInt64.self) }
    /// A UInt64 as an `Int`; values past `Int.max` (only in damaged files) become `Int.max`.
    mutating func int() -> Int { let v = uint64(); return v > UInt64(Int.max) ? Int.max : Int(v) }
}

/// Random access to the bytes of a `.sluice` file: an open file (`pread`) or memory.
final class SluiceInput {
    let name: String
    let size: Int
    private let descriptor: Int32
    private let memory: [UInt8]

    init(path: String) throws {
        name = path
        memory = []
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw FormatError(.io, file: path, message: "cannot open file: \(reason)",
                              hint: errno == ENOENT ? "check the path; the current directory is \(currentDirectory())" : nil)
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw FormatError(.io, file: path, message: "not a regular file: a .sluice file is read by offset, not as a stream",
                              hint: "read it from a file, or pass it on standard input with `-`")
        }
        size = Int(info.st_size)
    }

    init(source: any ByteSource) throws {
        var source = source
        name = source.name
        descriptor = -1
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        memory = bytes
        size = bytes.count
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Reads exactly `count` bytes at `offset` (within `size`, checked by the caller).
    func read(at offset: Int, into destination: UnsafeMutableRawPointer, count: Int) throws {
        guard descriptor >= 0 else {
            memory.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress! + offset, byteCount: count) }
            return
        }
        var done = 0
        while done < count {
            let n = pread(descriptor, destination + done, Swift.min(count - done, 1 << 30), off_t(offset + done))
            if n > 0 { done += n; continue }
            if n < 0 && errno == EINTR { continue }
            if n == 0 { throw corrupt("it ended at byte \(offset + done) while bytes \(offset)..<\(offset + count) were read: it shrank while being read", truncated: true) }
            throw FormatError(.io, file: name, message: "read failed: \(String(cString: strerror(errno)))")
        }
    }

    func bytes(at offset: Int, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        if count > 0 { try bytes.withUnsafeMutableBytes { try read(at: offset, into: $0.baseAddress!, count: count) } }
        return bytes
    }

    func corrupt(_ message: String, truncated: Bool = false) -> FormatError {
        FormatError(.corruptFile, file: name, message: (truncated ? "truncated" : "damaged") + " .sluice file: \(message)",
                    hint: "the file was cut short or changed after it was written; write it again from its source")
    }

    func notSluice(size: Int) -> FormatError {
        FormatError(.corruptFile, file: name, message: "not a .sluice table file (\(size) bytes, no \"SLUICETB\" at the start)",
                    hint: "check the path, or pass --input-format csv|tsv|jsonl if it is a text file")
    }
}
