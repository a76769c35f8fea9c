import Foundation
import SluiceCore
import Testing
@testable import SluiceQuality
import SluiceTestSupport

@Suite("Anomaly checks")
struct AnomalyCheckTests {
    func rows(_ n: Int) -> Table { table("x", Column(int64: (0..<n).map { Int64($0) })) }

    @Test("zscore: not evaluated (never passed) until min_history runs exist; then |z| <= k passes")
    func zscore() throws {
        let check = try AnomalyCheck(metric: .rowCount, method: .zscore, k: 3, overLast: 14, minHistory: 5)
        let short = RunHistory(values: ["row_count": [100, 102, 98, 101]])
        let notYet = try check.evaluate(in: EvaluationContext(table: rows(100), history: short))
        #expect(notYet.outcome == .notEvaluated)
        #expect(notYet.message.contains("has 4 earlier runs") && notYet.message.contains("min_history is 5"))
        let history = RunHistory(values: ["row_count": [100, 102, 98, 101, 99]])   // mean 100, sd 1.58
        let normal = try check.evaluate(in: EvaluationContext(table: rows(103), history: history))
        #expect(normal.outcome == .passed && abs(normal.observed! - 3 / 1.5811388300841898) < 1e-9 && normal.threshold == 3)
        let spike = try check.evaluate(in: EvaluationContext(table: rows(110), history: history))
        #expect(spike.outcome == .failed && spike.message.contains("z = 6.32"))
        let constant = RunHistory(values: ["row_count": [100, 100, 100, 100, 100]])
        #expect(try check.evaluate(in: EvaluationContext(table: rows(100), history: constant)).outcome == .passed)
        #expect(try check.evaluate(in: EvaluationContext(table: rows(101), history: constant)).outcome == .failed)
        #expect(try check.evaluate(in: EvaluationContext(table: rows(100))).outcome == .notEvaluated)
    }

    @Test("pct_change compares with the previous run")
    func pctChange() throws {
        let check = try AnomalyCheck(metric: .rowCount, method: .pctChange, maxPercent: 10, overLast: 5, minHistory: 1)
        let history = RunHistory(values: ["row_count": [100, 500]])
        #expect(try check.evaluate(in: EvaluationContext(table: rows(110), history: history)).outcome == .passed)
        let drop = try check.evaluate(in: EvaluationContext(table: rows(80), history: history))
        #expect(drop.outcome == .failed && drop.observed == 0.2 && drop.threshold == 0.1)
    }

    @Test("from YAML, over a stored history: five runs of history, then the sixth is judged")
    func fromSuiteAndHistory() throws {
        let dir = try temporaryDirectory("anomaly")
        defer { try? FileManager.default.removeItem(at: dir) }
        let suite = try SuiteSpec.parse("checks:\n  - anomaly: { metric: row_count, method: zscore, k: 3, over_last: 14, min_history: 5 }\n", file: "s.yaml").makeSuite(references: [:])
        #expect(suite.checks.first?.name == "anomaly(row_count, zscore)")
        let store = try QualityHistory(location: dir.appendingPathComponent("q.db").path)
        var outcomes: [Outcome] = []
        for (i, n) in [100, 102, 98, 101, 99, 140].enumerated() {
            let t = rows(n)
            let result = try suite.run(on: t, history: try store.history(for: suite, dataset: "d"))
            outcomes.append(result.results[0].outcome)
            try store.record(result, run: CheckRun(dataset: "d", runID: "r\(i)", suite: "s"), now: Int64(i + 1))
        }
        #expect(outcomes == [.notEvaluated, .notEvaluated, .notEvaluated, .notEvaluated, .notEvaluated, .failed])
        #expect(throws: QualityError.self) { try SuiteSpec.parse("checks:\n  - anomaly: { method: median }\n", file: "s.yaml").makeSuite(references: [:]) }
    }
}
