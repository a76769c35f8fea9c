import SluiceCore

/// The value encodings beyond PLAIN and dictionaries — DELTA_BINARY_PACKED,
/// DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT — decoded back into
/// PLAIN bytes, so that one set of conversions (``ParquetChunkDecoder/decodePlain``)
/// serves every encoding. They are rare in the files peers write by default, so the
/// extra copy is cheap where it happens.
enum ParquetExtraEncodings {
    /// Rewrites `count` values of `data` in `encoding` as PLAIN into `output`.
    static func plain(_ data: UnsafeRawBufferPointer, count: Int, encoding: ParquetEncoding, plan: ParquetColumnPlan,
                      into output: RawBuffer) throws {
        output.removeAll()
        switch encoding {
        case .deltaBinaryPacked:
            guard plan.physical == .int32 || plan.physical == .int64 else { throw ThriftError("\(encoding) for a \(plan.physical) column") }
            var cursor = 0
            let values = try deltaBinaryPacked(data, count: count, cursor: &cursor)
            if plan.physical == .int32 {
                for v in values { output.append(Int32(truncatingIfNeeded: v).littleEndian) }
            } else {
                for v in values { output.append(v.littleEndian) }
            }
        case .deltaLengthByteArray:
            guard plan.physical == .byteArray else { throw ThriftError("\(encoding) for a \(plan.physical) column") }
            var cursor = 0
            let lengths = try deltaBinaryPacked(data, count: count, cursor: &cursor)
            for length in lengths {
                guard length >= 0, length <= Int64(data.count - cursor) else { throw ThriftError("a string of \(length) bytes runs past the page's end") }
                output.append(UInt32(length).littleEndian)
                if length > 0 { output.append(data.baseAddress! + cursor, byteCount: Int(length)) }
                cursor += Int(length)
            }
        case .deltaByteArray:
            guard plan.physical == .byteArray || plan.physical == .fixedLenByteArray else { throw ThriftError("\(encoding) for a \(plan.physical) column") }
            var cursor = 0
            let prefixes = try deltaBinaryPacked(data, count: count, cursor: &cursor)
            let suffixes = try deltaBinaryPacked(UnsafeRawBufferPointer(rebasing: data[cursor...]), count: count, cursor: &cursor)
            var previous: [UInt8] = []
            var value: [UInt8] = []
            for i in 0..<count {
                let prefix = prefixes[i], suffix = suffixes[i]
                guard prefix >= 0, prefix <= Int64(previous.count), suffix >= 0, suffix <= Int64(data.count - cursor) else {
                    throw ThriftError("DELTA_BYTE_ARRAY value \(i) has prefix \(prefix) and suffix \(suffix) that do not fit")
                }
                value.removeAll(keepingCapacity: true)
                value.append(contentsOf: previous[0..<Int(prefix)])
                value.append(contentsOf: UnsafeRawBufferPointer(rebasing: data[cursor..<cursor + Int(suffix)]))
                cursor += Int(suffix)
                if plan.physical == .byteArray {
                    output.append(UInt32(value.count).littleEndian)
                } else if value.count != plan.typeLength {
                    throw ThriftError("DELTA_BYTE_ARRAY value of \(value.count) bytes in a FIXED_LEN_BYTE_ARRAY(\(plan.typeLength))")
                }
                value.withUnsafeBytes { if $0.count > 0 { output.append($0.baseAddress!, byteCount: $0.count) } }
                swap(&previous, &value)
            }
        case .byteStreamSplit:
            guard let width = plan.plainWidth, plan.physical != .int96 else { throw ThriftError("\(encoding) for a \(plan.physical) column") }
            guard data.count / width >= count else { throw ThriftError("\(count) split values of \(width) bytes need \(count * width) bytes, the page has \(data.count)") }
            output.reserve(count * width)
            let out = output.mutablePointer.assumingMemoryBound(to: UInt8.self)
            let source = data.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let stride = data.count / width   // streams are as long as the page's values
            for k in 0..<width {
                for i in 0..<count { out[i * width + k] = source[k * stride + i] }
            }
            output.count = count * width
        default:
            throw ThriftError("values in \(encoding) are not supported")
        }
    }

    /// Decodes `count` DELTA_BINARY_PACKED integers; `cursor` advances past them (relative to `data`'s start, added to its input value).
    static func deltaBinaryPacked(_ data: UnsafeRawBufferPointer, count: Int, cursor: inout Int) throws -> [Int64] {
        var position = 0
        func varint() throws -> UInt64 {
            var result: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard position < data.count else { throw ThriftError("DELTA_BINARY_PACKED header runs past the page's end") }
                let byte = data[position]
                position += 1
                result |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return result }
                shift += 7
                guard shift < 64 else { throw ThriftError("DELTA_BINARY_PACKED varint too long") }
            }
        }
        func zigzag() throws -> Int64 { let raw = try varint(); return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1))) }
        let blockSize = try varint(), miniblocks = try varint(), total = try varint()
        var last = try zigzag()
        guard blockSize > 0, blockSize % 128 == 0, blockSize <= 1 << 20, miniblocks > 0, blockSize % miniblocks == 0,
              (blockSize / miniblocks) % 32 == 0 else {
            throw ThriftError("DELTA_BINARY_PACKED block of \(blockSize) values in \(miniblocks) miniblocks is invalid")
        }
        guard total >= UInt64(count) else { throw ThriftError("DELTA_BINARY_PACKED holds \(total) values, the page needs \(count)") }
        let perMiniblock = Int(blockSize / miniblocks)
        var values: [Int64] = []
        values.reserveCapacity(count)
        if count > 0 { values.append(last) }
        while values.count < count {
            let minDelta = try zigzag()
            guard Int(miniblocks) <= data.count - position else { throw ThriftError("DELTA_BINARY_PACKED bit widths run past the page's end") }
            let widths = Array(UnsafeRawBufferPointer(rebasing: data[position..<position + Int(miniblocks)]))
            position += Int(miniblocks)
            for width in widths where values.count < count {
                guard width <= 64 else { throw ThriftError("DELTA_BINARY_PACKED bit width \(width)") }
                let bytes = perMiniblock * Int(width) / 8
                let needed = Swift.min(count - values.count, perMiniblock)
                let available = data.count - position
                guard (needed * Int(width) + 7) / 8 <= available else { throw ThriftError("a DELTA_BINARY_PACKED miniblock runs past the page's end") }
                let base = data.baseAddress! + position
                for i in 0..<needed {
                    var delta: UInt64 = 0
                    if width > 0 {
                        let bit = i * Int(width)
                        var got = 0
                        while got < Int(width) {
                            let b = bit + got
                            let byte = UInt64(base.load(fromByteOffset: b >> 3, as: UInt8.self))
                            let take = Swift.min(8 - (b & 7), Int(width) - got)
                            delta |= ((byte >> UInt64(b & 7)) & ((1 << UInt64(take)) - 1)) << UInt64(got)
                            got += take
                        }
                    }
                    last = last &+ minDelta &+ Int64(bitPattern: delta)
                    values.append(last)
                }
                position += Swift.min(bytes, available)
            }
        }
        cursor += position
        return values
    }
}
