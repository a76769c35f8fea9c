import Foundation
import SluiceCore
import SluiceSQL
import Testing
@testable import SluiceQuality
import SluiceTestSupport

@Suite("change checks and the run history")
struct HistoryTests {
    func withStore<R>(_ body: (String) throws -> R) throws -> R {
        let dir = try temporaryDirectory("history")
        defer { try? FileManager.default.removeItem(at: dir) }
        return try body(dir.appendingPathComponent("quality.db").path)
    }

    func rows(_ n: Int, nulls: Int = 0) -> Table {
        table("x", Column(int64: (0..<n).map { $0 < nulls ? nil : Int64($0) }))
    }

    @Test("change: not evaluated without a history or without earlier runs; the mean of the last runs; the boundary passes")
    func changeSemantics() throws {
        let check = try ChangeCheck(metric: .rowCount, maxPercent: 20, overLast: 3)
        #expect(check.name == "row_count_change")
        let t = rows(120)
        #expect(try check.evaluate(in: EvaluationContext(table: t)).outcome == .notEvaluated)
        #expect(try check.evaluate(in: EvaluationContext(table: t, history: RunHistory())).outcome == .notEvaluated)
        // Newest first; only the last 3 count: mean of 100, 100, 100 (the 10 is older).
        let history = RunHistory(values: ["row_count": [100, 100, 100, 10]])
        let exactly = try check.evaluate(in: EvaluationContext(table: t, history: history))
        #expect(exactly.outcome == .passed)   // +20% exactly
        #expect(exactly.observed == 0.2)
        #expect(exactly.threshold == 0.2)
        #expect(exactly.message == "row_count 120 vs mean 100 of the last 3 runs: +20.00% (<= 20.00%)")
        let above = try check.evaluate(in: EvaluationContext(table: rows(121), history: history))
        #expect(above.outcome == .failed)
        let below = try check.evaluate(in: EvaluationContext(table: rows(79), history: history))
        #expect(below.outcome == .failed)
        #expect(below.message.contains("-21.00%"))
        // From a mean of 0 only 0 passes, and nothing divides by zero.
        let zero = RunHistory(values: ["row_count": [0, 0]])
        #expect(try check.evaluate(in: EvaluationContext(table: rows(0), history: zero)).outcome == .passed)
        let fromZero = try check.evaluate(in: EvaluationContext(table: rows(1), history: zero))
        #expect(fromZero.outcome == .failed)
        #expect(fromZero.observed == nil)
        // A null fraction of an empty table is not evaluated.
        let nulls = try ChangeCheck(metric: .nullFraction(column: "x"), maxPercent: 50)
        #expect(try nulls.evaluate(in: EvaluationContext(table: rows(0), history: RunHistory(values: ["null_fraction(x)": [0.1]]))).outcome == .notEvaluated)
        #expect(throws: QualityError.self) { try ChangeCheck(metric: .rowCount, maxPercent: -1) }
        #expect(throws: QualityError.self) { try ChangeCheck(metric: .rowCount, maxPercent: 5, overLast: 0) }
    }

    @Test("runs are stored per check and read back newest first, per dataset; change checks compare with them")
    func storeAndCompare() throws {
        try withStore { path in
            let suite = Suite(checks: [
                try ChangeCheck(metric: .rowCount, maxPercent: 10, overLast: 2),
                try ChangeCheck(metric: .nullFraction(column: "x"), maxPercent: 50, overLast: 5),
                try NotNullCheck(column: "x"),
            ])
            let store = try QualityHistory(location: path)
            #expect(try store.history(for: suite, dataset: "d").values.values.allSatisfy(\.isEmpty))   // no run yet
            var outcomes: [[Outcome]] = []
            for (i, (n, nulls)) in [(100, 10), (100, 10), (200, 12), (105, 30)].enumerated() {
                let t = rows(n, nulls: nulls)
                let past = try store.history(for: suite, dataset: "d")
                let result = try suite.run(on: t, history: past)
                outcomes.append(result.results.map(\.outcome))
                try store.record(result, run: CheckRun(dataset: "d", runID: "run\(i + 1)", suite: "c.yaml"), now: Int64(1_000 + i))
            }
            #expect(outcomes[0] == [.notEvaluated, .notEvaluated, .failed])
            #expect(outcomes[1] == [.passed, .passed, .failed])
            #expect(outcomes[2] == [.failed, .passed, .failed])   // 200 vs 100: +100%; nulls 6% vs 10%: -40%
            #expect(outcomes[3][0] == .failed)                     // 105 vs mean(200, 100) = 150: -30%
            #expect(outcomes[3][1] == .failed)                     // 28.6% vs mean(6%, 10%, 10%)
            let history = try store.history(for: suite, dataset: "d")
            #expect(history.values["row_count"] == [105, 200])
            #expect(history.values["null_fraction(x)"]?.count == 4)
            #expect(history.values["null_fraction(x)"]?.first == 30.0 / 105.0)
            #expect(try store.history(for: suite, dataset: "other").values["row_count"] == [])
            // The run being checked (a retry, a rerun) is not its own history.
            #expect(try store.history(for: suite, dataset: "d", excluding: (nil, "run4")).values["row_count"] == [200, 100])

            // One row per check per run, with the result as data.
            let connection = try SQLConnection(url: ConnectionURL("sqlite:" + path))
            let stored = try connection.extract(SQLTemplate("SELECT run_id, check_name, outcome, failing_rows, metric, dataset, recorded_at FROM sluice_check_results ORDER BY run_id, check_name"))
            #expect(stored.rowCount == 12)
            #expect(stored.columns[0].value(at: 11) == .string("run4"))
            #expect(stored.columns[5].value(at: 11) == .string("d"))
            #expect(stored.columns[6].value(at: 11) == .int64(1_003))
            #expect(stored.columns[1].value(at: 0) == .string("not_null(x)"))
            #expect(stored.columns[2].value(at: 0) == .string("failed"))
            #expect(stored.columns[3].value(at: 0) == .int64(10))
            #expect(stored.columns[4].value(at: 1) == .string("null_fraction(x)"))
        }
    }

    @Test("results of earlier versions' tables move into sluice_check_results, older than any new run")
    func migratesOldTables() throws {
        try withStore { path in
            let connection = try SQLConnection(url: ConnectionURL("sqlite:" + path))
            try connection.execute(SQLTemplate("""
                CREATE TABLE sluice_quality_results (run_id BIGINT, run_at TIMESTAMP, suite TEXT, dataset TEXT, dataset_rows BIGINT,
                  check_name TEXT, kind TEXT, columns TEXT, outcome TEXT, severity TEXT, observed DOUBLE PRECISION, threshold DOUBLE PRECISION,
                  failing_rows BIGINT, row_count BIGINT, metric TEXT, metric_value DOUBLE PRECISION, message TEXT);
                INSERT INTO sluice_quality_results VALUES (1, '2024-01-01T00:00:00Z', 'c.yaml', 'd', 100, 'row_count_change', 'change', '',
                  'not_evaluated', 'error', NULL, 0.1, 0, 100, 'row_count', 100, 'no earlier run');
                INSERT INTO sluice_quality_results VALUES (2, '2024-01-02T00:00:00Z', 'c.yaml', 'd', 110, 'row_count_change', 'change', '',
                  'passed', 'error', 0.1, 0.1, 0, 110, 'row_count', 110, 'ok');
                CREATE TABLE sluice_check_results (pipeline TEXT NOT NULL, run_id TEXT NOT NULL, task TEXT NOT NULL, try_number INTEGER NOT NULL,
                  position INTEGER NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, severity TEXT NOT NULL, outcome TEXT NOT NULL,
                  observed DOUBLE PRECISION, threshold DOUBLE PRECISION, failing_rows BIGINT NOT NULL, row_count BIGINT NOT NULL,
                  message TEXT NOT NULL, PRIMARY KEY (pipeline, run_id, task, try_number, position));
                INSERT INTO sluice_check_results VALUES ('p', '2024-01-01', 'quality', 1, 0, 'not_null(id)', 'not_null', 'error', 'passed',
                  0, 0, 0, 7, 'ok');
                """))
            let store = try QualityHistory(location: path)
            let suite = Suite(checks: [try ChangeCheck(metric: .rowCount, maxPercent: 10)])
            #expect(try store.history(for: suite, dataset: "d").values["row_count"] == [110, 100])
            try store.record(try suite.run(on: rows(120)), run: CheckRun(dataset: "d", runID: "check__new"))
            #expect(try store.history(for: suite, dataset: "d").values["row_count"] == [120, 110, 100])
            let pipelineRun = try store.results(pipeline: "p", runID: "2024-01-01")
            #expect(pipelineRun.map(\.name) == ["not_null(id)"])
            #expect(pipelineRun.first?.dataset == "p/quality")
            #expect(try connection.columns(ofTable: "sluice_quality_results") == nil)
        }
    }

    @Test("YAML: row_count_change and change with their options; mistakes are located")
    func yaml() throws {
        let spec = try SuiteSpec.parse("""
        checks:
          - row_count_change: { max_pct: 20, over_last: 5 }
            severity: warning
          - change: { metric: null_fraction, column: email, max_pct: 50 }
        """, file: "checks.yaml")
        let suite = try spec.makeSuite(references: [:])
        let first = try #require(suite.checks[0] as? ChangeCheck)
        #expect(first.metric == .rowCount)
        #expect(first.maxPercent == 20)
        #expect(first.overLast == 5)
        #expect(first.severity == .warning)
        let second = try #require(suite.checks[1] as? ChangeCheck)
        #expect(second.metric == .nullFraction(column: "email"))
        #expect(second.overLast == 5)
        #expect(second.name == "null_fraction_change(email)")
        func error(_ yaml: String) -> QualityError? {
            do { _ = try SuiteSpec.parse(yaml, file: "c.yaml").makeSuite(references: [:]) } catch let e as QualityError { return e } catch {}
            return nil
        }
        #expect(error("checks:\n  - change: { metric: null_fractoin, column: x, max_pct: 5 }\n")?.hint?.hasPrefix("did you mean `null_fraction`?") == true)
        #expect(error("checks:\n  - row_count_change: { over_last: 0, max_pct: 5 }\n")?.message == "over_last must be 1 or more, found 0")
        #expect(error("checks:\n  - row_count_change: { over_last: 2 }\n")?.message == "row_count_change check needs `max_pct`")
        #expect(error("checks:\n  - row_count_change: 20\n")?.code == .wrongType)
    }
}
