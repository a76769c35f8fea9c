import SluiceCore
@testable import SluiceQuality

/// Row counts size-sensitive tests sweep: empty, one, around one validity word, several blocks.
let sizes = [0, 1, 63, 64, 65, 4097, 10_000]

/// A one-column table.
func table(_ name: String, _ column: Column) -> Table { try! Table([(name, column)]) }

/// Evaluates one check on its own (metrics computed on demand).
func evaluate(_ check: any Check, on table: Table, now: Int64 = 0) throws -> CheckResult {
    try check.evaluate(in: EvaluationContext(table: table, now: now))
}

/// The failing rows of a check as 0-based indices.
func failingIndices(_ check: any Check, on table: Table) throws -> [Int] {
    guard let bits = try check.failingRows(in: EvaluationContext(table: table)) else { return [] }
    return (0..<bits.count).filter { bits.isValid($0) }
}

extension SplitMix64 {
    mutating func chance(probability p: Double) -> Bool { nextUnit() < p }
}
