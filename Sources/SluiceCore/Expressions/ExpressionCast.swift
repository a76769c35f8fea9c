extension ExpressionEvaluator {
    /// Converts a column to `type`. Strings are parsed with Sluice's scalar parsers;
    /// a value that does not parse, or a float that does not fit int64, throws
    /// `.invalidCast` naming the row. float64 → int64 rounds half away from zero.
    func cast(_ x: Column, to type: DataType, _ e: BoundExpression) throws -> Column {
        if x.type == type { return x }
        if let converted = try castDecimal(x, to: type, e) { return converted }
        switch (x.type, type) {
        case (.int64, .float64): return map(x, Int64.self, .float64) { Double($0) }
        case (.float64, .int64):
            return try ColumnExecutor.unaryChecked(x, Double.self, to: .int64, Int64.self, failure: { i in
                fail(.invalidCast, "cannot cast \(formatDouble(x.unsafeValuesAddress(as: Double.self)[i])) at row \(i) to int64", e,
                     hint: "values must be finite and within ±9.2e18")
            }) { v in
                guard let r = Int64(exactly: v.rounded(.toNearestOrAwayFromZero)) else { return (0, .failed) }
                return (r, .value)
            }
        case (.bool, .int64): return map(x, UInt8.self, .int64) { Int64($0) }
        case (.bool, .float64): return map(x, UInt8.self, .float64) { Double($0) }
        case (.int64, .bool): return map(x, Int64.self, .bool) { $0 != 0 ? UInt8(1) : 0 }
        case (.float64, .bool): return map(x, Double.self, .bool) { $0 != 0 ? UInt8(1) : 0 }
        case (.date, .timestamp): return map(x, Int32.self, .timestamp) { Int64($0) * 86_400_000_000 }
        case (.timestamp, .date):
            return map(x, Int64.self, .date) { t in Int32(truncatingIfNeeded: t >= 0 ? t / 86_400_000_000 : (t - 86_399_999_999) / 86_400_000_000) }
        case (_, .string):
            return castToText(x)
        case (.string, _):
            return try castFromText(x, to: type, e)
        default:
            throw fail(.invalidCast, "cannot cast \(x.type) to \(type)", e)
        }
    }

    /// The text of every value, as ``ByteWriter`` writes it (the text CSV gets): no
    /// `Value` or `String` per row.
    private func castToText(_ x: Column) -> Column {
        var scratch = ByteWriter(capacity: 64)
        defer { scratch.deallocate() }
        func text<T: BitwiseCopyable>(_: T.Type, _ put: (inout ByteWriter, T) -> Void) -> Column {
            x.withUnsafeValues(as: T.self) { v in
                ColumnExecutor.buildStrings(count: x.count, capacity: x.count * 8, validity: x.validity) { i, out in
                    scratch.count = 0
                    put(&scratch, v[i])
                    out.append(scratch.written)
                    return true
                }
            }
        }
        switch x.type {
        case .int64: return text(Int64.self) { $0.put(int64: $1) }
        case .float64: return text(Double.self) { $0.put(float64: $1) }
        case .bool: return text(UInt8.self) { $0.put($1 != 0 ? "true" : "false") }
        case .date: return text(Int32.self) { $0.put(date: $1) }
        case .timestamp: return text(Int64.self) { $0.put(timestamp: $1) }
        case .decimal(_, let scale): return text(Int128.self) { $0.put(decimal: $1, scale: scale) }
        case .binary:
            return ColumnExecutor.strings(x, count: x.count, capacity: x.count * 8) { bytes, out in
                scratch.count = 0
                scratch.put(hex: bytes)
                out.append(scratch.written)
                return true
            }
        case .string: return x
        }
    }

    /// Strings parsed with Sluice's scalar parsers (surrounding ASCII whitespace
    /// trimmed); a value that does not parse throws `.invalidCast` naming the row.
    private func castFromText(_ x: Column, to type: DataType, _ e: BoundExpression) throws -> Column {
        let failure: (Int) -> any Error = { i in
            fail(.invalidCast, "cannot cast '\(x.unsafeStrings().string(at: i))' at row \(i) to \(type)", e,
                 hint: "clean the value first, e.g. with case when … or nullif(…)")
        }
        func parsed<R: BitwiseCopyable & Numeric>(_: R.Type, _ parse: (UnsafePointer<UInt8>, Int) -> R?) throws -> Column {
            try ColumnExecutor.unaryStringsChecked(x, to: type, R.self, failure: failure) { bytes in
                let (p, n) = trimmed(bytes)
                guard let v = parse(p, n) else { return (0, .failed) }
                return (v, .value)
            }
        }
        switch type {
        case .int64: return try parsed(Int64.self) { ScalarParser.int64($0, $1) }
        case .float64: return try parsed(Double.self) { ScalarParser.float64($0, $1) }
        case .bool: return try parsed(UInt8.self) { p, n in ScalarParser.bool(p, n).map { $0 ? 1 : 0 } }
        case .date: return try parsed(Int32.self) { ScalarParser.date($0, $1) }
        case .timestamp: return try parsed(Int64.self) { ScalarParser.timestamp($0, $1) }
        case .decimal(let precision, let scale):
            return try parsed(Int128.self) { Decimal128.parse($0, $1, scale: scale, precision: precision) }
        case .binary:
            var decoded: [UInt8] = []
            var failed: Int?
            let column = x.withUnsafeStrings { view in
                ColumnExecutor.buildStrings(count: x.count, capacity: x.count * 8, validity: x.validity, type: .binary) { i, out in
                    guard failed == nil else { return true }
                    let (p, n) = trimmed(view[i])
                    decoded.removeAll(keepingCapacity: true)
                    if BinaryText.decodeHex(p, n, into: &decoded) { decoded.withUnsafeBufferPointer { out.append($0) } } else { failed = i }
                    return true
                }
            }
            if let failed { throw failure(failed) }
            return column
        case .string: return x
        }
    }
}

/// `bytes` without surrounding ASCII whitespace, as a pointer and count.
@inline(__always) private func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> (UnsafePointer<UInt8>, Int) {
    var lower = 0, upper = bytes.count
    while lower < upper && isTrimmable(bytes[lower]) { lower += 1 }
    while upper > lower && isTrimmable(bytes[upper - 1]) { upper -= 1 }
    return ((bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!) + lower, upper - lower)
}
