import SluiceCore

/// One pass over one column computing every metric the suite's checks asked of it.
///
/// The column is walked in blocks of 4096 rows; each block is handed to every
/// metric's kernel while it is still in cache, so the column's memory is read
/// once however many checks use it. Kernels are specialised per value type and
/// walk validity one 64-row word at a time (no `Value` per cell).
enum ColumnScan {
    static let blockRows = 4096

    /// Computes `metrics` (all of which read `column`).
    ///
    /// - Throws: ``QualityError`` `.incompatibleType` when a metric cannot apply to the column's type.
    static func run(_ column: Column, name: String, metrics: [Metric]) throws -> [Metric: MetricValue] {
        var kernels: [(Metric, any BlockKernel)] = []
        for metric in metrics {
            kernels.append((metric, try makeKernel(metric, column: column, name: name)))
        }
        let count = column.count
        let validity = column.validity?.words ?? []
        validity.withUnsafeBufferPointer { words in
            let bits = column.validity == nil ? nil : words.baseAddress
            var start = 0
            while start < count {
                let end = Swift.min(start + blockRows, count)
                for (_, kernel) in kernels { kernel.consume(start, end, bits) }
                start = end
            }
        }
        return withExtendedLifetime(column) {
            Dictionary(uniqueKeysWithValues: kernels.map { ($0.0, $0.1.finish()) })
        }
    }

    static func makeKernel(_ metric: Metric, column: Column, name: String) throws -> any BlockKernel {
        func mismatch(_ what: String) -> QualityError {
            QualityError(.incompatibleType, message: "\(what) cannot apply to column \"\(name)\" of type \(column.type)")
        }
        switch metric {
        case .distinct:
            switch column.type {
            case .string, .binary, .decimal: return BytesDistinctKernel(column)
            case .bool, .int64, .timestamp, .date, .float64: return FixedDistinctKernel(column)
            }
        case .outOfRange(_, let bounds):
            switch (column.type, bounds) {
            case (.int64, .integers), (.timestamp, .integers), (.date, .integers), (.float64, .reals), (.decimal, .decimals):
                return RangeKernel(column, bounds)
            default: throw mismatch("a range check")
            }
        case .notIn(_, let set):
            switch (column.type, set.type) {
            case (.string, .string), (.binary, .binary): return BytesMembershipKernel(column, set.strings!)
            case (.decimal, .decimal) where column.type == set.type: return BytesMembershipKernel(column, set.strings!)
            case (.string, _), (_, .string): throw mismatch("a set of \(set.type) values")
            case (.bool, .bool), (.int64, .int64), (.timestamp, .timestamp), (.date, .date), (.float64, .float64):
                return FixedMembershipKernel(column, set.integers!, asDouble: false)
            case (.int64, .float64): return FixedMembershipKernel(column, set.integers!, asDouble: true)
            case (.float64, .int64): return IntegralMembershipKernel(column, set.integers!)
            default: throw mismatch("a set of \(set.type) values")
            }
        case .notMatching(_, let pattern):
            guard column.type == .string else { throw mismatch("a pattern") }
            return PatternKernel(column, pattern.compiled)
        case .maximum:
            switch column.type {
            case .int64, .timestamp, .date, .float64: return MaximumKernel(column)
            case .bool, .string, .binary, .decimal: throw mismatch("a maximum")
            }
        case .distinctRows, .predicate:
            preconditionFailure("\(metric) spans several columns: computed in its own job")
        }
    }
}

/// A metric's kernel: fed consecutive blocks (each starting at a multiple of 64 rows).
protocol BlockKernel: AnyObject {
    /// Rows `start..<end`; `validity` is the column's words, `nil` when no row is null.
    func consume(_ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?)
    func finish() -> MetricValue
}

/// A fixed-width value as a hash key and as a number.
protocol ScanElement: BitwiseCopyable, Comparable {
    var scanKey: Int64 { get }
    var integerValue: Int64 { get }
    func value(as type: DataType) -> Value
}
extension Int64: ScanElement {
    @inline(__always) var scanKey: Int64 { self }
    @inline(__always) var integerValue: Int64 { self }
    func value(as type: DataType) -> Value { type == .timestamp ? .timestamp(self) : .int64(self) }
}
extension Int32: ScanElement {
    @inline(__always) var scanKey: Int64 { Int64(self) }
    @inline(__always) var integerValue: Int64 { Int64(self) }
    func value(as type: DataType) -> Value { .date(self) }
}
extension UInt8: ScanElement {
    @inline(__always) var scanKey: Int64 { Int64(self) }
    @inline(__always) var integerValue: Int64 { Int64(self) }
    func value(as type: DataType) -> Value { .bool(self != 0) }
}
extension Double: ScanElement {
    @inline(__always) var scanKey: Int64 { KeyHash.key(self) }
    @inline(__always) var integerValue: Int64 { Int64(self) }
    func value(as type: DataType) -> Value { .float64(self) }
}

/// Shared state of kernels that mark failing rows.
class FailingRowsKernel {
    let count: Int
    var failing: [UInt64]
    var failures = 0

    init(count: Int) {
        self.count = count
        failing = [UInt64](repeating: 0, count: (count + 63) >> 6)
    }

    func finish() -> MetricValue {
        MetricValue(count: failures, failing: Bitmap(words: failing, count: count))
    }

    /// The validity loop of a row-level kernel: marks and counts each valid row of
    /// `start..<end` for which `fails` is true.
    @inline(__always)
    final func markFailing(_ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?, _ fails: (Int) -> Bool) {
        var total = 0
        failing.withUnsafeMutableBufferPointer { failing in
            forEachValidRow(start, end, validity) { row in
                if fails(row) {
                    failing[row >> 6] |= 1 << UInt64(row & 63)
                    total &+= 1
                }
            }
        }
        failures += total
    }
}

extension FailingRowsKernel {
    /// The branch-free form of ``markFailing``: `fails` is evaluated for every row of a
    /// word that holds a valid row and the word's result is masked by validity, so a
    /// cheap comparison vectorises. `fails` must be safe to call on null rows.
    @inline(__always)
    final func markFailingByWord(_ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?, _ fails: (Int) -> Bool) {
        var total = 0
        failing.withUnsafeMutableBufferPointer { failing in
            var row = start
            while row < end {
                let n = Swift.min(64, end &- row)
                let valid = validity?[row >> 6] ?? .max
                var bits: UInt64 = 0
                if valid != 0 {
                    var j = 0
                    while j < n {
                        bits |= UInt64(fails(row &+ j) ? 1 : 0) << UInt64(j)
                        j &+= 1
                    }
                    bits &= valid
                }
                failing[row >> 6] = bits
                total &+= bits.nonzeroBitCount
                row &+= n
            }
        }
        failures += total
    }
}

/// The values buffer of a fixed-width column with its element type, so that a
/// kernel switches on the type once per block and then runs a loop specialised
/// for it (a generic class would run unspecialised code behind the existential).
enum FixedValues {
    case int64(UnsafePointer<Int64>)
    case int32(UnsafePointer<Int32>)
    case uint8(UnsafePointer<UInt8>)
    case double(UnsafePointer<Double>)

    init(_ column: Column) {
        switch column.type {
        case .int64, .timestamp: self = .int64(column.unsafeValuesAddress(as: Int64.self))
        case .date: self = .int32(column.unsafeValuesAddress(as: Int32.self))
        case .bool: self = .uint8(column.unsafeValuesAddress(as: UInt8.self))
        case .float64: self = .double(column.unsafeValuesAddress(as: Double.self))
        case .string, .binary, .decimal: preconditionFailure("\(column.type) columns have no 64-bit values")
        }
    }
}

/// Values outside `lo...hi`, for every type a range check applies to: branch-free per
/// word, masked by validity. A value is inside only when `lo <= v <= hi`, so NaN is
/// outside; integer-like values (int64, timestamp, date) compare as `Int64`, decimals
/// unscaled at the column's scale (exact).
final class RangeKernel: FailingRowsKernel, BlockKernel {
    private enum Values {
        case integers(FixedValues, Int64, Int64)
        case reals(UnsafePointer<Double>, Double, Double)
        case decimals(UnsafePointer<Int128>, Int128, Int128)
    }
    private let values: Values

    /// - Precondition: `bounds` fit the column's type (``ColumnScan/makeKernel(_:column:name:)`` checks).
    init(_ column: Column, _ bounds: RangeBounds) {
        switch bounds {
        case .integers(let lo, let hi): values = .integers(FixedValues(column), lo, hi)
        case .reals(let lo, let hi): values = .reals(column.unsafeValuesAddress(as: Double.self), lo, hi)
        case .decimals(let lo, let hi): values = .decimals(column.unsafeValuesAddress(as: Int128.self), lo, hi)
        }
        super.init(count: column.count)
    }

    func consume(_ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?) {
        switch values {
        case .integers(.int64(let p), let lo, let hi): markOutside(p, lo, hi, start, end, validity) { $0 }
        case .integers(.int32(let p), let lo, let hi): markOutside(p, lo, hi, start, end, validity) { $0.integerValue }
        case .integers(.uint8(let p), let lo, let hi): markOutside(p, lo, hi, start, end, validity) { $0.integerValue }
        case .integers(.double, _, _): preconditionFailure("integer bounds on a float64 column")
        case .reals(let p, let lo, let hi): markOutside(p, lo, hi, start, end, validity) { $0 }
        case .decimals(let p, let lo, let hi): markOutside(p, lo, hi, start, end, validity) { $0 }
        }
    }

    /// The one bounds loop, specialised where it is inlined (once per value type).
    @inline(__always)
    private func markOutside<T, Bound: Comparable>(_ values: UnsafePointer<T>, _ lo: Bound, _ hi: Bound, _ start: Int, _ end: Int,
                                                   _ validity: UnsafePointer<UInt64>?, _ key: (T) -> Bound) {
        markFailingByWord(start, end, validity) { row in
            let v = key(values[row])
            return !(v >= lo && v <= hi)
        }
    }
}

/// Distinct fixed-width values through a typed hash set (a bitmap for dense
/// integer keys); repeats are the failing rows.
final class FixedDistinctKernel: FailingRowsKernel, BlockKernel {
    let values: FixedValues
    let set: Int64HashSet

    init(_ column: Column) {
        values = FixedValues(column)
        // Integer keys in a narrow interval (ids) go to a bitmap; others to a hash set.
        set = column.type == .float64 ? Int64HashSet(expected: Swift.min(column.count, 1 << 16))
            : Int64HashSet(expected: column.count, keysIn: keyRange(of: column))
        super.init(count: column.count)
    }

    func consume(_ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?) {
        switch values {
        case .int64(let p): consume(p, start, end, validity)
        case .int32(let p): consume(p, start, end, validity)
        case .uint8(let p): consume(p, start, end, validity)
        case .double(let p): consume(p, start, end, validity)
        }
    }

    @inline(__always) private func consume<T: ScanElement>(_ values: UnsafePointer<T>, _ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?) {
        let set = self.set
        markFailing(start, end, validity) { row in !set.insert(values[row].scanKey) }
    }

    override func finish() -> MetricValue {
        MetricValue(count: set.count, failing: Bitmap(words: failing, count: count))
    }
}

/// Membership of fixed-width values in a typed set (`asDouble`: int64 values looked up as doubles).
final class FixedMembershipKernel: FailingRowsKernel, BlockKernel {
    let values: FixedValues
    let set: Int64HashSet
    let asDouble: Bool

    init(_ column: Column, _ set: Int64HashSet, asDouble: Bool) {
        values = FixedValues(column)
        self.set = set
        self.asDouble = asDouble
        super.init(count: column.count)
    }

    func consume(_ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?) {
        switch values {
        case .int64(let p):
            if asDouble { consumeAsDouble(p, start, end, validity) } else { consume(p, start, end, validity) }
        case .int32(let p): consume(p, start, end, validity)
        case .uint8(let p): consume(p, start, end, validity)
        case .double(let p): consume(p, start, end, validity)
        }
    }

    @inline(__always) private func consume<T: ScanElement>(_ values: UnsafePointer<T>, _ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?) {
        let set = self.set
        markFailing(start, end, validity) { row in !set.contains(values[row].scanKey) }
    }

    private func consumeAsDouble(_ values: UnsafePointer<Int64>, _ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?) {
        let set = self.set
        markFailing(start, end, validity) { row in !set.contains(KeyHash.key(Double(values[row]))) }
    }
}

/// Membership of doubles in a set of integers: only integral values can be members.
final class IntegralMembershipKernel: FailingRowsKernel, BlockKernel {
    let values: UnsafePointer<Double>
    let set: Int64HashSet

    init(_ column: Column, _ set: Int64HashSet) {
        values = column.unsafeValuesAddress(as: Double.self)
        self.set = set
        super.init(count: column.count)
    }

    func consume(_ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?) {
        let set = self.set, values = self.values
        markFailing(start, end, validity) { row in
            let v = values[row]
            let member = v.rounded() == v && v.magnitude < 9.2e18 && set.contains(Int64(v))
            return !member
        }
    }
}

/// Strings the pattern (Sluice's one regex dialect, ``CompiledRegex``) does not match.
final class PatternKernel: FailingRowsKernel, BlockKernel {
    let strings: StringsView
    let regex: CompiledRegex

    init(_ column: Column, _ regex: CompiledRegex) {
        strings = column.unsafeStrings()
        self.regex = regex
        super.init(count: column.count)
    }

    func consume(_ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?) {
        let regex = self.regex, strings = self.strings
        markFailing(start, end, validity) { row in !regex.matches(strings[row]) }
    }
}

/// The greatest non-null value, by the one min/max kernel (``Extremes``: NaN never wins).
final class MaximumKernel: BlockKernel {
    let values: FixedValues
    let type: DataType
    var int64: Extremes<Int64>?
    var int32: Extremes<Int32>?
    var uint8: Extremes<UInt8>?
    var double: Extremes<Double>?

    init(_ column: Column) {
        values = FixedValues(column)
        type = column.type
    }

    func consume(_ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?) {
        switch values {
        case .int64(let p): int64 = Extremes.of(p, start, end, validity: validity, merging: int64)
        case .int32(let p): int32 = Extremes.of(p, start, end, validity: validity, merging: int32)
        case .uint8(let p): uint8 = Extremes.of(p, start, end, validity: validity, merging: uint8)
        case .double(let p): double = Extremes.of(p, start, end, validity: validity, merging: double)
        }
    }

    func finish() -> MetricValue {
        let maximum: Value?
        switch type {
        case .float64: maximum = double.map { .float64($0.max) }
        case .date: maximum = int32.map { .date($0.max) }
        case .timestamp: maximum = int64.map { .timestamp($0.max) }
        case .bool: maximum = uint8.map { .bool($0.max != 0) }
        default: maximum = int64.map { .int64($0.max) }
        }
        return MetricValue(count: 0, maximum: maximum)
    }
}
