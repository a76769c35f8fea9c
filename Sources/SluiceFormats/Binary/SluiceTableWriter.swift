import SluiceCore

/// Writes tables as a `.sluice` file: binary, columnar, the column buffers as they
/// are in memory (layout in ``SluiceTableLayout``), each with an XXH64 checksum.
///
/// Every ``write(_:)`` adds record batches (of at most 65,536 rows); a sliced column
/// writes only its own rows. The file appears when ``finish()`` commits the
/// ``OutputFile`` (temporary file, `fsync`, rename), so a failed or killed writer
/// leaves nothing behind.
///
/// ```swift
/// var writer = SluiceTableWriter(output: try OutputFile(path: "run/orders.sluice"))
/// for batch in batches { try writer.write(batch) }
/// try writer.finish()
/// ```
public struct SluiceTableWriter: TableWriter {
    private let output: OutputFile
    private var schema: Schema?
    /// Bytes written so far: the file offset of the next byte.
    private var position = 0
    private var batches: [(rows: Int, buffers: [SluiceBufferEntry])] = []
    private var totalRows = 0
    /// Rebased string offsets of a batch whose first offset is not 0.
    private let scratch = RawBuffer()

    public init(output: OutputFile) {
        self.output = output
    }

    public mutating func write(_ table: Table) throws {
        _ = try output.admitBatch(table.schema, first: &schema)
        if position == 0 { try writeHeader() }
        var start = 0
        while start < table.rowCount {
            let end = Swift.min(start + SluiceTableLayout.maxBatchRows, table.rowCount)
            try writeBatch(start == 0 && end == table.rowCount ? table : table.slice(start..<end))
            start = end
        }
    }

    public mutating func finish() throws {
        if position == 0 { try writeHeader() }
        let schema = self.schema ?? Schema([])
        var footer = LittleEndianEncoder()
        footer.put(totalRows)
        footer.put(UInt32(schema.count))
        footer.put(UInt32(batches.count))
        for field in schema.fields {
            footer.put(SluiceTableLayout.code(of: field.type))
            footer.put(bytes: SluiceTableLayout.parameters(of: field.type) + [0])
            let name = Array(field.name.utf8)
            footer.put(UInt32(name.count))
            footer.put(bytes: name)
        }
        for batch in batches {
            footer.put(batch.rows)
            for entry in batch.buffers {
                footer.put(entry.offset)
                footer.put(entry.length)
                footer.put(entry.checksum)
            }
        }
        try pad()
        let footerOffset = position
        try footer.bytes.withUnsafeBytes { try put($0) }
        var trailer = LittleEndianEncoder()
        trailer.put(footerOffset)
        trailer.put(footer.bytes.count)
        trailer.put(footer.bytes.withUnsafeBytes { XXHash64.hash($0) })
        trailer.put(bytes: SluiceTableLayout.endMagic)
        try trailer.bytes.withUnsafeBytes { try put($0) }
        try output.commit()
    }

    private mutating func writeHeader() throws {
        var header = LittleEndianEncoder()
        header.put(bytes: SluiceTableLayout.magic)
        header.put(SluiceTableLayout.version)
        header.put(bytes: [UInt8](repeating: 0, count: SluiceTableLayout.headerSize - header.bytes.count))
        try header.bytes.withUnsafeBytes { try put($0) }
    }

    private mutating func writeBatch(_ batch: Table) throws {
        var entries: [SluiceBufferEntry] = []
        entries.reserveCapacity(batch.columnCount * 3)
        try withExtendedLifetime(batch) {
            for column in batch.columns {
                if let validity = column.validity {
                    entries.append(try validity.words.withUnsafeBytes { try putBuffer($0) })
                } else {
                    entries.append(.absent)
                }
                switch column.type {
                case .string, .binary:
                    let strings = column.unsafeStrings()
                    let first = Int(strings.offsets[0]), last = Int(strings.offsets[strings.count])
                    let offsetBytes = (strings.count + 1) * 8
                    if first == 0 {
                        entries.append(try putBuffer(UnsafeRawBufferPointer(start: strings.offsets, count: offsetBytes)))
                    } else {
                        scratch.removeAll()
                        scratch.reserve(offsetBytes)
                        let rebased = scratch.mutablePointer.assumingMemoryBound(to: Int64.self)
                        let shift = Int64(first)
                        for i in 0...strings.count { rebased[i] = strings.offsets[i] &- shift }
                        entries.append(try putBuffer(UnsafeRawBufferPointer(start: scratch.pointer, count: offsetBytes)))
                    }
                    entries.append(try putBuffer(UnsafeRawBufferPointer(start: strings.bytes + first, count: last - first)))
                case .bool:
                    entries.append(try column.withUnsafeValues(as: UInt8.self) { try putBuffer(UnsafeRawBufferPointer($0)) })
                    entries.append(.absent)
                case .date:
                    entries.append(try column.withUnsafeValues(as: Int32.self) { try putBuffer(UnsafeRawBufferPointer($0)) })
                    entries.append(.absent)
                case .int64, .float64, .timestamp:
                    entries.append(try column.withUnsafeValues(as: Int64.self) { try putBuffer(UnsafeRawBufferPointer($0)) })
                    entries.append(.absent)
                case .decimal:
                    entries.append(try column.withUnsafeValues(as: Int128.self) { try putBuffer(UnsafeRawBufferPointer($0)) })
                    entries.append(.absent)
                }
            }
        }
        batches.append((batch.rowCount, entries))
        totalRows += batch.rowCount
    }

    /// Writes one buffer at the next aligned offset and describes it.
    private mutating func putBuffer(_ bytes: UnsafeRawBufferPointer) throws -> SluiceBufferEntry {
        guard bytes.count > 0 else { return .absent }
        try pad()
        let entry = SluiceBufferEntry(offset: position, length: bytes.count, checksum: XXHash64.hash(bytes))
        try put(bytes)
        return entry
    }

    private mutating func put(_ bytes: UnsafeRawBufferPointer) throws {
        try output.write(bytes)
        position += bytes.count
    }

    private static let zeros = [UInt8](repeating: 0, count: SluiceTableLayout.alignment)

    /// Zero bytes up to the next aligned offset.
    private mutating func pad() throws {
        let n = SluiceTableLayout.aligned(position) - position
        if n > 0 { try Self.zeros.withUnsafeBytes { try put(UnsafeRawBufferPointer(rebasing: $0[0..<n])) } }
    }
}
