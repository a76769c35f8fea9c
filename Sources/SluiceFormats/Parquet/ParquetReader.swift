import SluiceCore

/// Reads a Parquet file: whole with ``readTable(path:options:)``, or row group by
/// row group as a ``TableReader``.
///
/// Only the columns asked for (``ReadOptions/columns``) are read from disk: each
/// column chunk is read with one `pread`, its pages decompressed and decoded straight
/// into the column's buffers (see ``ParquetChunkDecoder``). Flat columns only: a
/// nested column (list, struct, map) is an error naming it, unless projected away.
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
    private var nextRowGroup = 0
    private var pending: Table?

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
        metadata = try Self.readFooter(input)
        let all = try Self.plan(metadata, file: input.name, wanted: options.columns)
        plans = all
        schema = Schema(all.map { Field($0.name, $0.type) })
        batchSize = Swift.max(options.batchSize, 1)
        report.notes = all.compactMap(\.note)
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
        let table = try reader.readRowGroups(0..<reader.metadata.rowGroups.count)
        var report = reader.report
        report.rows = table.rowCount
        return (table, report)
    }

    /// Number of row groups in the file.
    public var rowGroupCount: Int { metadata.rowGroups.count }

    public mutating func next() throws -> Table? {
        if pending == nil {
            guard nextRowGroup < metadata.rowGroups.count else { return nil }
            pending = try readRowGroups(nextRowGroup..<nextRowGroup + 1)
            nextRowGroup += 1
        }
        let table = pending!
        if table.rowCount <= batchSize {
            pending = nil
            report.rows += table.rowCount
            return table
        }
        pending = table.slice(batchSize..<table.rowCount)
        report.rows += batchSize
        return table.slice(0..<batchSize)
    }

    /// Row groups `range` as one table.
    func readRowGroups(_ range: Range<Int>) throws -> Table {
        let groups = metadata.rowGroups[range]
        var rows = 0
        for group in groups { rows += Int(group.rowCount) }
        let capacity = Swift.min(rows, 1 << 24)
        let buffers = plans.map { ParquetColumnBuffer(type: $0.type, capacity: capacity) }
        let chunk = RawBuffer()
        for (p, plan) in plans.enumerated() {
            var decoder = ParquetChunkDecoder(plan: plan, codec: .uncompressed)
            for r in range {
                try readChunk(rowGroup: r, plan: plan, decoder: &decoder, scratch: chunk, into: buffers[p])
            }
        }
        guard !plans.isEmpty else { return Table(emptyWith: schema) }
        return try Table(schema: schema, columns: buffers.map { $0.finish() })
    }

    private func readChunk(rowGroup r: Int, plan: ParquetColumnPlan, decoder: inout ParquetChunkDecoder,
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
            decoder = ParquetChunkDecoder(plan: plan, codec: meta.codec)
        }
        do {
            try decoder.decode(chunk: UnsafeRawBufferPointer(start: scratch.pointer, count: Int(length)), rows: rows, into: buffer)
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
                              hint: "check the path, or pass --format csv|tsv|jsonl|sluice if it is another format")
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
        for _ in 0..<topCount {
            guard index < elements.count else { throw bad("the schema ends before the root's \(topCount) columns") }
            let element = elements[index]
            if (element.childCount ?? 0) > 0 || element.repetition == .repeated || element.type == nil {
                nested.append(element.name)
                try skipSubtree(depth: 0)
                continue
            }
            index += 1
            let maxLevel = element.repetition == .required ? 0 : 1
            switch ParquetColumnPlan.make(element: element, name: element.name, leafIndex: leaf, maxDefinitionLevel: maxLevel) {
            case .success(let plan): plans.append(plan)
            case .failure(let error): throw bad(error.description)
            }
            leaf += 1
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
        let nestedWanted = nested.filter { wanted?.contains($0) ?? true }
        if !nestedWanted.isEmpty {
            throw FormatError(.corruptFile, file: file,
                              message: "column\(nestedWanted.count == 1 ? "" : "s") \(nestedWanted.map { "\"\($0)\"" }.joined(separator: ", ")) \(nestedWanted.count == 1 ? "is" : "are") nested (list, struct or map); Sluice reads flat Parquet columns only so far",
                              hint: "read the flat columns only: " + plans.map(\.name).joined(separator: ", "))
        }
        if let wanted { return plans.filter { wanted.contains($0.name) } }
        return plans
    }
}
