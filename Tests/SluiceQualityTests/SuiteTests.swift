import SluiceCore
import Testing
@testable import SluiceQuality

@Suite("Suite")
struct SuiteTests {
    func orders(_ size: Int, seed: UInt64) -> Table {
        var rng = SplitMix64(seed: seed)
        return try! Table([
            ("id", Column(int64: (0..<size).map { rng.chance(probability: 0.01) ? Int64(0) : Int64($0) })),
            ("user_id", Column(int64: (0..<size).map { _ in rng.chance(probability: 0.02) ? nil : Int64(rng.next(below: 100)) })),
            ("total", Column(float64: (0..<size).map { _ in rng.chance(probability: 0.01) ? nil : rng.nextUnit() * 1_100 - 50 })),
            ("status", Column(string: (0..<size).map { _ in ["paid", "open", "lost"][rng.next(below: 3)] })),
        ])
    }

    func tenChecks() throws -> [any Check] {
        [
            try NotNullCheck(column: "user_id", threshold: 0),
            try UniqueCheck(columns: ["id"], threshold: 1),
            try RangeCheck(column: "total", min: .int64(0), max: .int64(1_000)),
            try ReferentialCheck(column: "user_id", reference: Column(int64: (0..<90).map { Int64($0) }), referenceName: "users.id"),
            try NotNullCheck(column: "total", name: "total_present"),
            try RangeCheck(column: "total", min: .int64(-10), max: .int64(2_000), name: "total_wide"),
            try UniqueCheck(columns: ["user_id"], threshold: 0, severity: .warning),
            try RangeCheck(column: "user_id", min: .int64(0), max: .int64(99)),
            try AcceptedValuesCheck(column: "status", values: [.string("paid"), .string("open")], threshold: 0.5),
            try PatternCheck(column: "status", pattern: "^[a-z]+$"),
        ]
    }

    @Test("ten checks on four columns read each column once, and agree with checks run alone", arguments: [0, 1, 65, 5_000])
    func sharedPass(size: Int) throws {
        let table = orders(size, seed: UInt64(size) + 5)
        let checks = try tenChecks()
        let result = try Suite(checks: checks).run(on: table)
        #expect(result.columnScans == 4)   // id, user_id, total, status
        #expect(result.results.count == 10)
        for (check, shared) in zip(checks, result.results) {
            #expect(try evaluate(check, on: table, now: 0) == shared, "\(check.name)")
            #expect(try check.failingRows(in: EvaluationContext(table: table)) == result.failingRows[result.results.firstIndex(of: shared)!])
        }
    }

    @Test("identical metrics from different checks are computed once")
    func duplicateMetrics() throws {
        let table = orders(100, seed: 1)
        let suite = Suite(checks: [
            try RangeCheck(column: "total", min: .int64(0), max: .int64(1_000), name: "a"),
            try RangeCheck(column: "total", min: .int64(0), max: .int64(1_000), name: "b", ),
            try UniqueCheck(columns: ["id", "user_id"]),
        ])
        let result = try suite.run(on: table)
        #expect(result.columnScans == 2)   // total, and one pass for the pair
        #expect(result.results[0].failingRows == result.results[1].failingRows)
    }

    @Test("problems are collected: every check that does not fit is named in one error")
    func collectedErrors() throws {
        let suite = Suite(checks: [
            try NotNullCheck(column: "usr_id"),
            try RangeCheck(column: "status", min: .int64(0)),
            try NotNullCheck(column: "id"),
        ])
        #expect { try suite.run(on: orders(10, seed: 2)) } throws: { error in
            let message = (error as! QualityError).message
            return message.hasPrefix("2 checks do not fit the table:") && message.contains("did you mean `user_id`?")
                && message.contains("range(status)")
        }
    }

    @Test("two checks with one name are refused")
    func duplicateNames() throws {
        let suite = Suite(checks: [try NotNullCheck(column: "id"), try NotNullCheck(column: "id")])
        #expect(throws: QualityError.self) { try suite.run(on: orders(3, seed: 3)) }
    }

    @Test("summary: pass rate over evaluated checks, nil when none was evaluated")
    func summary() throws {
        let empty = try Suite(checks: [try NotNullCheck(column: "id"), try RowCountCheck(min: 0)]).run(on: orders(0, seed: 4))
        #expect(empty.summary.notEvaluated == 1)
        #expect(empty.summary.passRate == 1)
        let none = try Suite(checks: [try NotNullCheck(column: "id")]).run(on: orders(0, seed: 4))
        #expect(none.summary.passRate == nil)
        let nothing = try Suite(checks: []).run(on: orders(5, seed: 4))
        #expect(nothing.summary.total == 0)
        #expect(nothing.summary.passRate == nil)
        #expect(!nothing.failed(atOrAbove: .warning))
    }

    @Test("the gate: failures at or above the bar")
    func gate() throws {
        let result = try Suite(checks: [try UniqueCheck(columns: ["status"], severity: .warning)]).run(on: orders(50, seed: 6))
        #expect(result.failed(atOrAbove: .warning))
        #expect(!result.failed(atOrAbove: .error))
        #expect(!result.failed(atOrAbove: .critical))
    }

    @Test("quarantine: failing rows with their check names, the rest passed, every row once")
    func quarantine() throws {
        let table = try Table([
            ("id", Column(int64: [1, 2, 2, 4, 5])),
            ("total", Column(float64: [1, -1, 3, nil, 2_000])),
        ])
        let suite = Suite(checks: [
            try UniqueCheck(columns: ["id"], threshold: 0),
            try RangeCheck(column: "total", min: .int64(0), max: .int64(1_000)),
            try NotNullCheck(column: "total"),
            try RowCountCheck(min: 1),
        ])
        let split = Quarantine.split(table, by: try suite.run(on: table))
        #expect(split.quarantined.schema.names == ["id", "total", "_failed_checks"])
        #expect(split.quarantined.rowCount == 4)
        #expect(try split.quarantined.column("_failed_checks").allValues == [
            .string("range(total)"), .string("unique(id)"), .string("not_null(total)"), .string("range(total)"),
        ])
        #expect(try split.quarantined.column("id").allValues == [.int64(2), .int64(2), .int64(4), .int64(5)])
        #expect(split.passed == (try Table([("id", Column(int64: [1])), ("total", Column(float64: [1]))])))
    }

    @Test("quarantine keeps every row exactly once on random data", arguments: [0, 1, 63, 64, 65, 3_000])
    func quarantinePartition(size: Int) throws {
        let table = orders(size, seed: UInt64(size) + 40)
        let result = try Suite(checks: try tenChecks()).run(on: table)
        let split = Quarantine.split(table, by: result)
        #expect(split.quarantined.rowCount + split.passed.rowCount == size)
        var any = Set<Int>()
        for bits in result.failingRows.compactMap({ $0 }) { for i in 0..<size where bits.isValid(i) { any.insert(i) } }
        #expect(split.quarantined.rowCount == any.count)
        let kept = (0..<size).filter { !any.contains($0) }
        #expect(try split.passed.column("id").allValues == kept.map { table.columns[0].unsafeValue(at: $0) })
    }
}

/// A check written outside the module, through the public protocol only.
struct NoEmptyStrings: Check {
    var column: String
    var name: String { "no_empty(\(column))" }
    var kind: String { "custom" }
    var columns: [String] { [column] }
    var severity: Severity { .warning }
    var isRowLevel: Bool { true }

    func failingRows(in context: EvaluationContext) throws -> Bitmap? {
        let values = try context.column(column)
        var bits = Bitmap(count: values.count, allValid: false)
        values.withUnsafeStrings { view in
            for i in 0..<values.count where !values.isNull(i) && view[i].isEmpty { bits.set(i, valid: true) }
        }
        return bits
    }

    func evaluate(in context: EvaluationContext) throws -> CheckResult {
        let failing = try failingRows(in: context)!
        return CheckResult(name: name, kind: kind, columns: columns, outcome: failing.validCount == 0 ? .passed : .failed,
                           severity: severity, observed: Double(failing.validCount), threshold: 0, failingRows: failing.validCount,
                           rowCount: context.table.rowCount, samples: context.samples(failing, columns: columns),
                           message: "\(failing.validCount) empty strings")
    }
}

@Suite("custom checks")
struct CustomCheckTests {
    @Test("a custom check runs in a suite beside built-in ones and feeds quarantine")
    func custom() throws {
        let table = try Table([("s", Column(string: ["a", "", nil, ""]))])
        let result = try Suite(checks: [NoEmptyStrings(column: "s"), try NotNullCheck(column: "s", threshold: 0.5)]).run(on: table)
        #expect(result.results[0].outcome == .failed)
        #expect(result.results[0].samples.map(\.row) == [2, 4])
        #expect(result.columnScans == 0)   // neither check asked for a scan
        let split = Quarantine.split(table, by: result)
        #expect(try split.quarantined.column("_failed_checks").allValues == [.string("no_empty(s)"), .string("not_null(s)"), .string("no_empty(s)")])
    }
}
