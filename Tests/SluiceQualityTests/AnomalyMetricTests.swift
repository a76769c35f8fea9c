import Foundation
import SluiceCore
import Testing
@testable import SluiceQuality
import SluiceTestSupport

/// Every anomaly metric over a history built by repeated runs, one day apart on a manual clock:
/// not evaluated (never passed) until `min_history` runs are stored, then a normal run passes and
/// a spike fails.
@Suite("Anomaly metrics from history")
struct AnomalyMetricTests {
    /// A manual clock: each run is one day after the previous one.
    struct Day {
        var now: Int64 = 1_704_067_200_000_000   // 2024-01-01T00:00:00Z
        mutating func advance() { now += 86_400_000_000 }
    }

    /// A table (and the dataset file's modification time) whose metric is `value` at `now`.
    typealias Builder = @Sendable (_ value: Double, _ now: Int64) -> (Table, Int64?)

    static let cases: [(String, String, Builder)] = [
        ("row_count", "metric: row_count",
         { v, _ in (table("x", Column(int64: (0..<Int(v)).map { Int64($0) })), nil) }),
        ("null_fraction(email)", "metric: null_fraction, column: email",
         { v, _ in (table("email", Column(string: (0..<1000).map { $0 < Int(v) ? nil : "u\($0)@x" })), nil) }),
        ("sum(total)", "metric: sum, column: total",
         { v, _ in (table("total", Column(float64: [v - 1, 1, nil, .nan])), nil) }),
        ("mean(total)", "metric: mean, column: total",
         { v, _ in (table("total", Column(int64: [Int64(v) - 10, Int64(v) + 10, nil])), nil) }),
        ("distinct_count(email)", "metric: distinct_count, column: email",
         { v, _ in (table("email", Column(string: (0..<Int(v)).flatMap { ["e\($0)", "e\($0)"] } + [nil])), nil) }),
        ("freshness_lag(updated_at)", "metric: freshness_lag, column: updated_at",
         { v, now in (table("updated_at", Column(timestamp: [now - 86_400_000_000 * 30, now - Int64(v) * 60_000_000, nil])), nil) }),
        ("freshness_lag(file)", "metric: freshness_lag",
         { v, now in (table("x", Column(int64: [1])), now - Int64(v) * 60_000_000) }),
        ("check(not_null(email))", "check: \"not_null(email)\"",
         { v, _ in (table("email", Column(string: (0..<1000).map { $0 < Int(v) ? nil : "u\($0)@x" })), nil) }),
    ]

    @Test("not evaluated until min_history runs, then a normal run passes and a spike fails", arguments: 0..<8)
    func metricOverHistory(_ index: Int) throws {
        let (key, options, build) = Self.cases[index]
        let dir = try temporaryDirectory("anomaly")
        defer { try? FileManager.default.removeItem(at: dir) }
        let yaml = """
        checks:
          - not_null: email
            severity: warning
          - anomaly: { \(options), method: zscore, k: 3, over_last: 14, min_history: 5 }
        """
        var spec = try SuiteSpec.parse(yaml, file: "s.yaml")
        if !key.contains("email") { spec.checks.removeFirst() }   // the not_null check needs the email column
        let suite = try spec.makeSuite(references: [:])
        let anomaly = suite.checks.last!
        #expect(anomaly.name == "anomaly(\(key), zscore)")
        let store = try QualityHistory(location: dir.appendingPathComponent("q.db").path)
        var clock = Day()
        var results: [CheckResult] = []
        for value in [100.0, 102, 98, 101, 99, 100, 140] {
            let (data, modified) = build(value, clock.now)
            let result = try suite.run(on: data, now: clock.now, history: try store.history(for: suite, dataset: "d"), datasetModifiedAt: modified)
            results.append(result.results.last!)
            #expect(result.results.last!.metric == key)
            try store.record(result.results, run: CheckRun(dataset: "d", runID: "run-\(results.count)"), datasetRows: data.rowCount, now: clock.now)
            clock.advance()
        }
        #expect(results.map(\.outcome) == [.notEvaluated, .notEvaluated, .notEvaluated, .notEvaluated, .notEvaluated, .passed, .failed],
                "\(results.map(\.message))")
        #expect(results[0].message == "not evaluated: the history has 0 earlier runs of \(key), min_history is 5")
        #expect(results[4].message == "not evaluated: the history has 4 earlier runs of \(key), min_history is 5")
        #expect(results[5].observed.map { $0 < 0.1 } == true)   // 100 against mean 100
        #expect(results[6].message.contains("vs mean") && results[6].observed! > 3)
    }

    @Test("freshness_lag without a column and no file time, a check that measured nothing: not evaluated, and said why")
    func nothingToMeasure() throws {
        let lag = try SuiteSpec.parse("checks:\n  - anomaly: { metric: freshness_lag, min_history: 2 }\n", file: "s.yaml").makeSuite(references: [:])
        let history = RunHistory(values: ["freshness_lag(file)": [60, 61, 59]])
        let result = try lag.run(on: table("x", Column(int64: [1])), history: history).results[0]
        #expect(result.outcome == .notEvaluated)
        #expect(result.message.contains("no file modification time for freshness_lag(file)"))
        let sum = try SuiteSpec.parse("checks:\n  - anomaly: { metric: sum, column: total, min_history: 2 }\n", file: "s.yaml").makeSuite(references: [:])
        let allNull = try sum.run(on: table("total", Column(float64: [nil, nil])), history: RunHistory(values: ["sum(total)": [1, 2]])).results[0]
        #expect(allNull.outcome == .notEvaluated && allNull.message == "only nulls: no sum(total) to compare")
    }

    @Test("spec mistakes: both metric and check, an unknown check (did you mean), a sum of text, a per-column metric without a column")
    func specErrors() throws {
        func problem(_ checks: String, _ data: Table = table("email", Column(string: ["a"]))) -> String {
            do {
                _ = try SuiteSpec.parse("checks:\n" + checks, file: "s.yaml").makeSuite(references: [:]).run(on: data)
                return ""
            } catch let error as QualityError {
                return error.message + (error.hint.map { " | " + $0 } ?? "")
            } catch { return "\(error)" }
        }
        #expect(problem("  - anomaly: { metric: sum, column: email, check: x }\n").contains("has both `metric` and `check`"))
        #expect(problem("  - not_null: email\n  - anomaly: { check: \"not_nul(email)\" }\n")
                == "anomaly(check(not_nul(email)), zscore): no check named \"not_nul(email)\" in the suite (checks: not_null(email)) | did you mean `not_null(email)`?")
        #expect(problem("  - anomaly: { metric: sum, column: email }\n").contains("sum(email) needs a numeric column; \"email\" is string"))
        #expect(problem("  - anomaly: { metric: mean }\n") == "metric mean needs `column` | write e.g. `metric: mean, column: total`")
        #expect(problem("  - anomaly: { metric: median }\n").contains("unknown metric \"median\""))
    }
}
