#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ExpressionEvaluator {
    /// Evaluates a scalar function call; each argument is a whole column.
    func call(_ function: ScalarFunction, _ arguments: [BoundExpression], _ e: BoundExpression) throws -> Column {
        if function == .extract || function == .dateTrunc {
            guard case .literal(.string(let name)) = arguments[0].node, let field = ExtractField(rawValue: name) else { fatalError("bound") }
            return dateFunction(function, field, try evaluate(arguments[1]))
        }
        if Self.isCaseOrTrim(function) { return try caseAndTrim(function, arguments[0]) }
        // The first argument is a whole column; later ones are operands of the executor's
        // kernels, so a literal (`replace(x, ',', '')`) stays one row, broadcast.
        let args = try arguments.enumerated().map { $0.offset == 0 ? try evaluate($0.element) : try operand($0.element) }
        let rest = Array(args.dropFirst())
        if args.first?.type.isDecimal == true, [.abs, .floor, .ceil, .round].contains(function) {
            return decimalFunction(function, args, e)
        }
        let inputBytes = args.first.map { $0.type.isVariableWidth ? ColumnExecutor.byteCount($0, count: count) : 0 } ?? 0
        return try withExtendedLifetime(args) { () throws -> Column in
            switch function {
            case .lower, .upper, .trim, .ltrim, .rtrim:
                fatalError("evaluated by caseAndTrim")
            case .length:
                if args[0].type == .binary {
                    return ColumnExecutor.unaryStrings(args[0], to: .int64, Int64.self) { Int64($0.count) }
                }
                return ColumnExecutor.unaryStrings(args[0], to: .int64, Int64.self) { bytes in
                    var n: Int64 = 0
                    for b in bytes where b & 0xC0 != 0x80 { n += 1 }
                    return n
                }
            case .substr:
                // 1-based start in code points; positions before 1 count toward the length (SQL).
                if rest.count == 1 {
                    return ColumnExecutor.strings(args[0], BytesOperand.self, rest[0], ValuesOperand<Int64>.self, count: count, capacity: inputBytes) {
                        bytes, start, out in appendSubstring(bytes, start: start, length: nil, into: &out)
                    }
                }
                return ColumnExecutor.strings(args[0], BytesOperand.self, rest[0], ValuesOperand<Int64>.self, rest[1], ValuesOperand<Int64>.self,
                                              count: count, capacity: inputBytes) { bytes, start, length, out in
                    appendSubstring(bytes, start: start, length: length, into: &out)
                }
            case .replace:
                return ColumnExecutor.strings(args[0], BytesOperand.self, rest[0], BytesOperand.self, rest[1], BytesOperand.self,
                                              count: count, capacity: inputBytes) { bytes, from, to, out in
                    var k = 0
                    while k < bytes.count {
                        if !from.isEmpty, k + from.count <= bytes.count,
                           memcmp(bytes.baseAddress! + k, from.baseAddress!, from.count) == 0 {
                            out.append(to)
                            k += from.count
                        } else {
                            out.append(byte: bytes[k])
                            k += 1
                        }
                    }
                    return true
                }
            case .splitPart:
                return ColumnExecutor.strings(args[0], BytesOperand.self, rest[0], BytesOperand.self, rest[1], ValuesOperand<Int64>.self,
                                              count: count, capacity: inputBytes) { bytes, delimiter, wanted, out in
                    guard wanted >= 1 else { return false }
                    if delimiter.isEmpty { if wanted == 1 { out.append(bytes) }; return true }
                    var part: Int64 = 1, k = 0, partStart = 0
                    while k <= bytes.count {
                        let atDelimiter = k + delimiter.count <= bytes.count && memcmp(bytes.baseAddress! + k, delimiter.baseAddress!, delimiter.count) == 0
                        if atDelimiter || k == bytes.count {
                            if part == wanted { out.append(UnsafeBufferPointer(rebasing: bytes[partStart..<k])); return true }
                            part += 1
                            k += atDelimiter ? delimiter.count : 1
                            partStart = k
                        } else {
                            k += 1
                        }
                    }
                    return true  // past the last part: empty string (PostgreSQL)
                }
            case .concat:
                return ColumnExecutor.concatenate([args[0]] + rest, count: count, skippingNulls: true)
            case .coalesce:
                // Each row takes the first argument not null there.
                let sources = [args[0]] + rest
                var choice = [Int](repeating: -1, count: count)
                for (k, source) in sources.enumerated() { ColumnExecutor.assign(k, whereValid: source, to: &choice, replacing: -1) }
                return ColumnExecutor.select(sources, choice, type: e.type)
            case .nullif:
                var choice = [Int](repeating: 0, count: count)
                ColumnExecutor.assign(-1, where: compare(.equal, args[0], rest[0]), to: &choice)
                return ColumnExecutor.select([args[0]], choice, type: e.type)
            case .greatest, .least:
                // Nulls are ignored; null only when every argument is null (PostgreSQL).
                let sources = [args[0]] + rest
                var choice = [Int](repeating: -1, count: count)
                let wantGreater: BinaryOperator = function == .greatest ? .greater : .less
                for (k, column) in sources.enumerated() {
                    if k > 0 {
                        // Where the argument beats the current best (null where either is null) …
                        let best = ColumnExecutor.select(sources, choice, type: e.type)
                        ColumnExecutor.assign(k, where: compare(wantGreater, column, best), to: &choice)
                    }
                    // … or where there is no best yet, it becomes the best.
                    ColumnExecutor.assign(k, whereValid: column, to: &choice, replacing: -1)
                }
                return ColumnExecutor.select(sources, choice, type: e.type)
            case .abs:
                if e.type == .float64 { return map(args[0], Double.self, .float64) { Swift.abs($0) } }
                return try arithmeticInt(.multiply, args[0], map(args[0], Int64.self, .int64) { $0 < 0 ? -1 : 1 }, e)
            case .floor, .ceil:
                if e.type == .int64 { return args[0] }
                let rule: FloatingPointRoundingRule = function == .floor ? .down : .up
                return map(args[0], Double.self, .float64) { $0.rounded(rule) }
            case .round:
                // Half away from zero, like PostgreSQL's numeric round.
                if e.type == .int64 {
                    guard args.count == 2 else { return args[0] }
                    return ColumnExecutor.binary(args[0], Int64.self, args[1], Int64.self, to: .int64, count: count, Int64.self) { x, digits in
                        guard digits < 0 else { return x }
                        let scale = digits < -18 ? Int64.max : (0..<(-digits)).reduce(Int64(1)) { a, _ in a * 10 }
                        let q = (Double(x) / Double(scale)).rounded(.toNearestOrAwayFromZero)
                        return Int64(exactly: q * Double(scale)) ?? 0
                    }
                }
                if args.count == 2 {
                    if ColumnExecutor.isScalar(args[1], count: count), !args[1].isNull(0) {
                        // The usual `round(x, 2)`: the scale is worked out once, not per row.
                        let rounding = HalfAwayRounding(digits: Int(args[1].withUnsafeValues(as: Int64.self) { $0[0] }))
                        return map(args[0], Double.self, .float64) { rounding($0) }
                    }
                    return ColumnExecutor.binary(args[0], Double.self, args[1], Int64.self, to: .float64, count: count, Double.self) {
                        HalfAwayRounding(digits: Int($1))($0)
                    }
                }
                return map(args[0], Double.self, .float64) { $0.isFinite ? $0.rounded(.toNearestOrAwayFromZero) : $0 }
            case .hash:
                // Hashes every argument, nulls included (tagged), so it reads whole columns.
                let columns = try zip(arguments, args).map { ColumnExecutor.isScalar($0.1, count: count) ? try evaluate($0.0) : $0.1 }
                return Kernels.fixed(.int64, Int64.self, count: count, validity: nil) { out in
                    // The output holds each row's hash state while the columns are folded in, one column at a time.
                    let states = UnsafeMutableRawPointer(out).assumingMemoryBound(to: UInt64.self)
                    states.update(repeating: StableHash().state, count: count)
                    for column in columns { StableHash.combine(column, into: states, count: count) }
                    for i in 0..<count { states[i] = StableHash(state: states[i]).finish() }
                }
            case .regexpMatches, .regexpReplace:
                // Sluice's one regex dialect (POSIX extended, on the bytes), compiled once per evaluation.
                guard case .literal(.string(let pattern)) = arguments[1].node,
                      let regex = try? CompiledRegex(pattern, capturing: function == .regexpReplace) else { fatalError("checked when bound") }
                if function == .regexpMatches {
                    return ColumnExecutor.unaryStrings(args[0], to: .bool, UInt8.self) { regex.matches($0) ? 1 : 0 }
                }
                var groups: [Range<Int>?] = []
                return ColumnExecutor.strings(args[0], BytesOperand.self, rest[1], BytesOperand.self, count: count, capacity: inputBytes) { text, template, out in
                    var k = 0
                    while k <= text.count, regex.firstMatch(in: text, from: k, groups: &groups), let whole = groups[0] {
                        out.append(UnsafeBufferPointer(rebasing: text[k..<whole.lowerBound]))
                        appendReplacement(template, groups, text, into: &out)
                        if whole.isEmpty {
                            // An empty match: keep the next character and search after it.
                            guard whole.upperBound < text.count else { k = text.count + 1; break }
                            var next = whole.upperBound + 1
                            while next < text.count && text[next] & 0xC0 == 0x80 { next += 1 }
                            out.append(UnsafeBufferPointer(rebasing: text[whole.upperBound..<next]))
                            k = next
                        } else {
                            k = whole.upperBound
                        }
                    }
                    if k < text.count { out.append(UnsafeBufferPointer(rebasing: text[k...])) }
                    return true
                }
            case .strftime:
                let micros = args[0].type == .date ? try cast(args[0], to: .timestamp, e) : args[0]
                return ColumnExecutor.strings(micros, ValuesOperand<Int64>.self, rest[0], BytesOperand.self, count: count, capacity: count * 20) { t, format, out in
                    formatTimestamp(t, format, into: &out)
                    return true
                }
            case .strptime:
                return try ColumnExecutor.binaryStringsChecked(args[0], args[1], to: .timestamp, count: count, Int64.self, failure: { i in
                    fail(.invalidCast, "'\(args[0].unsafeStrings().string(at: i))' at row \(i) does not match the format '\(args[1].unsafeStrings().string(at: ColumnExecutor.isScalar(args[1], count: count) ? 0 : i))'", e,
                         hint: "directives: %Y %m %d %H %M %S %%; other characters must match exactly")
                }) { text, format in
                    guard let t = parseTimestamp(text, format: format) else { return (0, .failed) }
                    return (t, .value)
                }
            case .addInterval:
                guard case .int64(let months) = arguments[1].literalValue, case .int64(let micros) = arguments[2].literalValue else { fatalError("bound as literals") }
                let isDate = args[0].type == .date
                let step = { (value: Int64) -> Int64 in
                    // value in microseconds; add months with the day clamped to the month's length.
                    var days = value >= 0 ? value / 86_400_000_000 : (value - 86_399_999_999) / 86_400_000_000
                    let time = value - days * 86_400_000_000
                    if months != 0 {
                        let c = CivilCalendar.civil(fromDays: Int(days))
                        let total = Int64(c.year) * 12 + Int64(c.month - 1) + months
                        let year = Int(total >= 0 ? total / 12 : (total - 11) / 12), month = Int(total - Int64(year) * 12) + 1
                        days = Int64(CivilCalendar.days(year: year, month: month, day: Swift.min(c.day, CivilCalendar.daysInMonth(year: year, month: month))))
                    }
                    return days * 86_400_000_000 + time + micros
                }
                if isDate && e.type == .date {
                    return map(args[0], Int32.self, .date) { Int32(truncatingIfNeeded: step(Int64($0) * 86_400_000_000) / 86_400_000_000) }
                }
                let source = isDate ? try cast(args[0], to: .timestamp, e) : args[0]
                return map(source, Int64.self, .timestamp) { step($0) }
            case .now, .extract, .dateTrunc:
                fatalError("handled elsewhere")
            }
        }
    }

    func dateFunction(_ function: ScalarFunction, _ field: ExtractField, _ x: Column) -> Column {
        let microsPerDay: Int64 = 86_400_000_000
        func parts(_ micros: Int64) -> (days: Int64, timeOfDay: Int64) {
            let days = micros >= 0 ? micros / microsPerDay : (micros - microsPerDay + 1) / microsPerDay
            return (days, micros - days * microsPerDay)
        }
        let isDate = x.type == .date
        /// One loop per field and input type: no dispatch per row.
        func perValue<R: BitwiseCopyable & Numeric>(to type: DataType, _: R.Type, _ value: (Int64) -> R) -> Column {
            isDate ? map(x, Int32.self, type) { value(Int64($0) * microsPerDay) } : map(x, Int64.self, type, value)
        }
        if function == .extract {
            switch field {
            case .year: return perValue(to: .int64, Int64.self) { Int64(CivilCalendar.year(fromDays: Int(parts($0).days))) }
            case .month: return perValue(to: .int64, Int64.self) { Int64(CivilCalendar.civil(fromDays: Int(parts($0).days)).month) }
            case .day: return perValue(to: .int64, Int64.self) { Int64(CivilCalendar.civil(fromDays: Int(parts($0).days)).day) }
            case .hour: return perValue(to: .int64, Int64.self) { parts($0).timeOfDay / 3_600_000_000 }
            case .minute: return perValue(to: .int64, Int64.self) { parts($0).timeOfDay / 60_000_000 % 60 }
            case .second: return perValue(to: .int64, Int64.self) { parts($0).timeOfDay / 1_000_000 % 60 }
            }
        }
        let truncated = { (micros: Int64) -> Int64 in
            let (days, time) = parts(micros)
            let civil = CivilCalendar.civil(fromDays: Int(days))
            switch field {
            case .year: return Int64(CivilCalendar.days(year: civil.year, month: 1, day: 1)) * microsPerDay
            case .month: return Int64(CivilCalendar.days(year: civil.year, month: civil.month, day: 1)) * microsPerDay
            case .day: return days * microsPerDay
            case .hour: return days * microsPerDay + time / 3_600_000_000 * 3_600_000_000
            case .minute: return days * microsPerDay + time / 60_000_000 * 60_000_000
            case .second: return days * microsPerDay + time / 1_000_000 * 1_000_000
            }
        }
        if isDate { return perValue(to: .date, Int32.self) { Int32(truncated($0) / microsPerDay) } }
        return perValue(to: .timestamp, Int64.self, truncated)
    }
}

/// Appends `micros` formatted with strftime-style directives (%Y %m %d %H %M %S %f %%).
func formatTimestamp(_ micros: Int64, _ format: UnsafeBufferPointer<UInt8>, into out: inout StringOutput) {
    let days = micros >= 0 ? micros / 86_400_000_000 : (micros - 86_399_999_999) / 86_400_000_000
    let time = micros - days * 86_400_000_000
    let c = CivilCalendar.civil(fromDays: Int(days))
    func number(_ value: Int64, width: Int) {
        var digits = Array(String(Swift.abs(value)).utf8)
        while digits.count < width { digits.insert(UInt8(ascii: "0"), at: 0) }
        if value < 0 { out.append(byte: UInt8(ascii: "-")) }
        for d in digits { out.append(byte: d) }
    }
    var k = 0
    while k < format.count {
        let b = format[k]
        if b == UInt8(ascii: "%") && k + 1 < format.count {
            switch format[k + 1] {
            case UInt8(ascii: "Y"): number(Int64(c.year), width: 4)
            case UInt8(ascii: "m"): number(Int64(c.month), width: 2)
            case UInt8(ascii: "d"): number(Int64(c.day), width: 2)
            case UInt8(ascii: "H"): number(time / 3_600_000_000, width: 2)
            case UInt8(ascii: "M"): number(time / 60_000_000 % 60, width: 2)
            case UInt8(ascii: "S"): number(time / 1_000_000 % 60, width: 2)
            case UInt8(ascii: "f"): number(time % 1_000_000, width: 6)
            case UInt8(ascii: "%"): out.append(byte: b)
            default: out.append(byte: b); out.append(byte: format[k + 1])
            }
            k += 2
        } else {
            out.append(byte: b)
            k += 1
        }
    }
}

/// Appends the code points `start ..< start + length` (1-based; `length` nil: to the end)
/// of `bytes`; positions before 1 count toward the length, as in SQL.
func appendSubstring(_ bytes: UnsafeBufferPointer<UInt8>, start: Int64, length: Int64?, into out: inout StringOutput) -> Bool {
    var first = start - 1
    var last = length.map { first + Swift.max($0, 0) } ?? Int64.max
    first = Swift.max(first, 0)
    last = Swift.max(last, first)
    var scalar: Int64 = -1, lowerByte = bytes.count, upperByte = bytes.count
    for (offset, b) in bytes.enumerated() where b & 0xC0 != 0x80 {
        scalar += 1
        if scalar == first { lowerByte = offset }
        if scalar == last { upperByte = offset; break }
    }
    if lowerByte < upperByte { out.append(UnsafeBufferPointer(rebasing: bytes[lowerByte..<upperByte])) }
    return true
}

/// Parses `text` with strftime-style directives (%Y %m %d %H %M %S %%); nil when it does not match.
func parseTimestamp(_ text: UnsafeBufferPointer<UInt8>, format: UnsafeBufferPointer<UInt8>) -> Int64? {
    var year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0
    var t = 0, k = 0
    func digits(_ maxCount: Int) -> Int? {
        var value = 0, n = 0
        while n < maxCount, t < text.count, text[t] >= 48, text[t] <= 57 { value = value * 10 + Int(text[t] - 48); t += 1; n += 1 }
        return n > 0 ? value : nil
    }
    while k < format.count {
        if format[k] == UInt8(ascii: "%") && k + 1 < format.count && format[k + 1] != UInt8(ascii: "%") {
            let value: Int?
            switch format[k + 1] {
            case UInt8(ascii: "Y"): value = digits(4); year = value ?? 0
            case UInt8(ascii: "m"): value = digits(2); month = value ?? 0
            case UInt8(ascii: "d"): value = digits(2); day = value ?? 0
            case UInt8(ascii: "H"): value = digits(2); hour = value ?? 0
            case UInt8(ascii: "M"): value = digits(2); minute = value ?? 0
            case UInt8(ascii: "S"): value = digits(2); second = value ?? 0
            default: return nil
            }
            guard value != nil else { return nil }
            k += 2
            continue
        }
        let expected = format[k]
        k += expected == UInt8(ascii: "%") ? 2 : 1
        guard t < text.count, text[t] == expected else { return nil }
        t += 1
    }
    guard t == text.count, CivilCalendar.isValid(year: year, month: month, day: day), hour < 24, minute < 60, second < 60 else { return nil }
    let days = Int64(CivilCalendar.days(year: year, month: month, day: day))
    return days * 86_400_000_000 + Int64(hour * 3600 + minute * 60 + second) * 1_000_000
}

/// ASCII whitespace `trim` removes: space, tab, LF, VT, FF, CR.
@inline(__always) func isTrimmable(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }

/// `value` rounded to `digits` decimals, halves away from zero. A value that is a
/// half *as written* (its shortest decimal form ends in 5 at digit `digits + 1`, like
/// 2.675 stored as 2.67499999…) rounds away from zero too, as a user reading it expects.
struct HalfAwayRounding {
    let digits: Int
    let scale: Double

    init(digits: Int) {
        self.digits = digits
        scale = pow10(digits)
    }

    @inline(__always)
    func callAsFunction(_ value: Double) -> Double {
        guard value.isFinite else { return value }
        if digits == 0 { return value.rounded(.toNearestOrAwayFromZero) }
        let scaled = value * scale
        let fraction = (scaled - scaled.rounded(.towardZero)).magnitude
        if digits > 0, Swift.abs(fraction - 0.5) < 1e-6 { return tie(value, scaled) }
        return scaled.rounded(.toNearestOrAwayFromZero) / scale
    }

    /// Near a tie: the shortest decimal text of `value` decides whether it really is one
    /// (rare, so kept out of the row loop).
    @inline(never)
    func tie(_ value: Double, _ scaled: Double) -> Double {
        let text = formatDouble(value)
        if let dot = text.firstIndex(of: "."), !text.contains("e"), text[text.index(after: dot)...].count == digits + 1, text.last == "5" {
            return (scaled.rounded(.towardZero) + (value > 0 ? 1 : -1)) / scale
        }
        return scaled.rounded(.toNearestOrAwayFromZero) / scale
    }
}

func pow10(_ n: Int) -> Double {
    var r = 1.0
    for _ in 0..<Swift.min(Swift.abs(n), 400) { r *= 10 }   // past 10^400 it is inf (or 0) anyway
    return n >= 0 ? r : 1 / r
}

/// A stable 64-bit hash (FNV-1a over type-tagged bytes, then a SplitMix64 finaliser):
/// the same values give the same hash on every machine and in every release.
struct StableHash {
    var state: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func byte(_ b: UInt8) {
        state = (state ^ UInt64(b)) &* 0x100_0000_01b3
    }

    mutating func word(_ w: UInt64) {
        for k in 0..<8 { byte(UInt8(truncatingIfNeeded: w >> UInt64(k * 8))) }
    }

    /// Folds `column`'s rows into `states[0..<count]` (one state per row): a type tag and
    /// the value's bytes, or a lone 0 for a null.
    static func combine(_ column: Column, into states: UnsafeMutablePointer<UInt64>, count: Int) {
        func each<T: BitwiseCopyable>(_: T.Type, tag: UInt8, _ body: (inout StableHash, T) -> Void) {
            column.withUnsafeValues(as: T.self) { v in
                for i in 0..<count {
                    var h = StableHash(state: states[i])
                    if column.isNull(i) { h.byte(0) } else { h.byte(tag); body(&h, v[i]) }
                    states[i] = h.state
                }
            }
        }
        switch column.type {
        case .string, .binary:
            let tag: UInt8 = column.type == .string ? 1 : 8
            column.withUnsafeStrings { view in
                for i in 0..<count {
                    var h = StableHash(state: states[i])
                    if column.isNull(i) {
                        h.byte(0)
                    } else {
                        h.byte(tag)
                        let bytes = view[i]
                        h.word(UInt64(bytes.count))
                        for b in bytes { h.byte(b) }
                    }
                    states[i] = h.state
                }
            }
        case .bool: each(UInt8.self, tag: 2) { $0.byte($1) }
        case .int64: each(Int64.self, tag: 3) { $0.word(UInt64(bitPattern: $1)) }
        case .float64: each(Double.self, tag: 4) { $0.word($1 == 0 ? 0 : $1.isNaN ? Double.nan.bitPattern : $1.bitPattern) }
        case .date: each(Int32.self, tag: 5) { $0.word(UInt64(bitPattern: Int64($1))) }
        case .timestamp: each(Int64.self, tag: 6) { $0.word(UInt64(bitPattern: $1)) }
        case .decimal(_, let scale):
            // Hash the normalised number so equal values at different scales hash alike.
            each(Int128.self, tag: 7) { h, v in
                let n = Decimal128(unscaled: v, scale: scale).normalized
                h.word(UInt64(truncatingIfNeeded: n.unscaled)); h.word(UInt64(truncatingIfNeeded: n.unscaled >> 64)); h.byte(UInt8(n.scale))
            }
        }
    }

    func finish() -> UInt64 {
        var z = state &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// Appends a `regexp_replace` replacement with `\1`…`\9` (groups; `\0` the whole match)
/// and `\\` (a backslash) expanded, as PostgreSQL and DuckDB read it. A group that did
/// not take part in the match is empty.
func appendReplacement(_ template: UnsafeBufferPointer<UInt8>, _ groups: [Range<Int>?], _ text: UnsafeBufferPointer<UInt8>,
                       into out: inout StringOutput) {
    var k = 0
    while k < template.count {
        let b = template[k]
        k += 1
        guard b == UInt8(ascii: "\\"), k < template.count else { out.append(byte: b); continue }
        let next = template[k]
        k += 1
        if next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9") {
            let digit = Int(next - UInt8(ascii: "0"))
            if digit < groups.count, let group = groups[digit] { out.append(UnsafeBufferPointer(rebasing: text[group])) }
        } else {
            out.append(byte: next)
        }
    }
}
