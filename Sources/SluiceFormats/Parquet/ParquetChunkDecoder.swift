import SluiceCore

/// Decodes the pages of one column chunk into a ``ParquetColumnBuffer``: page headers,
/// decompression, definition levels and values (PLAIN, dictionary, boolean RLE), for
/// data pages v1 and v2.
///
/// Every length, count and index is checked against the bytes and rows that remain;
/// damage is a ``ThriftError`` that the reader turns into a ``FormatError`` naming the
/// file, row group, column and page.
struct ParquetChunkDecoder {
    let plan: ParquetColumnPlan
    let codec: ParquetCompression
    /// The page being decoded (1-based), for error messages.
    private(set) var pageNumber = 0
    private let decompressed = RawBuffer()
    private let levelBuffer = RawBuffer()
    private let indexBuffer = RawBuffer()
    private let extraBuffer = RawBuffer()
    private var dictionary: ParquetColumnBuffer?

    init(plan: ParquetColumnPlan, codec: ParquetCompression) {
        self.plan = plan
        self.codec = codec
    }

    /// For a leaf of a nested column: where its levels and values go (then `column` is unused).
    var levels: ParquetLeafLevels?

    /// Decodes all pages of `chunk`, which must hold exactly `rows` rows (a nested
    /// leaf: `entries` level entries, in as many rows).
    mutating func decode(chunk: UnsafeRawBufferPointer, rows: Int, entries: Int = 0, into column: ParquetColumnBuffer) throws {
        pageNumber = 0
        dictionary = nil
        var position = 0
        var rowsDone = 0
        var entriesDone = 0
        if levels != nil && entries < rows { throw ThriftError("the chunk claims \(entries) values for \(rows) rows") }
        while levels == nil ? rowsDone < rows : entriesDone < entries {
            guard position < chunk.count else {
                throw ThriftError(levels == nil ? "the chunk ends after \(rowsDone) of its \(rows) rows" : "the chunk ends after \(entriesDone) of its \(entries) values")
            }
            pageNumber += 1
            var reader = ThriftCompactReader(UnsafeRawBufferPointer(rebasing: chunk[position...]))
            let header = try ParquetPageHeader(thrift: &reader)
            for count in [header.dataPage?.valueCount, header.dataPageV2?.valueCount, header.dictionaryPage?.valueCount].compactMap({ $0 }) {
                guard count >= 0, Int(count) <= ParquetLimits.maxValuesPerPage else {
                    throw ThriftError("the page claims \(count) values (a page holds 0 to \(ParquetLimits.maxValuesPerPage))")
                }
            }
            position += reader.position
            let size = Int(header.compressedPageSize)
            guard size <= chunk.count - position else {
                throw ThriftError("the page claims \(size) bytes, only \(chunk.count - position) remain in the chunk")
            }
            let page = UnsafeRawBufferPointer(rebasing: chunk[position..<position + size])
            position += size
            switch ParquetPageType(rawValue: header.type) {
            case .dictionaryPage:
                guard let info = header.dictionaryPage else { throw ThriftError("a dictionary page without its header") }
                let data = try decompress(page, header: header)
                try decodeDictionary(data, count: Int(info.valueCount), encoding: info.encoding)
            case .dataPage:
                guard let info = header.dataPage else { throw ThriftError("a data page without its header") }
                let n = Int(info.valueCount)
                if let levels {
                    guard n <= entries - entriesDone else { throw ThriftError("the page holds \(n) values, only \(entries - entriesDone) remain in the chunk") }
                    var data = try decompress(page, header: header)
                    let repetition = plan.maxRepetitionLevel > 0 ? try lengthPrefixed(&data, what: "repetition levels") : nil
                    let definition = plan.maxDefinitionLevel > 0 ? try lengthPrefixed(&data, what: "definition levels") : nil
                    try decodeNestedPage(repetition: repetition, definition: definition, values: data, count: n,
                                         encoding: info.encoding, into: levels)
                    entriesDone += n
                    continue
                }
                guard n <= rows - rowsDone else { throw ThriftError("the page holds \(n) values, only \(rows - rowsDone) rows remain in the row group") }
                var data = try decompress(page, header: header)
                var levels: UnsafePointer<UInt8>?
                var present = n
                if plan.maxDefinitionLevel > 0 {
                    guard info.definitionLevelEncoding == .rle else {
                        throw ThriftError("definition levels in \(info.definitionLevelEncoding) are not supported (only RLE)")
                    }
                    guard data.count >= 4 else { throw ThriftError("the page ends before its definition levels") }
                    let length = Int(data.loadUnaligned(as: UInt32.self).littleEndian)
                    guard length <= data.count - 4 else { throw ThriftError("definition levels claim \(length) bytes, the page has \(data.count - 4)") }
                    (levels, present) = try decodeLevels(UnsafeRawBufferPointer(rebasing: data[4..<4 + length]), count: n)
                    data = UnsafeRawBufferPointer(rebasing: data[(4 + length)...])
                }
                try decodeValues(data, count: present, encoding: info.encoding, into: column)
                column.commit(levels: levels, rows: n, present: present, maxLevel: UInt8(plan.maxDefinitionLevel))
                rowsDone += n
            case .dataPageV2:
                guard let info = header.dataPageV2 else { throw ThriftError("a data page v2 without its header") }
                let n = Int(info.valueCount)
                if let levels {
                    guard n <= entries - entriesDone else { throw ThriftError("the page holds \(n) values, only \(entries - entriesDone) remain in the chunk") }
                    let repetition = Int(info.repetitionLevelsByteLength), definition = Int(info.definitionLevelsByteLength)
                    guard repetition >= 0, definition >= 0, repetition <= page.count, definition <= page.count - repetition else { throw ThriftError("levels claim more bytes than the page has") }
                    let data = try valuesV2(page, afterLevels: repetition + definition, isCompressed: info.isCompressed, header: header)
                    try decodeNestedPage(repetition: plan.maxRepetitionLevel > 0 ? UnsafeRawBufferPointer(rebasing: page[0..<repetition]) : nil,
                                         definition: plan.maxDefinitionLevel > 0 ? UnsafeRawBufferPointer(rebasing: page[repetition..<repetition + definition]) : nil,
                                         values: data, count: n, encoding: info.encoding, into: levels)
                    entriesDone += n
                    continue
                }
                guard n <= rows - rowsDone, Int(info.rowCount) == n else {
                    throw ThriftError("the page holds \(n) values in \(info.rowCount) rows, \(rows - rowsDone) rows remain in the row group")
                }
                let repetition = Int(info.repetitionLevelsByteLength), definition = Int(info.definitionLevelsByteLength)
                guard repetition == 0 else { throw ThriftError("repetition levels in a flat column") }
                guard definition <= page.count else { throw ThriftError("definition levels claim \(definition) bytes, the page has \(page.count)") }
                var levels: UnsafePointer<UInt8>?
                var present = n
                if plan.maxDefinitionLevel > 0 {
                    (levels, present) = try decodeLevels(UnsafeRawBufferPointer(rebasing: page[0..<definition]), count: n)
                }
                let data = try valuesV2(page, afterLevels: definition, isCompressed: info.isCompressed, header: header)
                try decodeValues(data, count: present, encoding: info.encoding, into: column)
                column.commit(levels: levels, rows: n, present: present, maxLevel: UInt8(plan.maxDefinitionLevel))
                rowsDone += n
            default:
                continue   // index pages and page types from the future: skipped
            }
        }
    }

    // MARK: pages

    /// The values of a v2 data page: what follows its `levelBytes` bytes of (never
    /// compressed) levels, decompressed when the page says it is compressed.
    private func valuesV2(_ page: UnsafeRawBufferPointer, afterLevels levelBytes: Int, isCompressed: Bool,
                          header: ParquetPageHeader) throws -> UnsafeRawBufferPointer {
        let values = UnsafeRawBufferPointer(rebasing: page[levelBytes...])
        guard isCompressed && codec != .uncompressed else { return values }
        let expected = Int(header.uncompressedPageSize) - levelBytes
        guard expected >= 0 else { throw ThriftError("the page's uncompressed size is smaller than its levels") }
        return try decompress(values, expected: expected)
    }

    private func decompress(_ page: UnsafeRawBufferPointer, header: ParquetPageHeader) throws -> UnsafeRawBufferPointer {
        if codec == .uncompressed { return page }
        return try decompress(page, expected: Int(header.uncompressedPageSize))
    }

    /// Decompressed pages are bounded: at most 1 GiB, and at most 4096 times the
    /// compressed size plus 64 MiB (buffers this large are lazily mapped).
    private func decompress(_ source: UnsafeRawBufferPointer, expected: Int) throws -> UnsafeRawBufferPointer {
        guard expected <= 1 << 30, expected <= source.count * 4096 + (64 << 20) else {
            throw ThriftError("the page claims to decompress to \(expected) bytes from \(source.count)")
        }
        decompressed.reserve(expected + 8)
        try ParquetCodec.decompress(codec, source, into: decompressed.mutablePointer, count: expected)
        return UnsafeRawBufferPointer(start: decompressed.pointer, count: expected)
    }

    /// Decodes `count` definition levels (bit width 1: flat optional columns);
    /// returns them and how many rows hold values.
    private func decodeLevels(_ data: UnsafeRawBufferPointer, count: Int) throws -> (UnsafePointer<UInt8>, Int) {
        levelBuffer.reserve(Swift.max(count, 1))
        let levels = levelBuffer.mutablePointer.assumingMemoryBound(to: UInt8.self)
        var decoder = try ParquetHybridDecoder(data, bitWidth: 1)
        try decoder.decode(bytes: levels, count: count)
        var present = 0
        for i in 0..<count { present &+= Int(levels[i]) }
        return (UnsafePointer(levels), present)
    }

    // MARK: lists

    /// Splits a 4-byte-length-prefixed section off the front of `data`.
    private func lengthPrefixed(_ data: inout UnsafeRawBufferPointer, what: String) throws -> UnsafeRawBufferPointer {
        guard data.count >= 4 else { throw ThriftError("the page ends before its \(what)") }
        let length = Int(data.loadUnaligned(as: UInt32.self).littleEndian)
        guard length <= data.count - 4 else { throw ThriftError("\(what) claim \(length) bytes, the page has \(data.count - 4)") }
        let section = UnsafeRawBufferPointer(rebasing: data[4..<4 + length])
        data = UnsafeRawBufferPointer(rebasing: data[(4 + length)...])
        return section
    }

    /// Decodes one data page of a nested column's leaf: `count` level entries (levels
    /// absent where the maximum level is 0) and the present values, appended to `levels`.
    private func decodeNestedPage(repetition: UnsafeRawBufferPointer?, definition: UnsafeRawBufferPointer?, values: UnsafeRawBufferPointer,
                                  count: Int, encoding: ParquetEncoding, into levels: ParquetLeafLevels) throws {
        guard count >= 0, count <= ParquetLimits.maxValuesPerPage else {
            throw ThriftError("the page claims \(count) values (at most \(ParquetLimits.maxValuesPerPage) are read per page)")
        }
        let maxDefinition = plan.maxDefinitionLevel, maxRepetition = plan.maxRepetitionLevel
        let start = levels.definition.count
        levels.definition.append(contentsOf: repeatElement(UInt8(truncatingIfNeeded: maxDefinition), count: count))
        levels.repetition.append(contentsOf: repeatElement(0, count: count))
        if let definition {
            var decoder = try ParquetHybridDecoder(definition, bitWidth: Int.bitWidth - maxDefinition.leadingZeroBitCount)
            try levels.definition.withUnsafeMutableBufferPointer { try decoder.decode(bytes: $0.baseAddress! + start, count: count) }
        }
        if let repetition {
            var decoder = try ParquetHybridDecoder(repetition, bitWidth: Int.bitWidth - maxRepetition.leadingZeroBitCount)
            try levels.repetition.withUnsafeMutableBufferPointer { try decoder.decode(bytes: $0.baseAddress! + start, count: count) }
        }
        var present = 0, rows = 0
        for i in start..<start + count {
            let level = Int(levels.definition[i])
            guard level <= maxDefinition else { throw ThriftError("definition level \(level) above the column's maximum \(maxDefinition)") }
            guard Int(levels.repetition[i]) <= maxRepetition else { throw ThriftError("repetition level \(levels.repetition[i]) above the column's maximum \(maxRepetition)") }
            if level == maxDefinition { present += 1 }
            if levels.repetition[i] == 0 { rows += 1 }
        }
        if start == 0 && count > 0 && levels.repetition[0] != 0 { throw ThriftError("the chunk's first entry continues a row") }
        try decodeValues(values, count: present, encoding: encoding, into: levels.values)
        levels.rows += rows
    }

    // MARK: values

    private mutating func decodeDictionary(_ data: UnsafeRawBufferPointer, count: Int, encoding: ParquetEncoding) throws {
        guard encoding == .plain || encoding == .plainDictionary else {
            throw ThriftError("a dictionary page in \(encoding) (only PLAIN dictionaries exist)")
        }
        guard plan.physical != .boolean else { throw ThriftError("a dictionary page for a BOOLEAN column") }
        // Each value takes at least 4 bytes (a BYTE_ARRAY's length) or its fixed width.
        guard count <= data.count / Swift.max(plan.plainWidth ?? 4, 1) else {
            throw ThriftError("the dictionary claims \(count) values, its \(data.count) bytes cannot hold them")
        }
        let buffer = ParquetColumnBuffer(type: plan.type, capacity: count)
        try decodePlain(data, count: count, into: buffer)
        buffer.commit(levels: nil, rows: count, present: count, maxLevel: 0)
        dictionary = buffer
    }

    private func decodeValues(_ data: UnsafeRawBufferPointer, count: Int, encoding: ParquetEncoding, into column: ParquetColumnBuffer) throws {
        switch encoding {
        case .plain:
            try decodePlain(data, count: count, into: column)
        case .plainDictionary, .rleDictionary:
            guard let dictionary else { throw ThriftError("dictionary-encoded values without a dictionary page") }
            guard count > 0 else { return }
            guard data.count >= 1 else { throw ThriftError("the page ends before its index bit width") }
            let width = Int(data[0])
            indexBuffer.reserve(count * 4)
            let indices = indexBuffer.mutablePointer.assumingMemoryBound(to: UInt32.self)
            var decoder = try ParquetHybridDecoder(UnsafeRawBufferPointer(rebasing: data[1...]), bitWidth: width)
            try decoder.decode(into: indices, count: count)
            try gather(indices, count: count, from: dictionary, into: column)
        case .rle where plan.physical == .boolean:
            guard data.count >= 4 else { throw ThriftError("the page ends before its boolean run length") }
            let length = Int(data.loadUnaligned(as: UInt32.self).littleEndian)
            guard length <= data.count - 4 else { throw ThriftError("boolean runs claim \(length) bytes, the page has \(data.count - 4)") }
            var decoder = try ParquetHybridDecoder(UnsafeRawBufferPointer(rebasing: data[4..<4 + length]), bitWidth: 1)
            let out = column.reserveDense(count, as: UInt8.self)
            try decoder.decode(bytes: out, count: count)
            column.didAppendDense(count)
        default:
            try ParquetExtraEncodings.plain(data, count: count, encoding: encoding, plan: plan, into: extraBuffer)
            try decodePlain(UnsafeRawBufferPointer(start: extraBuffer.pointer, count: extraBuffer.count), count: count, into: column)
        }
    }

    /// Appends `count` PLAIN values, converted to the column's type.
    func decodePlain(_ data: UnsafeRawBufferPointer, count: Int, into column: ParquetColumnBuffer) throws {
        guard count > 0 else { return }
        if let width = plan.plainWidth {
            guard data.count / width >= count else {
                throw ThriftError("\(count) values of \(width) bytes need \(count * width) bytes, the page has \(data.count)")
            }
        }
        let source = data.baseAddress!
        switch plan.kind {
        case .bool:
            guard data.count >= (count + 7) / 8 else { throw ThriftError("\(count) booleans need \((count + 7) / 8) bytes, the page has \(data.count)") }
            let out = column.reserveDense(count, as: UInt8.self)
            let bits = source.assumingMemoryBound(to: UInt8.self)
            for i in 0..<count { out[i] = (bits[i >> 3] >> UInt8(i & 7)) & 1 }
        case .int32(let signed):
            let out = column.reserveDense(count, as: Int64.self)
            if signed {
                for i in 0..<count { out[i] = Int64(Int32(littleEndian: source.loadUnaligned(fromByteOffset: i &* 4, as: Int32.self))) }
            } else {
                for i in 0..<count { out[i] = Int64(UInt32(littleEndian: source.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self))) }
            }
        case .int64, .double, .timestamp(.micros):
            let out = column.reserveDense(count, as: Int64.self)
            UnsafeMutableRawPointer(out).copyMemory(from: source, byteCount: count * 8)
        case .uint64:
            let out = column.reserveDense(count, as: Int64.self)
            UnsafeMutableRawPointer(out).copyMemory(from: source, byteCount: count * 8)
            var negative = false
            for i in 0..<count { negative = negative || out[i] < 0 }
            if negative {
                throw ThriftError("column \"\(plan.name)\" (UINT64) holds a value above \(Int64.max), which int64 cannot hold")
            }
        case .timestamp(.millis):
            let out = column.reserveDense(count, as: Int64.self)
            for i in 0..<count { out[i] = source.loadUnaligned(fromByteOffset: i &* 8, as: Int64.self) &* 1000 }
        case .timestamp(.nanos):
            let out = column.reserveDense(count, as: Int64.self)
            for i in 0..<count {
                let v = source.loadUnaligned(fromByteOffset: i &* 8, as: Int64.self)
                let q = v / 1000
                out[i] = v % 1000 < 0 ? q - 1 : q   // floor, so instants before 1970 round down
            }
        case .int96:
            let out = column.reserveDense(count, as: Int64.self)
            for i in 0..<count {
                let nanos = source.loadUnaligned(fromByteOffset: i &* 12, as: Int64.self)
                let day = Int64(source.loadUnaligned(fromByteOffset: i &* 12 &+ 8, as: Int32.self))
                out[i] = (day &- 2_440_588) &* 86_400_000_000 &+ nanos / 1000
            }
        case .date:
            let out = column.reserveDense(count, as: Int32.self)
            UnsafeMutableRawPointer(out).copyMemory(from: source, byteCount: count * 4)
        case .float:
            let out = column.reserveDense(count, as: Double.self)
            for i in 0..<count { out[i] = Double(source.loadUnaligned(fromByteOffset: i &* 4, as: Float.self)) }
        case .float16:
            let out = column.reserveDense(count, as: Double.self)
            for i in 0..<count { out[i] = halfToDouble(source.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self)) }
        case .utf8:
            try decodeStrings(data, count: count, into: column)
            return
        case .binary:
            try decodeBytes(data, count: count, into: column)
            return
        case .decimal:
            try decodeDecimals(data, count: count, into: column)
        case .time, .uuid, .hex:
            try decodeFormatted(data, count: count, into: column)
            return
        }
        column.didAppendDense(count)
    }

    /// Length-prefixed BYTE_ARRAY values, checked to be UTF-8.
    private func decodeStrings(_ data: UnsafeRawBufferPointer, count: Int, into column: ParquetColumnBuffer) throws {
        let source = data.baseAddress!
        let end = data.count
        let bytes = column.byteBuffer
        let firstByte = bytes.count
        var position = 0
        var badStart: UInt8 = 0
        for _ in 0..<count {
            guard end - position >= 4 else { throw ThriftError("the page ends inside a string's length") }
            let length = Int(UInt32(littleEndian: source.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
            position &+= 4
            guard length <= end - position else { throw ThriftError("a string of \(length) bytes runs past the page's end") }
            if length > 0 { badStart |= (source.load(fromByteOffset: position, as: UInt8.self) & 0xC0) == 0x80 ? 1 : 0 }
            column.appendString(source + position, count: length)
            position &+= length
        }
        let written = bytes.count - firstByte
        let start = bytes.pointer.assumingMemoryBound(to: UInt8.self) + firstByte
        if badStart != 0 || UTF8Validation.firstInvalidOffset(start, written) != nil {
            throw ThriftError("column \"\(plan.name)\" is annotated as text (STRING, ENUM or JSON) but holds bytes that are not UTF-8")
        }
    }

    /// BYTE_ARRAY (length-prefixed) or FIXED_LEN_BYTE_ARRAY values as bytes.
    private func decodeBytes(_ data: UnsafeRawBufferPointer, count: Int, into column: ParquetColumnBuffer) throws {
        let source = data.baseAddress!
        if plan.physical == .fixedLenByteArray {
            let width = plan.typeLength
            for i in 0..<count { column.appendString(source + i &* width, count: width) }
            return
        }
        var position = 0
        for _ in 0..<count {
            guard data.count - position >= 4 else { throw ThriftError("the page ends inside a value's length") }
            let length = Int(UInt32(littleEndian: source.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
            position &+= 4
            guard length <= data.count - position else { throw ThriftError("a value of \(length) bytes runs past the page's end") }
            column.appendString(source + position, count: length)
            position &+= length
        }
    }

    /// DECIMAL values (INT32, INT64, or big-endian two's complement bytes) as `Int128`
    /// unscaled values, checked against the column's precision.
    private func decodeDecimals(_ data: UnsafeRawBufferPointer, count: Int, into column: ParquetColumnBuffer) throws {
        guard case .decimal(let precision, _) = plan.type else { preconditionFailure("decimal plan of type \(plan.type)") }
        let source = data.baseAddress!
        let out = column.reserveDense(count, as: Int128.self)
        switch plan.physical {
        case .int32:
            for i in 0..<count { out[i] = Int128(Int32(littleEndian: source.loadUnaligned(fromByteOffset: i &* 4, as: Int32.self))) }
        case .int64:
            for i in 0..<count { out[i] = Int128(Int64(littleEndian: source.loadUnaligned(fromByteOffset: i &* 8, as: Int64.self))) }
        default:
            var position = 0
            let fixed = plan.physical == .fixedLenByteArray ? plan.typeLength : -1
            for i in 0..<count {
                var length = fixed
                if fixed < 0 {
                    guard data.count - position >= 4 else { throw ThriftError("the page ends inside a DECIMAL's length") }
                    length = Int(UInt32(littleEndian: source.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
                    position &+= 4
                    guard length <= data.count - position else { throw ThriftError("a DECIMAL of \(length) bytes runs past the page's end") }
                }
                guard length > 0, length <= 16 else { throw ThriftError("column \"\(plan.name)\": a DECIMAL of \(length) bytes (Sluice reads 1 to 16)") }
                let bytes = source.assumingMemoryBound(to: UInt8.self) + position
                var raw: Int128 = bytes[0] & 0x80 != 0 ? -1 : 0   // big-endian two's complement
                for k in 0..<length { raw = (raw << 8) | Int128(bytes[k]) }
                out[i] = raw
                position &+= length
            }
        }
        let limit = UInt128(Decimal128.maxUnscaled(precision: precision))
        for i in 0..<count where out[i].magnitude > limit {
            throw ThriftError("column \"\(plan.name)\": DECIMAL value \(Decimal128.format(out[i], scale: plan.type.decimalScale ?? 0)) has more than its \(precision) digits")
        }
    }

    /// Values of other physical types written as exact text (times, UUIDs).
    private func decodeFormatted(_ data: UnsafeRawBufferPointer, count: Int, into column: ParquetColumnBuffer) throws {
        let source = data.baseAddress!
        var position = 0
        var text: [UInt8] = []
        for _ in 0..<count {
            let value: UnsafeRawBufferPointer
            if plan.physical == .byteArray {
                guard data.count - position >= 4 else { throw ThriftError("the page ends inside a value's length") }
                let length = Int(UInt32(littleEndian: source.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
                position += 4
                guard length <= data.count - position else { throw ThriftError("a value of \(length) bytes runs past the page's end") }
                value = UnsafeRawBufferPointer(start: source + position, count: length)
                position += length
            } else {
                let width = plan.plainWidth!
                value = UnsafeRawBufferPointer(start: source + position, count: width)
                position += width
            }
            text.removeAll(keepingCapacity: true)
            try ParquetValueText.format(value, kind: plan.kind, physical: plan.physical, into: &text)
            text.withUnsafeBytes { column.appendString($0.baseAddress ?? source, count: $0.count) }
        }
    }

    /// Appends `dictionary[indices[i]]` for each index.
    private func gather(_ indices: UnsafePointer<UInt32>, count: Int, from dictionary: ParquetColumnBuffer, into column: ParquetColumnBuffer) throws {
        let size = UInt32(truncatingIfNeeded: dictionary.count)
        var largest: UInt32 = 0
        for i in 0..<count { largest = Swift.max(largest, indices[i]) }
        guard largest < size || count == 0 else {
            throw ThriftError("dictionary index \(largest) is out of range (the dictionary has \(size) values)")
        }
        if plan.type.isVariableWidth {
            let offsets = dictionary.values.pointer.assumingMemoryBound(to: Int64.self)
            let bytes = dictionary.byteBuffer.pointer
            var total = 0
            for i in 0..<count {
                let k = Int(indices[i])
                total &+= Int(offsets[k &+ 1] &- offsets[k])
            }
            column.byteBuffer.reserve(extra: total)
            column.values.reserve(extra: count * 8)
            for i in 0..<count {
                let k = Int(indices[i])
                let lower = Int(offsets[k])
                column.appendString(bytes + lower, count: Int(offsets[k &+ 1]) &- lower)
            }
            return
        }
        switch plan.type.byteWidth {
        case 1:
            let out = column.reserveDense(count, as: UInt8.self), source = dictionary.values.pointer.assumingMemoryBound(to: UInt8.self)
            for i in 0..<count { out[i] = source[Int(indices[i])] }
        case 4:
            let out = column.reserveDense(count, as: Int32.self), source = dictionary.values.pointer.assumingMemoryBound(to: Int32.self)
            for i in 0..<count { out[i] = source[Int(indices[i])] }
        case 16:
            let out = column.reserveDense(count, as: Int128.self), source = dictionary.values.pointer.assumingMemoryBound(to: Int128.self)
            for i in 0..<count { out[i] = source[Int(indices[i])] }
        default:
            let out = column.reserveDense(count, as: Int64.self), source = dictionary.values.pointer.assumingMemoryBound(to: Int64.self)
            for i in 0..<count { out[i] = source[Int(indices[i])] }
        }
        column.didAppendDense(count)
    }
}

/// An IEEE half-precision value widened to `Double`.
func halfToDouble(_ bits: UInt16) -> Double {
    let sign: Double = bits & 0x8000 != 0 ? -1 : 1
    let exponent = Int((bits >> 10) & 0x1F)
    let fraction = Double(bits & 0x3FF)
    switch exponent {
    case 0: return sign * fraction * 0x1p-24
    case 31: return fraction == 0 ? sign * .infinity : .nan
    default: return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
    }
}
