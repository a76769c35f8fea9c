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
            return ColumnExecutor.buildStrings(count: count, capacity: count * 8, validity: x.validity) { i, out in
                out.append(x.unsafeValue(at: i).description)
                return true
            }
        case (.string, _):
            let view = x.unsafeStrings()
            var builder = ColumnBuilder(type: type, capacity: count)
            try withExtendedLifetime(x) {
                for i in 0..<count {
                    if x.isNull(i) { builder.appendNull(); continue }
                    let bytes = view[i]
                    var lower = 0, upper = bytes.count
                    while lower < upper && isTrimmable(bytes[lower]) { lower += 1 }
                    while upper > lower && isTrimmable(bytes[upper - 1]) { upper -= 1 }
                    let p = bytes.baseAddress! + lower, n = upper - lower
                    var ok = true
                    switch type {
                    case .int64: if let v = ScalarParser.int64(p, n) { builder.append(int64: v) } else { ok = false }
                    case .float64: if let v = ScalarParser.float64(p, n) { builder.append(float64: v) } else { ok = false }
                    case .bool: if let v = ScalarParser.bool(p, n) { builder.append(bool: v) } else { ok = false }
                    case .date: if let v = ScalarParser.date(p, n) { builder.append(date: v) } else { ok = false }
                    case .timestamp: if let v = ScalarParser.timestamp(p, n) { builder.append(timestamp: v) } else { ok = false }
                    case .decimal(let precision, let scale):
                        if let v = Decimal128.parse(p, n, scale: scale, precision: precision) { builder.append(decimal: v) } else { ok = false }
                    case .binary:
                        var out: [UInt8] = []
                        if BinaryText.decodeHex(p, n, into: &out) { out.withUnsafeBytes { builder.append(bytes: $0) } } else { ok = false }
                    case .string: break
                    }
                    if !ok {
                        throw fail(.invalidCast, "cannot cast '\(view.string(at: i))' at row \(i) to \(type)", e,
                                   hint: "clean the value first, e.g. with case when … or nullif(…)")
                    }
                }
            }
            return builder.finish()
        default:
            throw fail(.invalidCast, "cannot cast \(x.type) to \(type)", e)
        }
    }
}
