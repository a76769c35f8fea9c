#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSQLite
import SluiceCore
import Synchronization

/// Writes a new SQLite database file that holds one table, page by page, in SQLite's
/// documented file format (https://sqlite.org/fileformat2.html): the 100-byte header and
/// the schema table on page 1, the table's b-tree built bottom-up from rows given in
/// ascending rowid order — leaves filled one after the other, then each interior level
/// over the one below, so every page is written once, in page order.
///
/// It is what a first load into a new SQLite file writes instead of inserting row by
/// row (``SQLConnection/loadIntoNewDatabase(_:schema:options:progress:batches:)`` installs it):
/// SQLite's own insert path costs a VM step and a b-tree descent per row; this costs
/// encoding the record. The result is what SQLite would hold after the same inserts —
/// the same schema text, the same values with the same storage classes (a NaN is
/// stored as NULL, as SQLite does) — and `PRAGMA integrity_check` says "ok"
/// (`SQLiteNewDatabaseLoadTests`).
///
/// ```swift
/// let writer = try SQLiteImageWriter(path: temporaryPath, pageSize: 16_384)
/// try writer.append([batch], order: nil, rowid: .sequence)   // rowids 1, 2, …
/// try writer.finish(table: "users", createSQL: "CREATE TABLE \"users\" (…)")
/// ```
final class SQLiteImageWriter {
    /// Where a row's rowid comes from: its place (1, 2, … in write order), or an
    /// int64 column that is the table's INTEGER PRIMARY KEY (stored as NULL in the record).
    enum Rowid { case sequence, column(Int) }

    let path: String
    let pageSize: Int
    private let descriptor: Int32
    /// Pages being filled, in page order, starting at page `bufferedFrom`; full buffers go
    /// to `output`, which writes them on its own thread while the next ones are filled.
    private var buffer: UnsafeMutableRawPointer
    private let bufferPages = 64
    private var buffered = 0
    private var bufferedFrom = 2
    private let output: ChunkWriter
    /// The number the next appended page gets (page 1 is written last, by `finish`).
    private var nextPage = 2

    private let leaf: UnsafeMutableRawPointer
    private var leafCells = 0
    private var leafContentStart: Int
    private var leafLastRowid: Int64 = 0
    /// Finished leaves (then interior pages) with the largest rowid under each.
    private var children: [(page: Int, maxRowid: Int64)] = []
    private var sequence: Int64 = 0
    /// Float NaN values written as NULL (SQLite stores a NaN as NULL).
    private(set) var nanStoredAsNull = 0
    /// One record being encoded (grows for large values).
    private var record: UnsafeMutableRawPointer
    private var recordCapacity = 1 << 16
    private var finished = false

    /// Creates `path` (which must not exist) for writing.
    init(path: String, pageSize: Int) throws {
        precondition(pageSize >= 1024 && pageSize <= 65536 && pageSize & (pageSize - 1) == 0, "SQLite page sizes are powers of two in 1024...65536")
        self.path = path
        self.pageSize = pageSize
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            // SQLite's own codes, so the category is what SQLite's would be (CANTOPEN: permanent).
            throw SQLError(.query, message: "cannot create \(path): \(String(cString: strerror(errno)))",
                           sqlState: "\(SQLITE_CANTOPEN)", hint: "check the directory is writable")
        }
        do {
            output = try ChunkWriter(descriptor: descriptor, path: path, chunkBytes: pageSize * bufferPages)
        } catch {
            close(descriptor)
            unlink(path)
            throw error
        }
        buffer = try output.nextBuffer()
        leaf = .allocate(byteCount: pageSize, alignment: 16)
        record = .allocate(byteCount: recordCapacity, alignment: 16)
        leafContentStart = pageSize
    }

    deinit {
        output.close()
        if descriptor >= 0 { close(descriptor) }
        leaf.deallocate()
        record.deallocate()
        if !finished { unlink(path) }
    }

    // MARK: rows

    /// Appends rows of `batches` in `order` (indices into the batches taken as one table,
    /// nil: all rows in order); rowids must ascend (the caller sorts a keyed load and
    /// leaves out repeated keys).
    func append(_ batches: [Table], order: [Int]?, rowid: Rowid) throws {
        let rowidColumn: Int? = if case .column(let c) = rowid { c } else { nil }
        let sources = batches.map { RecordColumns($0, rowidColumn: rowidColumn) }
        defer { for s in sources { s.deallocate() } }
        var starts: [Int] = []
        var total = 0
        for batch in batches { starts.append(total); total += batch.rowCount }
        var current = 0
        func write(_ global: Int) throws {
            // Rows mostly come batch by batch: look further only when `global` is outside the current one.
            if global < starts[current] || global >= starts[current] + batches[current].rowCount {
                var low = 0, high = starts.count - 1
                while low < high {
                    let mid = (low + high + 1) / 2
                    if starts[mid] <= global { low = mid } else { high = mid - 1 }
                }
                current = low
            }
            let columns = sources[current]
            let row = global - starts[current]
            let id: Int64
            switch rowid {
            case .sequence: sequence += 1; id = sequence
            case .column(let c): id = columns.int64(c, row)
            }
            let size = columns.prepare(row)
            if size > recordCapacity {
                record.deallocate()
                recordCapacity = size
                record = .allocate(byteCount: size, alignment: 16)
            }
            columns.encode(row, into: record.assumingMemoryBound(to: UInt8.self))
            try appendCell(rowid: id, payload: UnsafeRawBufferPointer(start: record, count: size))
        }
        if let order {
            for global in order { try write(global) }
        } else {
            for global in 0..<total { try write(global) }
        }
        nanStoredAsNull += sources.reduce(0) { $0 + $1.nanCount }
    }

    /// Adds one table-leaf cell, spilling the payload to overflow pages when it is large.
    private func appendCell(rowid: Int64, payload: UnsafeRawBufferPointer) throws {
        let usable = pageSize
        let total = payload.count
        let local = Self.localPayload(total, usable: usable)
        let cellSize = varintLength(UInt64(total)) + varintLength(UInt64(bitPattern: rowid)) + local + (local < total ? 4 : 0)
        if leafCells > 0 && leafContentStart - cellSize < 8 + 2 * (leafCells + 1) { try flushLeaf() }
        var firstOverflow = 0
        if local < total { firstOverflow = try appendOverflow(payload, from: local) }
        leafContentStart -= cellSize
        let cell = (leaf + leafContentStart).assumingMemoryBound(to: UInt8.self)
        var at = putVarint(UInt64(total), cell)
        at += putVarint(UInt64(bitPattern: rowid), cell + at)
        (cell + at).update(from: payload.baseAddress!.assumingMemoryBound(to: UInt8.self), count: local)
        at += local
        if local < total { putBigEndian(UInt32(firstOverflow), cell + at) }
        putBigEndian(UInt16(leafContentStart), (leaf + 8 + 2 * leafCells).assumingMemoryBound(to: UInt8.self))
        leafCells += 1
        leafLastRowid = rowid
    }

    /// Writes the part of `payload` after its first `local` bytes to a chain of overflow
    /// pages; returns the first one's number.
    private func appendOverflow(_ payload: UnsafeRawBufferPointer, from local: Int) throws -> Int {
        let perPage = pageSize - 4
        let first = nextPage
        var offset = local
        while offset < payload.count {
            let n = min(perPage, payload.count - offset)
            let page = try newPage()
            let bytes = page.assumingMemoryBound(to: UInt8.self)
            let isLast = offset + n == payload.count
            putBigEndian(UInt32(isLast ? 0 : nextPage), bytes)   // nextPage: the page after this one
            (page + 4).copyMemory(from: payload.baseAddress! + offset, byteCount: n)
            if n < perPage { (page + 4 + n).initializeMemory(as: UInt8.self, repeating: 0, count: perPage - n) }
            offset += n
        }
        return first
    }

    private func flushLeaf() throws {
        let page = try newPage()
        writeHeader(of: leaf, type: 0x0D, cells: leafCells, contentStart: leafContentStart, headerAt: 0)
        let pointers = 8 + 2 * leafCells
        leaf.advanced(by: pointers).initializeMemory(as: UInt8.self, repeating: 0, count: leafContentStart - pointers)
        page.copyMemory(from: leaf, byteCount: pageSize)
        children.append((nextPage - 1, leafLastRowid))
        leafCells = 0
        leafContentStart = pageSize
    }

    // MARK: finishing

    /// Builds the interior levels, writes page 1 (header and schema), syncs and closes the file.
    /// - Parameter createSQL: The `CREATE TABLE` statement, exactly as SQLite should keep it.
    func finish(table: String, createSQL: String) throws {
        if leafCells > 0 || children.isEmpty { try flushLeaf() }
        var level = children
        while level.count > 1 { level = try interiorLevel(over: level) }
        let root = level[0].page
        try flushBuffer()
        try output.finish()
        let pageCount = nextPage - 1

        let first = UnsafeMutableRawPointer.allocate(byteCount: pageSize, alignment: 16)
        defer { first.deallocate() }
        first.initializeMemory(as: UInt8.self, repeating: 0, count: pageSize)
        let header = first.assumingMemoryBound(to: UInt8.self)
        let magic = Array("SQLite format 3".utf8) + [0]
        header.update(from: magic, count: 16)
        putBigEndian(UInt16(pageSize == 65536 ? 1 : pageSize), header + 16)
        header[18] = 1; header[19] = 1                       // rollback journal (not WAL)
        header[21] = 64; header[22] = 32; header[23] = 32    // payload fractions (fixed values)
        putBigEndian(UInt32(1), header + 24)                 // change counter
        putBigEndian(UInt32(pageCount), header + 28)         // pages in the file
        putBigEndian(UInt32(1), header + 40)                 // schema cookie
        putBigEndian(UInt32(4), header + 44)                 // schema format 4
        putBigEndian(UInt32(1), header + 56)                 // UTF-8
        putBigEndian(UInt32(1), header + 92)                 // version-valid-for = change counter
        putBigEndian(UInt32(sqlite3_libversion_number()), header + 96)

        // The schema table: one row (type, name, tbl_name, rootpage, sql).
        let schemaRecord = Self.schemaRecord(table: table, rootPage: root, sql: createSQL)
        let cellSize = 1 + varintLength(UInt64(schemaRecord.count)) + schemaRecord.count
        guard schemaRecord.count <= Self.localPayload(schemaRecord.count, usable: pageSize),
              100 + 8 + 2 + cellSize <= pageSize else {
            throw SQLError(.invalidArgument, message: "the CREATE TABLE statement (\(createSQL.utf8.count) bytes) does not fit the first page")
        }
        let contentStart = pageSize - cellSize
        var at = contentStart + putVarint(UInt64(schemaRecord.count), header + contentStart)
        at += putVarint(1, header + at)
        header.advanced(by: at).update(from: schemaRecord, count: schemaRecord.count)
        writeHeader(of: first, type: 0x0D, cells: 1, contentStart: contentStart, headerAt: 100)
        putBigEndian(UInt16(contentStart), header + 108)
        try write(first, count: pageSize, at: 0)
        guard fsync(descriptor) == 0 else { throw ioError("syncing") }
        finished = true
    }

    /// Groups `children` under interior pages; returns those pages with their largest rowids.
    private func interiorLevel(over children: [(page: Int, maxRowid: Int64)]) throws -> [(page: Int, maxRowid: Int64)] {
        // A cell is a 4-byte child number and a rowid varint (at most 9 bytes), plus its pointer.
        let perPage = (pageSize - 12) / 15 + 1
        let pages = (children.count + perPage - 1) / perPage
        var parents: [(page: Int, maxRowid: Int64)] = []
        var start = 0
        for p in 0..<pages {
            // Even shares, so no page is left with a single child.
            let end = start + (children.count - start) / (pages - p)
            let page = try newPage()
            let bytes = page.assumingMemoryBound(to: UInt8.self)
            var contentStart = pageSize
            let cells = end - start - 1
            for (i, child) in children[start..<(end - 1)].enumerated() {
                let size = 4 + varintLength(UInt64(bitPattern: child.maxRowid))
                contentStart -= size
                putBigEndian(UInt32(child.page), bytes + contentStart)
                _ = putVarint(UInt64(bitPattern: child.maxRowid), bytes + contentStart + 4)
                putBigEndian(UInt16(contentStart), bytes + 12 + 2 * i)
            }
            page.advanced(by: 12 + 2 * cells).initializeMemory(as: UInt8.self, repeating: 0, count: contentStart - 12 - 2 * cells)
            writeHeader(of: page, type: 0x05, cells: cells, contentStart: contentStart, headerAt: 0)
            putBigEndian(UInt32(children[end - 1].page), bytes + 8)
            parents.append((nextPage - 1, children[end - 1].maxRowid))
            start = end
        }
        return parents
    }

    private func writeHeader(of page: UnsafeMutableRawPointer, type: UInt8, cells: Int, contentStart: Int, headerAt offset: Int) {
        let bytes = page.assumingMemoryBound(to: UInt8.self) + offset
        bytes[0] = type
        bytes[1] = 0; bytes[2] = 0                           // no freeblocks
        putBigEndian(UInt16(cells), bytes + 3)
        putBigEndian(UInt16(contentStart == 65536 ? 0 : contentStart), bytes + 5)
        bytes[7] = 0                                         // no fragmented bytes
    }

    /// The next page in the file (its number is `nextPage` before the call), to fill completely.
    private func newPage() throws -> UnsafeMutableRawPointer {
        if buffered == bufferPages { try flushBuffer() }
        let page = buffer + buffered * pageSize
        buffered += 1
        nextPage += 1
        return page
    }

    private func flushBuffer() throws {
        guard buffered > 0 else { return }
        try output.write(buffer, count: buffered * pageSize, at: (bufferedFrom - 1) * pageSize)
        buffer = try output.nextBuffer()
        bufferedFrom += buffered
        buffered = 0
    }

    private func write(_ bytes: UnsafeRawPointer, count: Int, at offset: Int) throws {
        if let failure = pwriteAll(descriptor, bytes, count: count, at: offset, path: path) { throw failure }
    }

    private func ioError(_ doing: String) -> SQLError { fileError(doing, path) }

    // MARK: format rules

    /// How much of a `total`-byte payload a table leaf keeps on the page (the rest overflows).
    static func localPayload(_ total: Int, usable: Int) -> Int {
        let maxLocal = usable - 35
        if total <= maxLocal { return total }
        let minLocal = (usable - 12) * 32 / 255 - 23
        let k = minLocal + (total - minLocal) % (usable - 4)
        return k <= maxLocal ? k : minLocal
    }

    private static func schemaRecord(table: String, rootPage: Int, sql: String) -> [UInt8] {
        let texts = [Array("table".utf8), Array(table.utf8), Array(table.utf8)]
        let sqlBytes = Array(sql.utf8)
        let (rootType, rootSize) = integerSerialType(Int64(rootPage))
        let types = texts.map { UInt64(13 + 2 * $0.count) } + [rootType, UInt64(13 + 2 * sqlBytes.count)]
        var header: [UInt8] = []
        var scratch = [UInt8](repeating: 0, count: 9)
        for t in types { let n = putVarint(t, &scratch); header += scratch[0..<n] }
        let n = putVarint(UInt64(recordHeaderSize(header.count)), &scratch)
        var out = Array(scratch[0..<n]) + header
        for t in texts { out += t }
        var root = [UInt8](repeating: 0, count: 8)
        putBigEndianInteger(Int64(rootPage), size: rootSize, &root)
        out += root[0..<rootSize]
        out += sqlBytes
        return out
    }
}

// MARK: - writing

/// Writes full page buffers on its own thread while the next ones are filled: a few
/// buffers go round between the two sides through two queues (full ones to the writer,
/// written ones back), so encoding and the kernel's copy into the page cache overlap.
private final class ChunkWriter {
    /// A buffer and where it goes; owned by one side at a time (handed over through a queue).
    struct Chunk: @unchecked Sendable {
        var bytes: UnsafeMutableRawPointer
        var count: Int
        var offset: Int
    }

    /// The writer thread's first error, read by the filling side once the thread has stopped.
    final class Failure: Sendable {
        let error = Mutex<SQLError?>(nil)
        func get() -> SQLError { error.withLock { $0 } ?? SQLError(.query, message: "the page writer stopped") }
    }

    private let full = BoundedQueue<Chunk>(capacity: 3)
    private let empty = BoundedQueue<Chunk>(capacity: 4)
    private let failure = Failure()
    private let buffers: [UnsafeMutableRawPointer]
    private var thread: WorkerThread?

    init(descriptor: Int32, path: String, chunkBytes: Int) throws {
        buffers = (0..<4).map { _ in .allocate(byteCount: chunkBytes, alignment: 4096) }
        for buffer in buffers { _ = empty.put(Chunk(bytes: buffer, count: 0, offset: 0)) }
        let (full, empty, failure) = (full, empty, failure)
        do {
            thread = try WorkerThread.start(name: "writing \(path)") {
                // `full` is never finished with an error: take() only returns nil at the end.
                while let chunk = try? full.take() {
                    if let error = pwriteAll(descriptor, chunk.bytes, count: chunk.count, at: chunk.offset, path: path) {
                        failure.error.withLock { $0 = error }
                        full.cancel()
                        empty.finish()
                        return
                    }
                    _ = empty.put(chunk)
                }
            }
        } catch {
            for buffer in buffers { buffer.deallocate() }
            throw error
        }
    }

    /// A buffer to fill (waits for one the writer is done with); throws the writer's error.
    func nextBuffer() throws -> UnsafeMutableRawPointer {
        guard let chunk = try empty.take() else { throw failure.get() }
        return chunk.bytes
    }

    /// Hands `count` bytes of `bytes` (a buffer from ``nextBuffer()``) over to be written at `offset`.
    func write(_ bytes: UnsafeMutableRawPointer, count: Int, at offset: Int) throws {
        guard full.put(Chunk(bytes: bytes, count: count, offset: offset)) else { throw failure.get() }
    }

    /// Waits until everything handed over is written; throws the first write error.
    func finish() throws {
        full.finish()
        thread?.join()
        thread = nil
        if let error = failure.error.withLock({ $0 }) { throw error }
    }

    /// Stops the writer (if still running: what it has not written is dropped) and frees the buffers.
    func close() {
        if let thread {
            full.cancel()
            full.finish()
            thread.join()
            self.thread = nil
        }
        for buffer in buffers { buffer.deallocate() }
    }
}

/// Writes all `count` bytes at `offset`; returns the error instead of throwing (for the writer thread).
private func pwriteAll(_ descriptor: Int32, _ bytes: UnsafeRawPointer, count: Int, at offset: Int, path: String) -> SQLError? {
    var done = 0
    while done < count {
        let n = pwrite(descriptor, bytes + done, count - done, off_t(offset + done))
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { return fileError("writing", path) }
        done += n
    }
    return nil
}

private func fileError(_ doing: String, _ path: String) -> SQLError {
    // SQLite's codes for the same failures: FULL and IOERR, both transient (retried by a task's policy).
    SQLError(.query, message: "\(doing) \(path): \(String(cString: strerror(errno)))",
             sqlState: "\(errno == ENOSPC ? SQLITE_FULL : SQLITE_IOERR)",
             hint: errno == ENOSPC ? "free disk space and load again" : "check the file system")
}

// MARK: - records

/// The columns of one batch as a record encoder reads them: raw pointers per column
/// (no reference counting per cell), dates, timestamps and decimals formatted to text
/// once (``SQLiteTextSlots``, the text the row-by-row path stores). ``prepare(_:)``
/// works out a row's serial types, ``encode(_:into:)`` then writes its record.
private struct RecordColumns {
    enum Kind { case rowid, int64, float64, bool, text, blob, fixedText }
    struct Source {
        var kind: Kind
        var values: UnsafeRawPointer?
        var offsets: UnsafePointer<Int64>?
        var bytes: UnsafePointer<UInt8>?
        var lengths: UnsafePointer<Int32>?
        var width = 0
        var validity: UnsafeMutablePointer<UInt64>?
    }

    private let sources: UnsafeMutablePointer<Source>
    private let count: Int
    /// The current row's serial types and body sizes, per column.
    private let types: UnsafeMutablePointer<UInt64>
    private let sizes: UnsafeMutablePointer<Int>
    private let headerSize: UnsafeMutablePointer<Int>
    /// NaN values met by ``prepare(_:)`` (written as NULL).
    private let nans: UnsafeMutablePointer<Int>
    var nanCount: Int { nans.pointee }
    private let slots: [SQLiteTextSlots]
    private let batch: Table

    init(_ batch: Table, rowidColumn: Int?) {
        self.batch = batch
        count = batch.columns.count
        sources = .allocate(capacity: max(count, 1))
        types = .allocate(capacity: max(count, 1))
        sizes = .allocate(capacity: max(count, 1))
        headerSize = .allocate(capacity: 1)
        nans = .allocate(capacity: 1)
        nans.initialize(to: 0)
        var slots: [SQLiteTextSlots] = []
        for (index, column) in batch.columns.enumerated() {
            var source = Source(kind: .rowid)
            if let bitmap = column.validity {
                let words = bitmap.words
                let copy = UnsafeMutablePointer<UInt64>.allocate(capacity: max(words.count, 1))
                copy.initialize(from: words, count: words.count)
                source.validity = copy
            }
            if index == rowidColumn {
                source.values = UnsafeRawPointer(column.unsafeValuesAddress(as: Int64.self))
            } else {
                switch column.type {
                case .int64:
                    source.kind = .int64
                    source.values = UnsafeRawPointer(column.unsafeValuesAddress(as: Int64.self))
                case .float64:
                    source.kind = .float64
                    source.values = UnsafeRawPointer(column.unsafeValuesAddress(as: Double.self))
                case .bool:
                    source.kind = .bool
                    source.values = UnsafeRawPointer(column.unsafeValuesAddress(as: UInt8.self))
                case .string, .binary:
                    let strings = column.unsafeStrings()
                    source.kind = column.type == .string ? .text : .blob
                    source.offsets = strings.offsets
                    source.bytes = strings.bytes
                case .date, .timestamp, .decimal:
                    let text = SQLiteTextSlots(column)!
                    slots.append(text)
                    source.kind = .fixedText
                    source.bytes = UnsafePointer(text.buffer)
                    source.lengths = UnsafePointer(text.lengths)
                    source.width = text.width
                }
            }
            (sources + index).initialize(to: source)
        }
        self.slots = slots
    }

    func deallocate() {
        for c in 0..<count { sources[c].validity?.deallocate() }
        sources.deallocate()
        types.deallocate()
        sizes.deallocate()
        headerSize.deallocate()
        nans.deallocate()
        for s in slots { s.deallocate() }
        withExtendedLifetime(batch) {}
    }

    /// Column `c`'s int64 at `row` (the rowid column).
    @inline(__always) func int64(_ c: Int, _ row: Int) -> Int64 {
        sources[c].values!.load(fromByteOffset: row &* 8, as: Int64.self)
    }

    /// Works out `row`'s serial types (the file format's record format); returns the record's size.
    @inline(__always) func prepare(_ row: Int) -> Int {
        var typesLength = 0, body = 0
        for c in 0..<count {
            let source = sources[c]
            var type: UInt64 = 0, size = 0
            if source.kind != .rowid, source.validity.map({ ($0[row >> 6] >> UInt64(row & 63)) & 1 == 1 }) ?? true {
                switch source.kind {
                case .rowid: break
                case .int64: (type, size) = integerSerialType(source.values!.load(fromByteOffset: row &* 8, as: Int64.self))
                case .float64:
                    if !source.values!.load(fromByteOffset: row &* 8, as: Double.self).isNaN { (type, size) = (7, 8) } else { nans.pointee &+= 1 }
                case .bool: type = source.values!.load(fromByteOffset: row, as: UInt8.self) != 0 ? 9 : 8
                case .text, .blob:
                    size = Int(source.offsets![row &+ 1] &- source.offsets![row])
                    type = UInt64(size &* 2 &+ (source.kind == .text ? 13 : 12))
                case .fixedText:
                    size = Int(source.lengths![row])
                    type = UInt64(size &* 2 &+ 13)
                }
            }
            types[c] = type
            sizes[c] = size
            typesLength &+= varintLength(type)
            body &+= size
        }
        headerSize.pointee = recordHeaderSize(typesLength)
        return headerSize.pointee &+ body
    }

    /// Writes the record of the row last given to ``prepare(_:)`` to `out`.
    @inline(__always) func encode(_ row: Int, into out: UnsafeMutablePointer<UInt8>) {
        let header = headerSize.pointee
        var h = putVarint(UInt64(header), out)
        var b = header
        for c in 0..<count {
            h &+= putVarint(types[c], out + h)
            let size = sizes[c]
            guard size > 0 else { continue }
            let source = sources[c]
            switch source.kind {
            case .int64: putBigEndianInteger(source.values!.load(fromByteOffset: row &* 8, as: Int64.self), size: size, out + b)
            case .float64: putBigEndian(source.values!.load(fromByteOffset: row &* 8, as: Double.self).bitPattern, out + b)
            case .text, .blob: (out + b).update(from: source.bytes! + Int(source.offsets![row]), count: size)
            case .fixedText: (out + b).update(from: source.bytes! + row &* source.width, count: size)
            case .rowid, .bool: break
            }
            b &+= size
        }
    }
}

/// The header size of a record whose serial types take `typesLength` bytes: the types
/// plus the varint holding the size itself.
@inline(__always) private func recordHeaderSize(_ typesLength: Int) -> Int {
    let withOne = typesLength &+ 1
    return withOne <= 127 ? withOne : typesLength &+ varintLength(UInt64(typesLength &+ varintLength(UInt64(withOne))))
}

/// The smallest integer serial type holding `value` (file format 4: 0 and 1 take no bytes).
@inline(__always) private func integerSerialType(_ value: Int64) -> (type: UInt64, size: Int) {
    if value == 0 { return (8, 0) }
    if value == 1 { return (9, 0) }
    let magnitude = value < 0 ? ~value : value
    if magnitude <= 127 { return (1, 1) }
    if magnitude <= 32767 { return (2, 2) }
    if magnitude <= 8_388_607 { return (3, 3) }
    if magnitude <= 2_147_483_647 { return (4, 4) }
    if magnitude <= 0x7FFF_FFFF_FFFF { return (5, 6) }
    return (6, 8)
}

// MARK: - bytes

@inline(__always) private func varintLength(_ value: UInt64) -> Int {
    if value <= 0x7F { return 1 }
    if value <= 0x3FFF { return 2 }
    if value > 0x00FF_FFFF_FFFF_FFFF { return 9 }
    return (64 - value.leadingZeroBitCount + 6) / 7
}

/// SQLite's varint: big-endian groups of 7 bits with the high bit set on all but the
/// last byte; a ninth byte, when needed, carries 8 bits. Returns the bytes written.
@discardableResult @inline(__always)
private func putVarint(_ value: UInt64, _ out: UnsafeMutablePointer<UInt8>) -> Int {
    if value <= 0x7F { out[0] = UInt8(value); return 1 }
    if value <= 0x3FFF { out[0] = UInt8(truncatingIfNeeded: value >> 7) | 0x80; out[1] = UInt8(value & 0x7F); return 2 }
    if value > 0x00FF_FFFF_FFFF_FFFF {
        out[8] = UInt8(truncatingIfNeeded: value)
        var rest = value >> 8
        for i in stride(from: 7, through: 0, by: -1) { out[i] = UInt8(rest & 0x7F) | 0x80; rest >>= 7 }
        return 9
    }
    let n = varintLength(value)
    var rest = value
    for i in stride(from: n - 1, through: 0, by: -1) {
        out[i] = UInt8(rest & 0x7F) | (i == n - 1 ? 0 : 0x80)
        rest >>= 7
    }
    return n
}

private func putVarint(_ value: UInt64, _ out: inout [UInt8]) -> Int {
    out.withUnsafeMutableBufferPointer { putVarint(value, $0.baseAddress!) }
}

@inline(__always) private func putBigEndian<T: FixedWidthInteger>(_ value: T, _ out: UnsafeMutablePointer<UInt8>) {
    UnsafeMutableRawPointer(out).storeBytes(of: value.bigEndian, as: T.self)
}

@inline(__always) private func putBigEndian<T: FixedWidthInteger>(_ value: T, _ out: UnsafeMutableRawPointer) {
    out.storeBytes(of: value.bigEndian, as: T.self)
}

/// The low `size` bytes of `value`'s two's complement, big-endian.
@inline(__always) private func putBigEndianInteger(_ value: Int64, size: Int, _ out: UnsafeMutablePointer<UInt8>) {
    var v = UInt64(bitPattern: value)
    for i in stride(from: size - 1, through: 0, by: -1) {
        out[i] = UInt8(truncatingIfNeeded: v)
        v >>= 8
    }
}

private func putBigEndianInteger(_ value: Int64, size: Int, _ out: inout [UInt8]) {
    out.withUnsafeMutableBufferPointer { putBigEndianInteger(value, size: size, $0.baseAddress!) }
}
