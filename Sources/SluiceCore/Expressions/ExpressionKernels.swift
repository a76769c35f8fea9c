/// Building blocks for the expression evaluator: typed output buffers, validity
/// combination, broadcasting literals. Each kernel dispatches on the type once and
/// loops over raw memory.
enum Kernels {
    /// A fixed-width column of `count` values written by `fill`; null slots are zeroed
    /// afterwards so that the "null slots hold zero" invariant holds.
    ///
    /// Always inlined, like the other `fixed`: `fill` is the row loop of an executor, and
    /// only when it is inlined into its call site is the per-row operation a known body
    /// rather than a closure called once per row.
    @inline(__always)
    static func fixed<T: BitwiseCopyable & Numeric>(_ type: DataType, _: T.Type, count: Int, validity: Bitmap?,
                                                    _ fill: (UnsafeMutablePointer<T>) throws -> Void) rethrows -> Column {
        try fixed(type, T.self, count: count) { out in
            try fill(out)
            return validity
        }
    }

    /// A fixed-width column of `count` values written by `fill`, which returns the
    /// validity it decided on (`nil` = all valid); null slots are zeroed afterwards.
    @inline(__always)
    static func fixed<T: BitwiseCopyable & Numeric>(_ type: DataType, _: T.Type, count: Int,
                                                    _ fill: (UnsafeMutablePointer<T>) throws -> Bitmap?) rethrows -> Column {
        let buffer = RawBuffer(heapCapacity: Swift.max(count, 1) * MemoryLayout<T>.stride)
        let out = buffer.mutablePointer.assumingMemoryBound(to: T.self)
        let validity = try fill(out)
        return finish(type, buffer, out, count: count, validity: validity)
    }

    /// Zeroes the null slots of a filled buffer and wraps it as a column (kept out of line:
    /// it is the same for every operation).
    static func finish<T: BitwiseCopyable & Numeric>(_ type: DataType, _ buffer: RawBuffer, _ out: UnsafeMutablePointer<T>,
                                                     count: Int, validity: Bitmap?) -> Column {
        buffer.count = count * MemoryLayout<T>.stride
        if let validity {
            var row = 0
            for word in validity.words where row < count {
                if word != .max {
                    let end = Swift.min(row + 64, count)
                    for i in row..<end where (word >> UInt64(i - row)) & 1 == 0 { out[i] = 0 }
                }
                row += 64
            }
        }
        return Column(type: type, values: buffer, count: count, validity: validity)
    }

    /// Rows valid in both (`nil` = all valid).
    static func and(_ a: Bitmap?, _ b: Bitmap?) -> Bitmap? {
        guard let a else { return b }
        guard let b else { return a }
        var words = a.words
        for i in words.indices { words[i] &= b.words[i] }
        return Bitmap(words: words, count: a.count)
    }

    /// `value` repeated `count` times as a column of `type`.
    static func broadcast(_ value: Value, _ type: DataType, count: Int) -> Column {
        if value.isNull {
            var builder = ColumnBuilder(type: type, capacity: count)
            for _ in 0..<count { builder.appendNull() }
            return builder.finish()
        }
        switch value {
        case .bool(let v): return fixed(.bool, UInt8.self, count: count, validity: nil) { $0.update(repeating: v ? 1 : 0, count: count) }
        case .int64(let v): return fixed(.int64, Int64.self, count: count, validity: nil) { $0.update(repeating: v, count: count) }
        case .float64(let v): return fixed(.float64, Double.self, count: count, validity: nil) { $0.update(repeating: v, count: count) }
        case .date(let v): return fixed(.date, Int32.self, count: count, validity: nil) { $0.update(repeating: v, count: count) }
        case .timestamp(let v): return fixed(.timestamp, Int64.self, count: count, validity: nil) { $0.update(repeating: v, count: count) }
        case .decimal(let d):
            guard case .decimal(let p, let s) = type, let u = Decimal128.rescaled(d.unscaled, from: d.scale, to: s, precision: p) else {
                preconditionFailure("decimal literal \(d) does not fit \(type): the binder coerces literals first")
            }
            return fixed(type, Int128.self, count: count, validity: nil) { $0.update(repeating: u, count: count) }
        case .string, .binary:
            let utf8: [UInt8]
            if case .string(let s) = value { utf8 = Array(s.utf8) } else if case .binary(let b) = value { utf8 = b } else { utf8 = [] }
            let offsets = RawBuffer(capacity: (count + 1) * 8)
            let bytes = RawBuffer(capacity: Swift.max(utf8.count * count, 1))
            let o = offsets.mutablePointer.assumingMemoryBound(to: Int64.self)
            let b = bytes.mutablePointer.assumingMemoryBound(to: UInt8.self)
            o[0] = 0
            utf8.withUnsafeBufferPointer { src in
                for i in 0..<count {
                    if !src.isEmpty { (b + i * src.count).update(from: src.baseAddress!, count: src.count) }
                    o[i + 1] = Int64((i + 1) * src.count)
                }
            }
            offsets.count = (count + 1) * 8
            bytes.count = utf8.count * count
            return Column(offsets: offsets, bytes: bytes, count: count, validity: nil, type: type)
        case .null: fatalError("unreachable")
        }
    }
}
