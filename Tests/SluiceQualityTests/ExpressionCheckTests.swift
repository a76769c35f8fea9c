import SluiceCore
import Testing
@testable import SluiceQuality

@Suite("expression check")
struct ExpressionCheckTests {
    func orders(_ size: Int, seed: UInt64) -> Table {
        var rng = SplitMix64(seed: seed)
        return try! Table([
            ("total", Column(float64: (0..<size).map { _ in rng.chance(probability: 0.05) ? nil : rng.nextUnit() * 100 - 10 })),
            ("status", Column(string: (0..<size).map { _ in rng.chance(probability: 0.05) ? nil : ["paid", "open"][rng.next(below: 2)] })),
        ])
    }

    /// The naive row-wise model of `total >= 0 and status is not null`: true, false or nil (unknown).
    func model(_ table: Table, row: Int) -> Bool? {
        let total = table.columns[0].value(at: row), status = table.columns[1].value(at: row)
        let statusPresent = status != nil && status != .null
        guard case .float64(let t)? = total else { return statusPresent ? nil : false }
        return t >= 0 && statusPresent
    }

    @Test("failing rows are the rows whose predicate is not true; nulls fail unless nulls pass", arguments: sizes)
    func againstModel(size: Int) throws {
        let t = orders(size, seed: UInt64(size) + 11)
        let strict = try ExpressionCheck("total >= 0 and status is not null")
        let lenient = try ExpressionCheck("total >= 0 and status is not null", nullsPass: true)
        let expectedStrict = (0..<size).filter { model(t, row: $0) != true }
        let expectedLenient = (0..<size).filter { model(t, row: $0) == false }
        #expect(try failingIndices(strict, on: t) == expectedStrict)
        #expect(try failingIndices(lenient, on: t) == expectedLenient)
        let result = try evaluate(strict, on: t)
        if size == 0 {
            #expect(result.outcome == .notEvaluated)
        } else {
            #expect(result.failingRows == expectedStrict.count)
            #expect(result.observed == Double(expectedStrict.count) / Double(size))
            #expect(result.outcome == (expectedStrict.isEmpty ? .passed : .failed))
        }
    }

    @Test("threshold and mostly: exactly met passes, one more row fails; samples carry row numbers and the read columns")
    func thresholds() throws {
        // 1 failing row in 100 at threshold 0.01 passes; 2 do not.
        let one = table("x", Column(int64: (0..<100).map { $0 == 42 ? -1 : Int64($0) }))
        let check = try ExpressionCheck("x >= 0", threshold: 0.01)
        let passed = try evaluate(check, on: one)
        #expect(passed.outcome == .passed)
        #expect(passed.failingRows == 1)
        #expect(passed.samples == [SampleRow(row: 43, values: ["-1"])])
        let two = table("x", Column(int64: (0..<100).map { $0 == 42 || $0 == 7 ? -1 : Int64($0) }))
        let failed = try evaluate(check, on: two)
        #expect(failed.outcome == .failed)
        #expect(failed.samples.map(\.row) == [8, 43])
        #expect(failed.message == "not true: 2 of 100 rows (2.00% > 1.00%)")
        #expect(check.columns == ["x"])
        #expect(try ExpressionCheck("coalesce(b, a) > a + c").columns == ["b", "a", "c"])
    }

    @Test("all-null and NaN: a null comparison is unknown (fails by default), NaN compares false")
    func nullsAndNaN() throws {
        let allNull = table("x", Column(float64: [nil, nil, nil]))
        #expect(try evaluate(ExpressionCheck("x > 0"), on: allNull).failingRows == 3)
        #expect(try evaluate(ExpressionCheck("x > 0", nullsPass: true), on: allNull).failingRows == 0)
        let nan = table("x", Column(float64: [.nan, 1, nil]))
        #expect(try failingIndices(ExpressionCheck("x > 0", nullsPass: true), on: nan) == [0])
        #expect(try failingIndices(ExpressionCheck("x > 0"), on: nan) == [0, 2])
    }

    @Test("binding errors: unknown columns with did you mean, non-boolean conditions")
    func bindErrors() throws {
        let t = orders(10, seed: 1)
        #expect { try evaluate(ExpressionCheck("totl >= 0"), on: t) } throws: { error in
            let error = error as? QualityError
            return error?.code == .invalidExpression && error?.hint == "did you mean `total`?"
                && error?.message == "no column \"totl\" (columns: total, status)\n  totl >= 0\n  ^"
        }
        #expect { try Suite(checks: [ExpressionCheck("total + 1")]).run(on: t) } throws: { error in
            (error as? QualityError)?.message.hasPrefix("an expression check needs a true/false condition, this expression gives float64") == true
        }
        #expect { try ExpressionCheck("total >= ") } throws: { error in (error as? QualityError)?.code == .invalidExpression }
    }

    @Test("in a suite: evaluated once per distinct predicate, in parallel with column scans, and quarantined")
    func inSuite() throws {
        let t = orders(1_000, seed: 3)
        let suite = Suite(checks: [
            try ExpressionCheck("total >= 0 and status is not null", name: "a"),
            try ExpressionCheck("total >= 0 and status is not null", name: "b"),
            try ExpressionCheck("total >= 0 and status is not null", nullsPass: true, name: "c"),
            try NotNullCheck(column: "total"),
        ])
        let result = try suite.run(on: t)
        #expect(result.columnScans == 2)   // one job per distinct (text, null rule); not_null needs no scan
        #expect(result.results[0].failingRows == result.results[1].failingRows)
        #expect(result.results[2].failingRows < result.results[0].failingRows)
        let split = Quarantine.split(t, by: result)
        #expect(split.quarantined.rowCount == result.results[0].failingRows)
        #expect(split.passed.rowCount + split.quarantined.rowCount == t.rowCount)
        let names = try split.quarantined.column("_failed_checks")
        #expect(names.value(at: 0)?.description.hasPrefix("a;b") == true)
    }

    @Test("an overflow while evaluating is a runtime failure naming the table's row, also past the first chunk")
    func overflow() throws {
        let t = table("x", Column(int64: [1, .max]))
        #expect { try evaluate(ExpressionCheck("x + 1 > 0"), on: t) } throws: { error in
            (error as? QualityError)?.code == .evaluationFailed
        }
        let rows = RowPredicate.chunkRows + 100
        let long = table("x", Column(int64: (0..<rows).map { $0 == rows - 3 ? .max : Int64($0) }))
        #expect { try evaluate(ExpressionCheck("x + 1 > 0"), on: long) } throws: { error in
            (error as? QualityError)?.message.hasPrefix("int64 overflow at row \(rows - 3):") == true
        }
    }

    @Test("chunked evaluation: tables longer than a chunk give the model's failing rows")
    func chunks() throws {
        let size = 2 * RowPredicate.chunkRows + 77
        let t = orders(size, seed: 21)
        let check = try ExpressionCheck("total >= 0 and status is not null")
        #expect(try failingIndices(check, on: t) == (0..<size).filter { model(t, row: $0) != true })
    }

    @Test("YAML: scalar and mapping forms; errors point at the character in the file")
    func yaml() throws {
        let spec = try SuiteSpec.parse("""
        checks:
          - expression: "total >= 0 and status is not null"
            mostly: 0.99
          - expression: { condition: total < 1000, nulls: pass }
            name: small
            severity: warning
        """, file: "checks.yaml")
        let suite = try spec.makeSuite(references: [:])
        let first = try #require(suite.checks[0] as? ExpressionCheck)
        #expect(first.threshold == 0.01)
        #expect(!first.nullsPass)
        #expect(first.name == "expression(total >= 0 and status is not null)")
        let second = try #require(suite.checks[1] as? ExpressionCheck)
        #expect(second.nullsPass)
        #expect(second.name == "small")
        #expect(second.severity == .warning)

        // A syntax error: found while parsing the suite, at line 2, column of the bad token.
        func parseError(_ yaml: String) -> QualityError? {
            do { _ = try SuiteSpec.parse(yaml, file: "checks.yaml") } catch let error as QualityError { return error } catch {}
            return nil
        }
        let syntax = parseError("checks:\n  - expression: \"total >= and x\"\n")
        #expect(syntax?.line == 2)
        #expect(syntax?.column == 27)   // the quote is column 17, `t` 18; `and` is at offset 9 of the expression
        #expect(syntax?.description.hasPrefix("checks.yaml:2:27: error: ") == true)
        #expect(syntax?.description.contains("\n  total >= and x\n           ^") == true)
        // An unknown column: found when binding to the table, still located in the file.
        let plain = try SuiteSpec.parse("checks:\n  - expression: { condition: totl > 0 }\n", file: "checks.yaml")
        let t = orders(5, seed: 2)
        #expect { try plain.makeSuite(references: [:]).run(on: t) } throws: { error in
            (error as? QualityError)?.description == """
            checks.yaml:2:30: error: no column "totl" (columns: total, status)
              totl > 0
              ^
              hint: did you mean `total`?
            """
        }
        // An escaped quote: the offset no longer maps to a column, so the value's position is given.
        let escaped = parseError("checks:\n  - expression: \"status = \\\"x\\\" and\"\n")
        #expect(escaped?.line == 2)
        #expect(escaped?.column == 17)
        #expect(parseError("checks:\n  - expression: { condition: x > 0, nulls: maybe }\n")?.message == "nulls must be pass or fail, found \"maybe\"")
        #expect(parseError("checks:\n  - expression: { conditon: x > 0 }\n")?.hint?.hasPrefix("did you mean `condition`?") == true)
    }
}
