import SluiceCore

/// A hash join of the input (left) with another table (right).
///
/// Null keys never match. `left` keeps unmatched left rows with nulls on the right;
/// `semi` keeps left rows that have a match, `anti` those that have none (neither
/// adds columns). The right key columns are left out (they equal the left keys);
/// other right columns whose names clash with left ones get `_right`.
/// Keys must have the same type on both sides (a clear error otherwise).
///
/// ```swift
/// let joined = try Step.join(JoinSpec(right: orders, on: [("id", "user_id")], kind: .left)).apply(to: users)
/// ```
public struct JoinSpec: Sendable {
    public enum Kind: String, Sendable, CaseIterable { case inner, left, semi, anti }
    /// The right side: a table, or (parsed steps) the name of one to read before the step runs.
    public var right: StepTable
    /// Key column pairs (left name, right name).
    public var on: [(String, String)]
    public var kind: Kind

    public init(right: Table, on: [(String, String)], kind: Kind = .inner) {
        self.init(table: .table(right), on: on, kind: kind)
    }

    /// A join whose right side may still be a name (see ``StepTable``).
    public init(table: StepTable, on: [(String, String)], kind: Kind = .inner) {
        self.right = table
        self.on = on
        self.kind = kind
    }

    func apply(to left: Table) throws -> Table {
        try apply(to: LazyTable(left)).materialized()
    }

    /// The join with its output left unmaterialized: each side's columns gather
    /// through one shared ``RowIndices``, composed with any gather they already had.
    func apply(to left: LazyTable) throws -> LazyTable {
        guard !on.isEmpty else { throw TransformError(.invalidStep, message: "join needs at least one key in `on`") }
        let right = try self.right.resolved(for: "join")
        var leftKeys: [Column] = [], rightKeys: [Column] = []
        for (leftName, rightName) in on {
            let l = try left.requireColumn(leftName).materialized()
            guard let r = right.column(named: rightName) else {
                let error = right.unknownColumn(rightName)
                throw TransformError(.unknownColumn, message: "join: \(error.message) on the right side", hint: error.hint)
            }
            guard l.type == r.type else {
                throw TransformError(.keyTypeMismatch, message: "join key \"\(leftName)\" is \(l.type) on the left, \"\(rightName)\" is \(r.type) on the right",
                                     hint: "cast one side first, e.g. - cast: { \(rightName): \(l.type) }")
            }
            leftKeys.append(l)
            rightKeys.append(r)
        }
        let (outLeft, outRight) = matchingRows(leftKeys, rightKeys)
        let leftIndices = RowIndices(outLeft)
        var composed: [ObjectIdentifier: RowIndices] = [:]
        var names = left.names
        var columns = left.columns.map { column -> LazyColumn in
            guard let rows = column.rows else { return LazyColumn(source: column.source, rows: leftIndices) }
            if let done = composed[ObjectIdentifier(rows)] { return LazyColumn(source: column.source, rows: done) }
            let done = rows.composed(with: outLeft)
            composed[ObjectIdentifier(rows)] = done
            return LazyColumn(source: column.source, rows: done)
        }
        if kind == .inner || kind == .left {
            let rightIndices = RowIndices(outRight)
            let rightKeys = Set(on.map(\.1))
            var taken = Set(names)
            for (name, column) in zip(right.schema.names, right.columns) where !rightKeys.contains(name) {
                var outName = name
                while taken.contains(outName) { outName += "_right" }
                taken.insert(outName)
                names.append(outName)
                columns.append(LazyColumn(source: column, rows: rightIndices))
            }
        }
        return try LazyTable(names: names, columns: columns, rowCount: outLeft.count)
    }

    /// The output's row pairs: left rows in order, each with its matching right rows
    /// in right order (`-1` when a left join found none; semi and anti joins leave
    /// `right` empty).
    ///
    /// Keys are codes, equal for equal key tuples on both sides and `-1` for a tuple
    /// with a null. One integer-like key whose values on both sides span a narrow
    /// interval (ids) is its own code, offset by the minimum: no hashing and no code
    /// arrays. Other keys are encoded together by ``KeyEncoder``.
    func matchingRows(_ leftKeys: [Column], _ rightKeys: [Column]) -> (left: [Int], right: [Int]) {
        if leftKeys.count == 1, let direct = matchingRowsDirect(leftKeys[0], rightKeys[0]) { return direct }
        let both = leftKeys.indices.map { k in
            try! Table.concatenating([try! Table([("k", leftKeys[k])]), try! Table([("k", rightKeys[k])])]).columns[0]
        }
        let keys = KeyEncoder(both, nullsMatch: false)
        let n = leftKeys[0].count
        return keys.codes.withUnsafeBufferPointer { codes in
            matchingRows(EncodedCodes(codes: codes, leftCount: n), leftCount: n, rightCount: codes.count - n, cardinality: keys.cardinality)
        }
    }

    private func matchingRowsDirect(_ l: Column, _ r: Column) -> (left: [Int], right: [Int])? {
        func run<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type) -> (left: [Int], right: [Int])? {
            let lp = l.unsafeValuesAddress(as: T.self), rp = r.unsafeValuesAddress(as: T.self)
            return withExtendedLifetime((l, r)) {
                // Null slots hold zero: they may widen the interval, never break it.
                var lo = Int64.max, hi = Int64.min
                for i in 0..<l.count { let v = Int64(truncatingIfNeeded: lp[i]); lo = Swift.min(lo, v); hi = Swift.max(hi, v) }
                for j in 0..<r.count { let v = Int64(truncatingIfNeeded: rp[j]); lo = Swift.min(lo, v); hi = Swift.max(hi, v) }
                if l.count + r.count == 0 { lo = 0; hi = 0 }
                let (span, overflow) = hi.subtractingReportingOverflow(lo)
                guard !overflow, span <= 2 * Int64(l.count + r.count) + 64 else { return nil }
                let codes = DirectCodes(left: lp, right: rp, leftValidity: l.validity, rightValidity: r.validity, minimum: lo)
                return matchingRows(codes, leftCount: l.count, rightCount: r.count, cardinality: Int(span) + 1)
            }
        }
        switch l.type {
        case .int64, .timestamp: return run(Int64.self)
        case .date: return run(Int32.self)
        case .bool: return run(UInt8.self)
        case .float64, .string, .binary, .decimal: return nil
        }
    }

    private func matchingRows<Codes: JoinCodes>(_ codes: Codes, leftCount n: Int, rightCount m: Int, cardinality: Int) -> (left: [Int], right: [Int]) {
        // Right rows grouped by code (CSR layout): after the scatter, code c's rows are
        // rightRows[ends[c - 1] ..< ends[c]] (from 0 for c = 0).
        var ends = [Int](repeating: 0, count: cardinality + 1)
        var rightRows: [Int] = []
        ends.withUnsafeMutableBufferPointer { ends in
            for j in 0..<m {
                let c = codes.right(j)
                if c >= 0 { ends[c &+ 1] &+= 1 }
            }
            for c in 0..<cardinality { ends[c &+ 1] &+= ends[c] }
            rightRows = [Int](unsafeUninitializedCapacity: ends[cardinality]) { rows, initialized in
                for j in 0..<m {
                    let c = codes.right(j)
                    if c >= 0 {
                        rows[ends[c]] = j
                        ends[c] &+= 1
                    }
                }
                initialized = rows.count
            }
        }
        // Two passes over the left rows: count the output, then fill it. With many rows,
        // each half of the left rows is counted and filled on its own core, into its own
        // range of the output.
        let kind = self.kind
        let pairsRight = kind == .inner || kind == .left
        return ends.withUnsafeBufferPointer { ends in
            rightRows.withUnsafeBufferPointer { rightRows in
                let fill = JoinFill(codes: codes, ends: ends, rightRows: rightRows, kind: kind)
                let split = n >= JoinFill<Codes>.parallelRows ? n / 2 : n
                var firstTotal = 0, secondTotal = 0
                fill.inBothHalves(split < n, { firstTotal = fill.outputCount(0..<split) }, { fill.outputCount(split..<n) }, second: &secondTotal)
                let total = firstTotal + secondTotal, secondStart = firstTotal
                var outRight: [Int] = []
                let outLeft = [Int](unsafeUninitializedCapacity: total) { outLeft, initialized in
                    var unused = 0
                    if pairsRight {
                        outRight = [Int](unsafeUninitializedCapacity: total) { outRight, filled in
                            let out = JoinOutput(left: outLeft.baseAddress, right: outRight.baseAddress)
                            fill.inBothHalves(split < n, { fill.fill(0..<split, into: out, at: 0) },
                                              { fill.fill(split..<n, into: out, at: secondStart); return 0 }, second: &unused)
                            filled = total
                        }
                    } else {
                        let out = JoinOutput(left: outLeft.baseAddress, right: nil)
                        fill.inBothHalves(split < n, { fill.fill(0..<split, into: out, at: 0) },
                                          { fill.fill(split..<n, into: out, at: secondStart); return 0 }, second: &unused)
                    }
                    initialized = total
                }
                return (outLeft, outRight)
            }
        }
    }
}

/// The probe side of a join: counts and fills the output pairs of a range of left rows.
///
/// `@unchecked Sendable`: it only reads buffers that are immutable while it runs (the
/// codes, the right rows by code); the two halves of a parallel fill write disjoint
/// ranges of the output.
private struct JoinFill<Codes: JoinCodes>: @unchecked Sendable {
    /// Left rows from which the two halves run on two cores.
    static var parallelRows: Int { 1 << 16 }
    let codes: Codes
    let ends: UnsafeBufferPointer<Int>
    let rightRows: UnsafeBufferPointer<Int>
    let kind: JoinSpec.Kind

    /// The right rows (as positions in `rightRows`) that match left row `i`.
    @inline(__always) func matches(_ i: Int) -> Range<Int> {
        let c = codes.left(i)
        if c < 0 { return 0..<0 }
        return (c == 0 ? 0 : ends[c &- 1])..<ends[c]
    }

    /// Output rows of left rows `rows`.
    func outputCount(_ rows: Range<Int>) -> Int {
        var total = 0
        for i in rows {
            let count = matches(i).count
            switch kind {
            case .semi: total &+= count > 0 ? 1 : 0
            case .anti: total &+= count == 0 ? 1 : 0
            case .inner: total &+= count
            case .left: total &+= Swift.max(count, 1)
            }
        }
        return total
    }

    /// Writes the output pairs of left rows `rows` from output row `start` on (`right`
    /// is `nil` for semi and anti joins).
    func fill(_ rows: Range<Int>, into out: JoinOutput, at start: Int) {
        let left = out.left, right = out.right
        var k = start
        switch kind {
        case .semi, .anti:
            for i in rows where matches(i).isEmpty == (kind == .anti) {
                left![k] = i
                k &+= 1
            }
        case .inner, .left:
            for i in rows {
                let range = matches(i)
                if range.isEmpty {
                    if kind == .left {
                        left![k] = i
                        right![k] = -1
                        k &+= 1
                    }
                    continue
                }
                for r in range {
                    left![k] = i
                    right![k] = rightRows[r]
                    k &+= 1
                }
            }
        }
    }

    /// Runs `first` here and `second` on a worker thread when `parallel` (one after the
    /// other when not, or when no thread can start), storing `second`'s result.
    func inBothHalves(_ parallel: Bool, _ first: () -> Void, _ second: @escaping @Sendable () -> Int, second result: inout Int) {
        guard parallel else {
            first()
            result = second()
            return
        }
        let box = ResultBox()
        do {
            try runConcurrently(first, { box.value = second() })
        } catch {
            first()
            box.value = second()
        }
        result = box.value
    }
}

/// The output index vectors of a join being filled (`right` is `nil` for semi and anti
/// joins). `@unchecked Sendable`: each half writes its own range of rows.
private struct JoinOutput: @unchecked Sendable {
    let left: UnsafeMutablePointer<Int>?
    let right: UnsafeMutablePointer<Int>?
}

/// The background half's result. `@unchecked Sendable`: written by the worker thread
/// only, read after `runConcurrently` has joined it.
private final class ResultBox: @unchecked Sendable {
    var value = 0
}

/// Join key codes of left row `i` and right row `j` (`-1`: a null key, never matching).
private protocol JoinCodes {
    func left(_ i: Int) -> Int
    func right(_ j: Int) -> Int
}

/// Codes from a ``KeyEncoder`` over the left rows followed by the right rows.
private struct EncodedCodes: JoinCodes {
    let codes: UnsafeBufferPointer<Int>
    let leftCount: Int
    @inline(__always) func left(_ i: Int) -> Int { codes[i] }
    @inline(__always) func right(_ j: Int) -> Int { codes[leftCount &+ j] }
}

/// An integer key as its own code, offset by the smallest value on either side.
private struct DirectCodes<T: FixedWidthInteger & BitwiseCopyable>: JoinCodes {
    let left: UnsafePointer<T>, right: UnsafePointer<T>
    let leftValidity: Bitmap?, rightValidity: Bitmap?
    let minimum: Int64
    @inline(__always) func left(_ i: Int) -> Int {
        if let leftValidity, !leftValidity.isValid(i) { return -1 }
        return Int(truncatingIfNeeded: Int64(truncatingIfNeeded: left[i]) &- minimum)
    }
    @inline(__always) func right(_ j: Int) -> Int {
        if let rightValidity, !rightValidity.isValid(j) { return -1 }
        return Int(truncatingIfNeeded: Int64(truncatingIfNeeded: right[j]) &- minimum)
    }
}
