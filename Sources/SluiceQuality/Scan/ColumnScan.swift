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
            case .string: return StringDistinctKernel(column)
            case .bool: return FixedDistinctKernel<UInt8>(column)
            case .int64, .timestamp: return FixedDistinctKernel<Int64>(column)
            case .date: return FixedDistinctKernel<Int32>(column)
            case .float64: return FixedDistinctKernel<Double>(column)
            }
        case .outOfRange(_, let bounds):
            switch (column.type, bounds) {
            case (.int64, .integers(let lo, let hi)), (.timestamp, .integers(let lo, let hi)):
                return IntegerRangeKernel<Int64>(column, lo, hi)
            case (.date, .integers(let lo, let hi)): return IntegerRangeKernel<Int32>(column, lo, hi)
            case (.float64, .reals(let lo, let hi)): return RealRangeKernel(column, lo, hi)
            default: throw mismatch("a range check")
            }
        case .notIn(_, let set):
            switch (column.type, set.type) {
            case (.string, .string): return StringMembershipKernel(column, set.strings!)
            case (.string, _), (_, .string): throw mismatch("a set of \(set.type) values")
            case (.bool, .bool): return FixedMembershipKernel<UInt8>(column, set.integers!, asDouble: false)
            case (.int64, .int64), (.timestamp, .timestamp): return FixedMembershipKernel<Int64>(column, set.integers!, asDouble: false)
            case (.int64, .float64): return FixedMembershipKernel<Int64>(column, set.integers!, asDouble: true)
            case (.date, .date): return FixedMembershipKernel<Int32>(column, set.integers!, asDouble: false)
            case (.float64, .float64): return FixedMembershipKernel<Double>(column, set.integers!, asDouble: false)
            case (.float64, .int64): return IntegralMembershipKernel(column, set.integers!)
            default: throw mismatch("a set of \(set.type) values")
            }
        case .notMatching(_, let pattern):
            guard column.type == .string else { throw mismatch("a pattern") }
            return PatternKernel(column, try CompiledRegex(pattern.source))
        case .maximum:
            switch column.type {
            case .int64, .timestamp: return MaximumKernel<Int64>(column)
            case .date: return MaximumKernel<Int32>(column)
            case .float64: return MaximumKernel<Double>(column)
            case .bool, .string: throw mismatch("a maximum")
            }
        case .distinctRows:
            preconditionFailure("distinctRows spans several columns: use DistinctRows.compute")
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
    @inline(__always) var scanKey: Int64 { doubleKey(self) }
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
}

/// Bounds checks on integer-like values: branch-free per word, masked by validity.
final class IntegerRangeKernel<T: ScanElement>: FailingRowsKernel, BlockKernel {
    let values: UnsafePointer<T>
    let lo: Int64, hi: Int64

    init(_ column: Column, _ lo: Int64, _ hi: Int64) {
        values = column.unsafeValuesAddress(as: T.self)
        self.lo = lo
        self.hi = hi
        super.init(count: column.count)
    }

    func consume(_ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?) {
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
                        let v = values[row &+ j].integerValue
                        bits |= UInt64((v < lo || v > hi) ? 1 : 0) << UInt64(j)
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

/// Bounds checks on doubles: a value is inside only when `lo <= v <= hi`, so NaN is outside.
final class RealRangeKernel: FailingRowsKernel, BlockKernel {
    let values: UnsafePointer<Double>
    let lo: Double, hi: Double

    init(_ column: Column, _ lo: Double, _ hi: Double) {
        values = column.unsafeValuesAddress(as: Double.self)
        self.lo = lo
        self.hi = hi
        super.init(count: column.count)
    }

    func consume(_ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?) {
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
                        let v = values[row &+ j]
                        bits |= UInt64((v >= lo && v <= hi) ? 0 : 1) << UInt64(j)
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

/// Walks the valid rows of `start..<end`, calling `body(row)`; returns nothing.
@inline(__always) func forEachValidRow(_ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?, _ body: (Int) -> Void) {
    var row = start
    while row < end {
        let n = Swift.min(64, end &- row)
        let valid = validity?[row >> 6] ?? .max
        if valid == .max || (validity == nil) {
            var j = 0
            while j < n { body(row &+ j); j &+= 1 }
        } else if valid != 0 {
            var word = valid
            while word != 0 {
                body(row &+ word.trailingZeroBitCount)
                word &= word &- 1
            }
        }
        row &+= n
    }
}

/// Distinct fixed-width values through a typed hash set; repeats are the failing rows.
final class FixedDistinctKernel<T: ScanElement>: FailingRowsKernel, BlockKernel {
    let values: UnsafePointer<T>
    let set: Int64HashSet

    init(_ column: Column) {
        values = column.unsafeValuesAddress(as: T.self)
        // Integer keys in a narrow interval (ids) go to a bitmap; others to a hash set.
        set = T.self == Double.self ? Int64HashSet(expected: Swift.min(column.count, 1 << 16))
            : Int64HashSet(expected: column.count, keysIn: keyRange(of: column))
        super.init(count: column.count)
    }

    func consume(_ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?) {
        let set = self.set, values = self.values
        var total = 0
        failing.withUnsafeMutableBufferPointer { failing in
            forEachValidRow(start, end, validity) { row in
                if !set.insert(values[row].scanKey) {
                    failing[row >> 6] |= 1 << UInt64(row & 63)
                    total &+= 1
                }
            }
        }
        failures += total
    }

    override func finish() -> MetricValue {
        MetricValue(count: set.count, failing: Bitmap(words: failing, count: count))
    }
}

/// Distinct strings through a byte-string hash set; repeats are the failing rows.
final class StringDistinctKernel: FailingRowsKernel, BlockKernel {
    let strings: StringsView
    let set: BytesHashSet

    init(_ column: Column) {
        strings = column.unsafeStrings()
        set = BytesHashSet(expected: Swift.min(column.count, 1 << 16))
        super.init(count: column.count)
    }

    func consume(_ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?) {
        let set = self.set, strings = self.strings
        var total = 0
        failing.withUnsafeMutableBufferPointer { failing in
            forEachValidRow(start, end, validity) { row in
                if !set.insert(strings[row]) {
                    failing[row >> 6] |= 1 << UInt64(row & 63)
                    total &+= 1
                }
            }
        }
        failures += total
    }

    override func finish() -> MetricValue {
        MetricValue(count: set.count, failing: Bitmap(words: failing, count: count))
    }
}

/// Membership of fixed-width values in a typed set (`asDouble`: int64 values looked up as doubles).
final class FixedMembershipKernel<T: ScanElement>: FailingRowsKernel, BlockKernel {
    let values: UnsafePointer<T>
    let set: Int64HashSet
    let asDouble: Bool

    init(_ column: Column, _ set: Int64HashSet, asDouble: Bool) {
        values = column.unsafeValuesAddress(as: T.self)
        self.set = set
        self.asDouble = asDouble
        super.init(count: column.count)
    }

    func consume(_ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?) {
        let set = self.set, values = self.values, asDouble = self.asDouble
        var total = 0
        failing.withUnsafeMutableBufferPointer { failing in
            forEachValidRow(start, end, validity) { row in
                let key = asDouble ? doubleKey(Double(values[row].integerValue)) : values[row].scanKey
                if !set.contains(key) {
                    failing[row >> 6] |= 1 << UInt64(row & 63)
                    total &+= 1
                }
            }
        }
        failures += total
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
        var total = 0
        failing.withUnsafeMutableBufferPointer { failing in
            forEachValidRow(start, end, validity) { row in
                let v = values[row]
                let member = v.rounded() == v && v.magnitude < 9.2e18 && set.contains(Int64(v))
                if !member {
                    failing[row >> 6] |= 1 << UInt64(row & 63)
                    total &+= 1
                }
            }
        }
        failures += total
    }
}

/// Membership of strings in a set of strings.
final class StringMembershipKernel: FailingRowsKernel, BlockKernel {
    let strings: StringsView
    let set: BytesHashSet

    init(_ column: Column, _ set: BytesHashSet) {
        strings = column.unsafeStrings()
        self.set = set
        super.init(count: column.count)
    }

    func consume(_ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?) {
        let set = self.set, strings = self.strings
        var total = 0
        failing.withUnsafeMutableBufferPointer { failing in
            forEachValidRow(start, end, validity) { row in
                if !set.contains(strings[row]) {
                    failing[row >> 6] |= 1 << UInt64(row & 63)
                    total &+= 1
                }
            }
        }
        failures += total
    }
}

/// Strings a POSIX regular expression does not match.
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
        var total = 0
        failing.withUnsafeMutableBufferPointer { failing in
            forEachValidRow(start, end, validity) { row in
                if !regex.matches(strings[row]) {
                    failing[row >> 6] |= 1 << UInt64(row & 63)
                    total &+= 1
                }
            }
        }
        failures += total
    }
}

/// The greatest non-null value (NaN never wins).
final class MaximumKernel<T: ScanElement>: BlockKernel {
    let values: UnsafePointer<T>
    let type: DataType
    var best: T?

    init(_ column: Column) {
        values = column.unsafeValuesAddress(as: T.self)
        type = column.type
    }

    func consume(_ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?) {
        let values = self.values
        var best = self.best
        forEachValidRow(start, end, validity) { row in
            let v = values[row]
            if v == v, best == nil || v > best! { best = v }   // v == v skips NaN
        }
        self.best = best
    }

    func finish() -> MetricValue {
        MetricValue(count: 0, maximum: best.map { $0.value(as: type) })
    }
}
