import SluiceCore

/// Reads a Parquet file: whole with ``readTable(path:options:)``, or row group by
/// row group as a ``TableReader``.
///
/// Only the columns asked for (``ReadOptions/columns``) are read from disk: each
/// column chunk is read with one `pread`, its pages decompressed and decoded straight
/// into the column's buffers (see ``ParquetChunkDecoder``). Flat columns are read into
/// typed columns; a nested column (list, struct, map, any mix) into JSON text, with a
/// note naming it (``ParquetNestedAssembler``).
/// Damage is a ``FormatError`` `.corruptFile` naming the file, row group, column and
/// page — never a crash.
///
/// ```swift
/// let (orders, _) = try ParquetReader.readTable(path: "orders.parquet")
/// var reader = try ParquetReader(path: "orders.parquet")
/// while let rowGroup = try reader.next() { print(rowGroup.rowCount) }
/// ```
public struct ParquetReader: TableReader {
    public let schema: Schema
    public private(set) var report = ReadReport()
    private let input: SluiceInput
    let metadata: ParquetFileMetaData
    let plans: [ParquetColumnPlan]
    private let batchSize: Int
    /// The row groups to read: all, or those the row-group filter cannot rule out.
    let selectedRowGroups: [Int]
    private var nextRowGroup = 0
    private var pending: Table?
    private let observer: (@Sendable (_ file: String, _ rowGroup: Int, _ column: String) -> Void)?

    /// Opens `path` and reads its footer.
    ///
    /// - Throws: ``FormatError`` `.io`, `.corruptFile`, `.unknownColumn` for a column
    ///   asked for that the file lacks, `.invalidOption` for a schema override that
    ///   contradicts the file's types.
    public init(path: String, options: ReadOptions = ReadOptions()) throws {
        try self.init(input: SluiceInput(path: path), options: options)
    }

    /// Reads all of `source` into memory and the table from there (standard input).
    public init(source: any ByteSource, options: ReadOptions = ReadOptions()) throws {
        try self.init(input: SluiceInput(source: source), options: options)
    }

    init(input: SluiceInput, options: ReadOptions) throws {
        self.input = input
        observer = options.chunkObserver
        metadata = try Self.readFooter(input)
        try Self.checkRowCounts(metadata, file: input.name)
        let all = try Self.plan(metadata, file: input.name, wanted: options.columns)
        plans = all
        schema = Schema(all.map { Field($0.name, $0.outputType) })
        batchSize = Swift.max(options.batchSize, 1)
        report.notes = all.compactMap(\.note)
        if let filter = options.rowGroupFilter {
            let footer = metadata
            let named = Set(filter.columns)
            let everyColumn = ((try? Self.plan(footer, file: input.name, wanted: nil)) ?? []).filter { named.contains($0.name) }
            let selected = footer.rowGroups.indices.filter { r in
                filter.mayMatch(Self.ranges(of: footer.rowGroups[r], plans: everyColumn))
            }
            selectedRowGroups = selected
            let skipped = footer.rowGroups.count - selected.count
            if skipped > 0 {
                report.notes.append("skipped \(skipped) of \(metadata.rowGroups.count) row groups whose statistics rule out the filter")
            }
        } else {
            selectedRowGroups = Array(metadata.rowGroups.indices)
        }
        if let override = options.schemaOverride {
            for field in override.fields {
                guard let stored = schema.field(named: field.name) else { continue }
                guard stored.type == field.type else {
                    throw FormatError(.invalidOption, file: input.name, message: "the file stores column \"\(field.name)\" as \(stored.type), --schema says \(field.type)",
                                      hint: "a Parquet file carries its types: drop `\(field.name)` from --schema, or cast it in a transform step")
                }
            }
        }
    }

    /// The whole file (only the columns asked for) as one table, every row group
    /// decoded into the same buffers.
    public static func readTable(path: String, options: ReadOptions = ReadOptions()) throws -> (Table, ReadReport) {
        let reader = try ParquetReader(path: path, options: options)
        let table = try reader.readRowGroups(reader.selectedRowGroups)
        var report = reader.report
        report.rows = table.rowCount
        return (table, report)
    }

    /// Number of row groups in the file.
    public var rowGroupCount: Int { metadata.rowGroups.count }

    /// The statistics of a row group's column chunks as Sluice values (only orders
    /// Sluice shares with Parquet: signed integers, floats, dates, timestamps, and
    /// UTF-8 strings from the new `min_value`/`max_value` fields).
    static func ranges(of group: ParquetRowGroup, plans: [ParquetColumnPlan]) -> [String: ColumnRange] {
        var result: [String: ColumnRange] = [:]
        for plan in plans where plan.leafIndex < group.columns.count && plan.nested == nil {
            guard let stats = group.columns[plan.leafIndex].metaData?.statistics else { continue }
            func value(_ bytes: [UInt8]?) -> Value? {
                guard let bytes else { return nil }
                return bytes.withUnsafeBytes { raw -> Value? in
                    func load<T: FixedWidthInteger>(_: T.Type) -> T? { raw.count == MemoryLayout<T>.size ? T(littleEndian: raw.loadUnaligned(as: T.self)) : nil }
                    switch plan.kind {
                    case .bool: return raw.count == 1 ? .bool(raw[0] != 0) : nil
                    case .int32(true): return load(Int32.self).map { .int64(Int64($0)) }
                    case .int64: return load(Int64.self).map { .int64($0) }
                    case .date: return load(Int32.self).map { .date($0) }
                    case .timestamp(.millis): return load(Int64.self).map { .timestamp($0 &* 1000) }
                    case .timestamp(.micros): return load(Int64.self).map { .timestamp($0) }
                    case .timestamp(.nanos): return load(Int64.self).map { .timestamp(($0 - (($0 % 1000) + 1000) % 1000) / 1000) }
                    case .float: return load(UInt32.self).map { .float64(Double(Float(bitPattern: $0))) }
                    case .double: return load(UInt64.self).map { .float64(Double(bitPattern: $0)) }
                    case .utf8 where !stats.isLegacy: return String(validating: raw, as: UTF8.self).map { .string($0) }
                    default: return nil
                    }
                }
            }
            result[plan.name] = ColumnRange(min: value(stats.min), max: value(stats.max),
                                            nullCount: stats.nullCount.map { Int(clamping: $0) }, rows: Int(clamping: group.rowCount))
        }
        return result
    }

    /// The next batch: at most the batch size, fewer only at the end of the file.
    public mutating func next() throws -> Table? {
        if pending == nil {
            // Whole row groups, as many as the batch size needs, into one set of buffers.
            guard nextRowGroup < selectedRowGroups.count else { return nil }
            var take: [Int] = []
            var rows = 0
            while nextRowGroup < selectedRowGroups.count && (take.isEmpty || rows < batchSize) {
                let r = selectedRowGroups[nextRowGroup]
                take.append(r)
                rows += Int(clamping: metadata.rowGroups[r].rowCount)
                nextRowGroup += 1
            }
            pending = try readRowGroups(take)
        }
        let batch = Table.takeBatch(of: batchSize, from: &pending)
        report.rows += batch.rowCount
        return batch
    }

    /// Row groups `range` as one table.
    func readRowGroups(_ range: Range<Int>) throws -> Table {
        try readRowGroups(Array(range))
    }

    /// Row groups `range` (indices, ascending) as one table.
    func readRowGroups(_ range: [Int]) throws -> Table {
        let groups = range.map { metadata.rowGroups[$0] }
        var rows = 0
        for group in groups { rows += Int(group.rowCount) }
        let capacity = ParquetLimits.reservedRows(claimed: rows, fileSize: input.size)
        let buffers = plans.map { ParquetColumnBuffer(type: $0.outputType, capacity: capacity) }
        guard !plans.isEmpty else { return Table(emptyWith: schema) }
        // Columns are independent: with enough rows, two threads take turns by size
        // (the heaviest column first, each to the thread with less work so far).
        var sizes = [Int](repeating: 0, count: plans.count)
        for (p, plan) in plans.enumerated() {
            for group in groups where plan.leafIndex < group.columns.count {
                sizes[p] += Int(clamping: group.columns[plan.leafIndex].metaData?.totalCompressedSize ?? 0)
            }
        }
        var shares: [[Int]] = [[], []]
        var loads = [0, 0]
        for p in sizes.indices.sorted(by: { sizes[$0] > sizes[$1] }) {
            let thread = loads[0] <= loads[1] ? 0 : 1
            shares[thread].append(p)
            loads[thread] += sizes[p]
        }
        let work = ParquetDecodeWork(reader: self, buffers: buffers, range: range)
        if plans.count >= 2 && rows >= 100_000 && activeProcessorCount() > 1 {
            let second = shares[1]
            try runConcurrently({ work.decode(shares[0], slot: 0) }, { work.decode(second, slot: 1) })
        } else {
            work.decode(Array(plans.indices), slot: 0)
        }
        if let failure = work.failure { throw failure }
        return try Table(schema: schema, columns: buffers.map { $0.finish() })
    }

    fileprivate func readChunk(rowGroup r: Int, plan: ParquetColumnPlan, decoder: inout ParquetChunkDecoder,
                           scratch: RawBuffer, into buffer: ParquetColumnBuffer) throws {
        observer?(input.name, r, plan.name)
        guard let shape = plan.nested else {
            return try readLeafChunk(rowGroup: r, plan: plan, decoder: &decoder, scratch: scratch, into: buffer)
        }
        let leaves = shape.leaves.map { ParquetLeafLevels(type: $0.type) }
        for (leaf, levels) in zip(shape.leaves, leaves) {
            var leafDecoder = ParquetChunkDecoder(plan: leaf, codec: .uncompressed)
            leafDecoder.levels = levels
            try readLeafChunk(rowGroup: r, plan: leaf, decoder: &leafDecoder, scratch: scratch, into: buffer)
        }
        do {
            try ParquetNestedAssembler(shape: shape, leaves: leaves).assemble(rows: Int(metadata.rowGroups[r].rowCount), into: buffer)
        } catch let error as ThriftError {
            throw corrupt("row group \(r + 1) of \(metadata.rowGroups.count), column \"\(plan.name)\": \(error.description)")
        }
    }

    private func readLeafChunk(rowGroup r: Int, plan: ParquetColumnPlan, decoder: inout ParquetChunkDecoder,
                               scratch: RawBuffer, into buffer: ParquetColumnBuffer) throws {
        let group = metadata.rowGroups[r]
        let place = "row group \(r + 1) of \(metadata.rowGroups.count), column \"\(plan.name)\""
        guard plan.leafIndex < group.columns.count, let meta = group.columns[plan.leafIndex].metaData else {
            throw corrupt("\(place): the footer has no metadata for this column chunk")
        }
        guard group.columns[plan.leafIndex].filePath == nil else {
            throw FormatError(.corruptFile, file: input.name, message: "\(place) lives in another file (\(group.columns[plan.leafIndex].filePath!))",
                              hint: "read the data files themselves; Sluice does not follow external column chunks")
        }
        guard meta.type == plan.physical else {
            throw corrupt("\(place): the chunk holds \(meta.type), the schema says \(plan.physical)")
        }
        let rows = Int(group.rowCount)
        if rows == 0 { return }   // writers leave empty chunks' offsets at 0
        var start = meta.dataPageOffset
        if let dictionary = meta.dictionaryPageOffset, dictionary > 0, dictionary < start { start = dictionary }
        let length = meta.totalCompressedSize
        let dataEnd = Int64(input.size - 8)
        guard rows >= 0, start >= 4, length >= 0, start <= dataEnd, length <= dataEnd - start else {
            throw corrupt("\(place): the chunk at bytes \(start)..<\(start &+ length) lies outside the file's \(input.size) bytes")
        }
        scratch.removeAll()
        scratch.reserve(Int(length) + 8)
        try input.read(at: Int(start), into: scratch.mutablePointer, count: Int(length))
        if decoder.codec != meta.codec || decoder.plan.leafIndex != plan.leafIndex {
            let levels = decoder.levels
            decoder = ParquetChunkDecoder(plan: plan, codec: meta.codec)
            decoder.levels = levels
        }
        do {
            try decoder.decode(chunk: UnsafeRawBufferPointer(start: scratch.pointer, count: Int(length)), rows: rows,
                               entries: Int(clamping: meta.valueCount), into: buffer)
        } catch let error as ThriftError {
            throw corrupt("\(place), page \(decoder.pageNumber): \(error.description)")
        }
    }

    private func corrupt(_ message: String) -> FormatError {
        FormatError(.corruptFile, file: input.name, message: "damaged or unsupported Parquet file: \(message)",
                    hint: "the file may be truncated or damaged (write it again from its source), or use a Parquet feature Sluice does not read yet")
    }

    // MARK: footer and schema

    static func readFooter(_ input: SluiceInput) throws -> ParquetFileMetaData {
        let size = input.size
        let magic: [UInt8] = Array("PAR1".utf8)
        guard size >= 12, try input.bytes(at: 0, count: 4) == magic else {
            throw FormatError(.corruptFile, file: input.name, message: "not a Parquet file (\(size) bytes, no \"PAR1\" at the start)",
                              hint: "check the path, or pass --input-format csv|tsv|jsonl|sluice if it is another format")
        }
        let tail = try input.bytes(at: size - 8, count: 8)
        if Array(tail[4..<8]) == Array("PARE".utf8) {
            throw FormatError(.corruptFile, file: input.name, message: "the Parquet file is encrypted",
                              hint: "decrypt it with the tool that wrote it; Sluice does not read encrypted Parquet")
        }
        guard Array(tail[4..<8]) == magic else {
            throw FormatError(.corruptFile, file: input.name, message: "truncated Parquet file: no \"PAR1\" at the end of its \(size) bytes",
                              hint: "the copy was cut short or the writer was interrupted; write it again from its source")
        }
        let length = Int(tail.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }.littleEndian)
        guard length <= size - 12 else {
            throw FormatError(.corruptFile, file: input.name, message: "damaged Parquet file: the footer claims \(length) bytes, the file has \(size)",
                              hint: "the file was cut short or changed after it was written; write it again from its source")
        }
        let footer = try input.bytes(at: size - 8 - length, count: length)
        do {
            return try footer.withUnsafeBytes { try ParquetFileMetaData(bytes: $0) }
        } catch let error as ThriftError {
            throw FormatError(.corruptFile, file: input.name, message: "damaged Parquet footer: \(error.description)",
                              hint: "the file was cut short or changed after it was written; write it again from its source")
        }
    }

    /// Row counts within bounds before anything is sized by them: each row group's
    /// between 0 and ``ParquetLimits/maxRowsPerRowGroup``, and the file's their sum.
    static func checkRowCounts(_ metadata: ParquetFileMetaData, file: String) throws {
        var total: Int64 = 0
        for (r, group) in metadata.rowGroups.enumerated() {
            guard group.rowCount >= 0, group.rowCount <= ParquetLimits.maxRowsPerRowGroup else {
                throw FormatError(.corruptFile, file: file, message: "damaged Parquet footer: row group \(r + 1) of \(metadata.rowGroups.count) claims \(group.rowCount) rows (expected 0 to \(ParquetLimits.maxRowsPerRowGroup))",
                                  hint: "the file was cut short or changed after it was written; write it again from its source")
            }
            total += group.rowCount
        }
        guard metadata.rowCount == total || metadata.rowGroups.isEmpty else {
            throw FormatError(.corruptFile, file: file, message: "damaged Parquet footer: the file claims \(metadata.rowCount) rows, its row groups hold \(total)",
                              hint: "the file was cut short or changed after it was written; write it again from its source")
        }
    }

    /// The plans of the flat columns asked for (all when `wanted` is `nil`), in file order.
    static func plan(_ metadata: ParquetFileMetaData, file: String, wanted: [String]?) throws -> [ParquetColumnPlan] {
        let elements = metadata.schema
        func bad(_ message: String) -> FormatError {
            FormatError(.corruptFile, file: file, message: "damaged Parquet schema: \(message)",
                        hint: "the file was cut short or changed after it was written; write it again from its source")
        }
        let topCount = Int(elements[0].childCount ?? 0)
        guard topCount >= 0, topCount < elements.count else { throw bad("the root claims \(topCount) children, the schema has \(elements.count - 1) elements") }
        var plans: [ParquetColumnPlan] = []
        var nested: [String] = []
        var index = 1
        var leaf = 0
        /// Skips the subtree at `index`, counting its leaves.
        func skipSubtree(depth: Int) throws {
            guard depth < 64 else { throw bad("groups nested deeper than 64 levels") }
            guard index < elements.count else { throw bad("the schema ends inside a group") }
            let element = elements[index]
            index += 1
            let children = Int(element.childCount ?? 0)
            if children == 0 && element.type != nil { leaf += 1; return }
            guard children >= 0, children <= elements.count - index else { throw bad("group \"\(element.name)\" claims \(children) children") }
            for _ in 0..<children { try skipSubtree(depth: depth + 1) }
        }
        var failed: [String: String] = [:]
        var legacyTimestamps: Set<String> = []
        for _ in 0..<topCount {
            guard index < elements.count else { throw bad("the schema ends before the root's \(topCount) columns") }
            let element = elements[index]
            if (element.childCount ?? 0) > 0 || element.repetition == .repeated || element.type == nil {
                // A nested column: its whole subtree, read as JSON text.
                let start = index, firstLeaf = leaf
                do {
                    let shape = try ParquetNestedShape.make(elements, index: &index, leaf: &leaf)
                    var plan = shape.leaves[0]
                    plan.name = element.name
                    plan.nested = shape
                    plan.note = "column \"\(element.name)\" is nested (\(shape.typeDescription)): read as JSON text"
                    plans.append(plan)
                } catch let error as ThriftError {
                    // Unreadable (an unsupported leaf type, say): an error only if asked for.
                    index = start
                    leaf = firstLeaf
                    try skipSubtree(depth: 0)
                    nested.append(element.name)
                    failed[element.name] = error.description
                }
                continue
            }
            index += 1
            if element.logicalType == nil && (element.convertedType == .timestampMillis || element.convertedType == .timestampMicros) {
                legacyTimestamps.insert(element.name)
            }
            let maxLevel = element.repetition == .required ? 0 : 1
            switch ParquetColumnPlan.make(element: element, name: element.name, leafIndex: leaf, maxDefinitionLevel: maxLevel) {
            case .success(let plan): plans.append(plan)
            case .failure(let error): throw bad(error.description)
            }
            leaf += 1
        }
        if let arrow = ParquetArrowSchema(metadata: metadata.keyValueMetadata) {
            let fields = Dictionary(arrow.fields.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            for i in plans.indices {
                if let field = fields[plans[i].name] { plans[i].refine(with: field, legacyTimestamp: legacyTimestamps.contains(plans[i].name)) }
            }
        }
        let names = plans.map(\.name) + nested
        var seen: Set<String> = []
        for name in names where !seen.insert(name).inserted {
            throw FormatError(.corruptFile, file: file, message: "the Parquet file has two columns named \"\(name)\"",
                              hint: "write it again with distinct column names")
        }
        if let wanted {
            for name in wanted where !names.contains(name) {
                throw FormatError(.unknownColumn, file: file, message: "no column \"\(name)\" to read (columns: \(names.joined(separator: ", ")))",
                                  hint: suggestion(for: name, among: names).map { "did you mean `\($0)`?" })
            }
        }
        if let name = nested.first(where: { wanted?.contains($0) ?? true }) {
            throw FormatError(.corruptFile, file: file, message: "nested column \"\(name)\" cannot be read: \(failed[name] ?? "unsupported")",
                              hint: "read the other columns, e.g. `sluice scan \(file) --columns \(plans.map(\.name).joined(separator: ","))`")
        }
        if let wanted { return plans.filter { wanted.contains($0.name) } }
        return plans
    }
}

/// The columns of one read shared by two threads: each decodes its own columns into
/// their own buffers and records its own failure (disjoint memory, joined by
/// `runConcurrently` before anything is read back).
private final class ParquetDecodeWork: @unchecked Sendable {
    let reader: ParquetReader
    let buffers: [ParquetColumnBuffer]
    let range: [Int]
    private var failures: [(any Error)?] = [nil, nil]

    init(reader: ParquetReader, buffers: [ParquetColumnBuffer], range: [Int]) {
        self.reader = reader
        self.buffers = buffers
        self.range = range
    }

    var failure: (any Error)? { failures[0] ?? failures[1] }

    func decode(_ columns: [Int], slot: Int) {
        let chunk = RawBuffer()
        do {
            for p in columns {
                let plan = reader.plans[p]
                var decoder = ParquetChunkDecoder(plan: plan, codec: .uncompressed)
                for r in range {
                    try reader.readChunk(rowGroup: r, plan: plan, decoder: &decoder, scratch: chunk, into: buffers[p])
                }
            }
        } catch {
            failures[slot] = error
        }
    }
}
