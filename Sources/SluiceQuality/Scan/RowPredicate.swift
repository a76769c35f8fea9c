import SluiceCore

/// A boolean expression evaluated over every row, as a ``Metric``: identical
/// predicates (same text, same null rule) in one suite are evaluated once.
public struct RowPredicate: Hashable, Sendable {
    /// The parsed expression (parsed once, when the check was built).
    public var expression: Expression
    /// Whether a null result passes (else it fails).
    public var nullsPass: Bool
    /// Where the text sits in a suite file, for errors while evaluating.
    public var source: ExpressionSource?

    public init(expression: Expression, nullsPass: Bool, source: ExpressionSource? = nil) {
        self.expression = expression
        self.nullsPass = nullsPass
        self.source = source
    }

    public static func == (lhs: RowPredicate, rhs: RowPredicate) -> Bool {
        lhs.expression.text == rhs.expression.text && lhs.nullsPass == rhs.nullsPass
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(expression.text)
        hasher.combine(nullsPass)
    }

    /// Rows evaluated at a time. Each node of the expression makes a column, so whole-table
    /// evaluation would fill fresh memory with several full-length columns (page faults
    /// dominate on these machines); a 64K-row chunk's columns stay below the allocator's
    /// mapping threshold and are reused from chunk to chunk. A multiple of 64.
    static let chunkRows = 65_536

    /// Binds the expression to `table`, evaluates it a column at a time (in chunks of
    /// ``chunkRows`` rows) and turns the resulting bool columns into failing rows: not
    /// true (or, with `nullsPass`, false).
    ///
    /// - Throws: ``QualityError`` `.invalidExpression` when it does not bind,
    ///   `.evaluationFailed` when evaluating fails (integer overflow, a bad cast).
    func evaluate(on table: Table) throws -> MetricValue {
        let count = table.rowCount
        var failing = [UInt64](repeating: 0, count: (count + 63) >> 6)
        var total = 0
        do {
            let plan = try expression.bind(to: table.schema)
            var start = 0
            repeat {
                let end = Swift.min(start + Self.chunkRows, count)
                let part = start == 0 && end == count ? table : table.slice(start..<end)
                let flags: Column
                do {
                    flags = try plan.evaluate(on: part)
                } catch let error as ExpressionError where start > 0 || end < count {
                    // Errors name the row within the chunk: evaluate whole to name the table's row.
                    _ = try plan.evaluate(on: table)
                    throw error
                }
                precondition(flags.type == .bool, "a row predicate must give bool, not \(flags.type)")
                total &+= failingBits(of: flags, into: &failing, fromWord: start >> 6)
                start = end
            } while start < count
        } catch let error as ExpressionError {
            let code: QualityError.Code = error.code == .overflow || error.code == .invalidCast ? .evaluationFailed : .invalidExpression
            throw QualityError(expressionError: error, at: source, code: code)
        }
        return MetricValue(count: total, failing: Bitmap(words: failing, count: count))
    }

    /// Writes the failing rows of one chunk's bool column into `failing` from word
    /// `firstWord` on; returns how many failed.
    private func failingBits(of flags: Column, into failing: inout [UInt64], fromWord firstWord: Int) -> Int {
        let count = flags.count
        var total = 0
        let validity = flags.validity?.words
        let nullsPass = self.nullsPass
        flags.withUnsafeValues(as: UInt8.self) { values in
            failing.withUnsafeMutableBufferPointer { out in
                var row = 0, w = 0
                while row < count {
                    let n = Swift.min(64, count &- row)
                    // Bit j set when row + j is true (null slots hold 0).
                    var truth: UInt64 = 0
                    var j = 0
                    while j < n {
                        truth |= UInt64(values[row &+ j] & 1) << UInt64(j)
                        j &+= 1
                    }
                    let valid = validity?[w] ?? .max
                    let inRange: UInt64 = n == 64 ? .max : (1 << UInt64(n)) &- 1
                    // Null fails: every row that is not (valid and true). Null passes: valid and false.
                    let bits = (nullsPass ? valid & ~truth : ~(valid & truth)) & inRange
                    out[firstWord &+ w] = bits
                    total &+= bits.nonzeroBitCount
                    row &+= n
                    w &+= 1
                }
            }
        }
        return total
    }
}
