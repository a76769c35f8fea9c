import SluiceCore

/// Writes tables as a Parquet file that pyarrow, DuckDB, polars and Spark read.
///
/// Batches are buffered until a row group is full (``ParquetWriteOptions/rowGroupSize``
/// rows), then each column is written as one chunk of data pages v1: definition levels
/// (every column is OPTIONAL) and PLAIN values — strings dictionary-encoded while their
/// distinct values stay under ``ParquetWriteOptions/dictionaryPageSizeLimit`` — with
/// min/max/null-count statistics. The file appears when ``finish()`` commits the
/// ``OutputFile`` (temporary file, `fsync`, rename).
///
/// | Sluice      | Parquet |
/// |-------------|---------|
/// | `bool`      | BOOLEAN |
/// | `int64`     | INT64 |
/// | `float64`   | DOUBLE |
/// | `string`    | BYTE_ARRAY, STRING |
/// | `date`      | INT32, DATE |
/// | `timestamp` | INT64, TIMESTAMP(MICROS, UTC) |
///
/// ```swift
/// var writer = ParquetWriter(output: try OutputFile(path: "orders.parquet"))
/// for batch in batches { try writer.write(batch) }
/// try writer.finish()
/// ```
public struct ParquetWriter: TableWriter {
    private let output: OutputFile
    private let options: ParquetWriteOptions
    private var schema: Schema?
    private var pending: [Table] = []
    private var pendingRows = 0
    private var position = 0
    private var rowGroups: [ParquetRowGroup] = []
    private var totalRows = 0
    private let page = RawBuffer()
    private let compressed = RawBuffer()
    private let scratch = RawBuffer()

    public init(output: OutputFile, options: ParquetWriteOptions = ParquetWriteOptions()) {
        self.output = output
        self.options = options
    }

    public mutating func write(_ table: Table) throws {
        if try output.admitBatch(table.schema, first: &schema) {
            guard options.rowGroupSize >= 1 else {
                throw FormatError(.invalidOption, file: output.path, message: "row_group_size must be at least 1, not \(options.rowGroupSize)")
            }
        }
        guard table.rowCount > 0 else { return }
        pending.append(table)
        pendingRows += table.rowCount
        while pendingRows >= options.rowGroupSize { try flushRowGroup(rows: options.rowGroupSize) }
    }

    public mutating func finish() throws {
        if position == 0 { try put(Array("PAR1".utf8)) }
        if pendingRows > 0 { try flushRowGroup(rows: pendingRows) }
        let schema = self.schema ?? Schema([])
        var root = ParquetSchemaElement(name: "schema")
        root.childCount = Int32(schema.count)
        let elements = [root] + schema.fields.map(Self.element(for:))
        let metadata = ParquetFileMetaData(version: 2, schema: elements, rowCount: Int64(totalRows), rowGroups: rowGroups,
                                           createdBy: "sluice (Swift Parquet writer)")
        let footer = metadata.encoded()
        try put(footer)
        var length = UInt32(footer.count).littleEndian
        try withUnsafeBytes(of: &length) { try put(Array($0)) }
        try put(Array("PAR1".utf8))
        try output.commit()
    }

    private static func element(for field: Field) -> ParquetSchemaElement {
        var element = ParquetSchemaElement(name: field.name, repetition: .optional)
        switch field.type {
        case .bool: element.type = .boolean
        case .int64: element.type = .int64
        case .float64: element.type = .double
        case .string:
            element.type = .byteArray
            element.convertedType = .utf8
            element.logicalType = .string
        case .date:
            element.type = .int32
            element.convertedType = .date
            element.logicalType = .date
        case .timestamp:
            element.type = .int64
            element.convertedType = .timestampMicros
            element.logicalType = .timestamp(isAdjustedToUTC: true, unit: .micros)
        case .decimal(let precision, let scale):
            // As pyarrow: INT64 up to 18 digits (its store_decimal_as_integer layout),
            // else FIXED_LEN_BYTE_ARRAY of the fewest bytes that hold the precision.
            if precision <= 18 {
                element.type = .int64
            } else {
                element.type = .fixedLenByteArray
                element.typeLength = Int32(decimalByteWidth(precision: precision))
            }
            element.convertedType = .decimal
            element.logicalType = .decimal(scale: Int32(scale), precision: Int32(precision))
            element.scale = Int32(scale)
            element.precision = Int32(precision)
        case .binary:
            element.type = .byteArray
        }
        return element
    }

    private mutating func put(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try output.write($0) }
        position += bytes.count
    }

    private mutating func put(_ bytes: UnsafeRawBufferPointer) throws {
        try output.write(bytes)
        position += bytes.count
    }

    /// Writes the first `rows` pending rows as one row group.
    private mutating func flushRowGroup(rows: Int) throws {
        if position == 0 { try put(Array("PAR1".utf8)) }
        var taken: [Table] = []
        var need = rows
        while need > 0 {
            let first = pending[0]
            if first.rowCount <= need {
                taken.append(first)
                pending.removeFirst()
                need -= first.rowCount
            } else {
                taken.append(first.slice(0..<need))
                pending[0] = first.slice(need..<first.rowCount)
                need = 0
            }
        }
        pendingRows -= rows
        let table = taken.count == 1 ? taken[0] : try Table.concatenating(taken)
        let groupStart = position
        var chunks: [ParquetRowGroup.ColumnChunk] = []
        var uncompressedTotal: Int64 = 0
        for (c, column) in table.columns.enumerated() {
            let chunk = try withExtendedLifetime(column) { try writeChunk(column, name: table.schema.fields[c].name) }
            uncompressedTotal += chunk.metaData!.totalUncompressedSize
            chunks.append(chunk)
        }
        var group = ParquetRowGroup(columns: chunks, totalByteSize: uncompressedTotal, rowCount: Int64(rows))
        group.fileOffset = Int64(groupStart)
        group.totalCompressedSize = Int64(position - groupStart)
        group.ordinal = Int16(truncatingIfNeeded: rowGroups.count)
        rowGroups.append(group)
        totalRows += rows
    }

    // MARK: column chunks

    private mutating func writeChunk(_ column: Column, name: String) throws -> ParquetRowGroup.ColumnChunk {
        let start = position
        var uncompressedSize = 0
        var dictionaryOffset: Int64?
        var encodings: [ParquetEncoding] = [.plain, .rle]
        var dictionary: ParquetStringDictionary?
        if column.type.isVariableWidth, column.count - column.nullCount > 0 {
            dictionary = ParquetStringDictionary(column, limit: options.dictionaryPageSizeLimit)
        }
        if let dictionary {
            dictionaryOffset = Int64(position)
            page.removeAll()
            dictionary.writePlain(into: page)
            var header = ParquetPageHeader(type: .dictionaryPage, uncompressedPageSize: 0, compressedPageSize: 0)
            header.dictionaryPage = .init(valueCount: Int32(dictionary.count), encoding: .plain, isSorted: false)
            uncompressedSize += try writePage(header: header)
            encodings.append(.rleDictionary)
        }
        let dataOffset = Int64(position)
        // Pages of about `dataPageSize` uncompressed bytes.
        let rowsPerPage: Int
        if column.type.isVariableWidth && dictionary == nil {
            let bytes = column.withUnsafeStrings { Int($0.offsets[$0.count] - $0.offsets[0]) }
            let average = Swift.max(1, bytes / Swift.max(column.count, 1) + 4)
            rowsPerPage = Swift.max(1, options.dataPageSize / average)
        } else if dictionary != nil {
            rowsPerPage = 1 << 18
        } else {
            rowsPerPage = Swift.max(1, options.dataPageSize / column.type.byteWidth)
        }
        var row = 0
        while row < column.count {
            let end = Swift.min(row + rowsPerPage, column.count)
            let slice = column.slice(row..<end)
            page.removeAll()
            writeLevels(slice, into: page)
            if let dictionary {
                dictionary.writeIndices(slice, from: row, into: page, scratch: scratch)
            } else {
                writePlain(slice, into: page)
            }
            var header = ParquetPageHeader(type: .dataPage, uncompressedPageSize: 0, compressedPageSize: 0)
            header.dataPage = .init(valueCount: Int32(slice.count), encoding: dictionary != nil ? .rleDictionary : .plain,
                                    definitionLevelEncoding: .rle, repetitionLevelEncoding: .rle)
            uncompressedSize += try writePage(header: header)
            row = end
        }
        let meta = ParquetColumnMetaData(
            type: Self.element(for: Field(name, column.type)).type!, encodings: encodings, path: [name], codec: options.compression,
            valueCount: Int64(column.count), totalUncompressedSize: Int64(uncompressedSize),
            totalCompressedSize: Int64(position - start), dataPageOffset: dataOffset,
            dictionaryPageOffset: dictionaryOffset, statistics: ParquetStatisticsBuilder.statistics(of: column))
        return ParquetRowGroup.ColumnChunk(fileOffset: Int64(start), metaData: meta)
    }

    /// Compresses `page` and writes it after `header`; returns the uncompressed size with header.
    private mutating func writePage(header: ParquetPageHeader) throws -> Int {
        var header = header
        let raw = UnsafeRawBufferPointer(start: page.pointer, count: page.count)
        let body: UnsafeRawBufferPointer
        if options.compression == .uncompressed {
            body = raw
        } else {
            do {
                let n = try ParquetCodec.compress(options.compression, raw, into: compressed)
                body = UnsafeRawBufferPointer(start: compressed.pointer, count: n)
            } catch let error as ThriftError {
                throw FormatError(.io, file: output.path, message: error.description)
            }
        }
        guard page.count <= Int(Int32.max), body.count <= Int(Int32.max) else {
            throw FormatError(.invalidOption, file: output.path, message: "a page of \(page.count) bytes is larger than Parquet allows",
                              hint: "write smaller row groups (row_group_size)")
        }
        header.uncompressedPageSize = Int32(page.count)
        header.compressedPageSize = Int32(body.count)
        let encoded = header.encoded()
        try put(encoded)
        try put(body)
        return encoded.count + page.count
    }

    /// Definition levels (bit width 1), with their 4-byte length.
    private func writeLevels(_ column: Column, into output: RawBuffer) {
        let lengthAt = output.count
        output.append(UInt32(0))
        if let validity = column.validity {
            scratch.removeAll()
            scratch.reserve(column.count * 4)
            let levels = scratch.mutablePointer.assumingMemoryBound(to: UInt32.self)
            for i in 0..<column.count { levels[i] = validity.isValid(i) ? 1 : 0 }
            ParquetHybridEncoder.encode(levels, count: column.count, bitWidth: 1, into: output)
        } else {
            ParquetHybridEncoder.encodeRun(1, count: column.count, bitWidth: 1, into: output)
        }
        let length = UInt32(output.count - lengthAt - 4).littleEndian
        (output.mutablePointer + lengthAt).storeBytes(of: length, as: UInt32.self)
    }

    /// The non-null values of `column` in PLAIN encoding.
    private func writePlain(_ column: Column, into output: RawBuffer) {
        let validity = column.validity
        switch column.type {
        case .bool:
            column.withUnsafeValues(as: UInt8.self) { values in
                var byte: UInt8 = 0, bits = 0
                for i in 0..<values.count where validity?.isValid(i) ?? true {
                    byte |= (values[i] & 1) << UInt8(bits)
                    bits += 1
                    if bits == 8 { output.append(byte); byte = 0; bits = 0 }
                }
                if bits > 0 { output.append(byte) }
            }
        case .date:
            column.withUnsafeValues(as: Int32.self) { appendFixed($0, validity: validity, into: output) }
        case .int64, .timestamp, .float64:
            column.withUnsafeValues(as: Int64.self) { appendFixed($0, validity: validity, into: output) }
        case .decimal(let precision, _):
            column.withUnsafeValues(as: Int128.self) { values in
                if precision <= 18 {
                    output.reserve(extra: values.count * 8)
                    for i in 0..<values.count where validity?.isValid(i) ?? true { output.append(Int64(truncatingIfNeeded: values[i]).littleEndian) }
                } else {
                    let width = decimalByteWidth(precision: precision)
                    output.reserve(extra: values.count * width)
                    for i in 0..<values.count where validity?.isValid(i) ?? true { appendBigEndian(values[i], width: width, into: output) }
                }
            }
        case .string, .binary:
            column.withUnsafeStrings { strings in
                output.reserve(extra: Int(strings.offsets[strings.count] - strings.offsets[0]) + strings.count * 4)
                for i in 0..<strings.count where validity?.isValid(i) ?? true {
                    let value = strings[i]
                    output.append(UInt32(value.count).littleEndian)
                    if let base = value.baseAddress, value.count > 0 { output.append(UnsafeRawPointer(base), byteCount: value.count) }
                }
            }
        }
    }

    private func appendFixed<T: BitwiseCopyable>(_ values: UnsafeBufferPointer<T>, validity: Bitmap?, into output: RawBuffer) {
        guard let validity else {
            if let base = values.baseAddress, values.count > 0 { output.append(UnsafeRawPointer(base), byteCount: values.count * MemoryLayout<T>.stride) }
            return
        }
        output.reserve(extra: values.count * MemoryLayout<T>.stride)
        for i in 0..<values.count where validity.isValid(i) { output.append(values[i]) }
    }
}

/// Bytes of the two's complement FIXED_LEN_BYTE_ARRAY that holds every
/// `decimal(precision, _)` (pyarrow's width: 5 bytes for 10 digits, 16 for 38).
func decimalByteWidth(precision: Int) -> Int {
    var bytes = 1
    while bytes < 16 && (Int128(1) << (8 * bytes - 1)) - 1 < Decimal128.maxUnscaled(precision: precision) { bytes += 1 }
    return bytes
}

/// `value`'s low `width` bytes, most significant first (big-endian two's complement).
func appendBigEndian(_ value: Int128, width: Int, into output: RawBuffer) {
    let big = value.bigEndian
    withUnsafeBytes(of: big) { raw in output.append(raw.baseAddress! + (16 - width), byteCount: width) }
}
