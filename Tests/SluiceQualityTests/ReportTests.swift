import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import SluiceCore
import Testing
@testable import SluiceQuality

@Suite("reports")
struct ReportTests {
    func run(rows: Int = 5) throws -> QualityRun {
        let table = try Table([
            ("id", Column(int64: Array((0..<Int64(rows)).map { $0 % 3 }))),
            ("name", Column(string: (0..<rows).map { $0 == 1 ? nil : "<b>&\"x\u{1}'\($0)" })),
        ])
        let suite = Suite(checks: [
            try NotNullCheck(column: "name", threshold: 0),
            try UniqueCheck(columns: ["id"], threshold: 1, name: "unique <id> & \"more\""),
            try RangeCheck(column: "id", min: .int64(0), max: .int64(5), severity: .warning),
            try RowCountCheck(min: 1),
            try PatternCheck(column: "name", pattern: "x"),
        ])
        return QualityRun(dataset: "data/<t>.csv", suite: "checks.yaml", result: try suite.run(on: table), failOn: .error, seconds: 0.25)
    }

    @Test("text: aligned table and the seed's summary")
    func text() throws {
        let report = ReportFormat.text.render(try run())
        let lines = report.split(separator: "\n").map(String.init)
        let header = lines.first { $0.hasPrefix("STATUS") }!
        let checkColumn = header.range(of: "CHECK")!.lowerBound.utf16Offset(in: header)
        for line in lines where line.hasPrefix("PASS ") || line.hasPrefix("FAIL ") {
            #expect(line.dropFirst(checkColumn).first != " ", "misaligned: \(line)")
        }
        #expect(report.contains("Total checks: 5\nPassed: 3\nFailed: 2\nPass rate: 60.00%"))
        #expect(report.contains("      row 2: null"))
        #expect(report.contains("Gate FAILED: 2 checks at error or above failed: not_null(name), unique <id> & \"more\""))
        #expect(!report.contains("\u{1B}["))
        #expect(ReportFormat.text.render(try run(), colour: true).contains("\u{1B}[31mFAIL"))
    }

    @Test("text and JSON with no rows: pass rate n/a, not a division by zero")
    func emptyRun() throws {
        let result = try Suite(checks: [try NotNullCheck(column: "id")]).run(on: try Table([("id", Column(int64: []))]))
        let run = QualityRun(dataset: "empty.csv", result: result)
        #expect(ReportFormat.text.render(run).contains("Not evaluated: 1\nPass rate: n/a (no check evaluated)"))
        let json = try JSONSerialization.jsonObject(with: Data(ReportFormat.json.render(run).utf8)) as! [String: Any]
        #expect((json["summary"] as! [String: Any])["pass_rate"] is NSNull)
        #expect(((json["checks"] as! [[String: Any]])[0]["observed"]) is NSNull)
    }

    @Test("JSON matches its documented schema")
    func json() throws {
        let text = ReportFormat.json.render(try run())
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        #expect(Set(object.keys) == ["schema_version", "dataset", "suite", "rows", "gate", "summary", "checks"])
        #expect(object["schema_version"] as? Int == 1)
        #expect(object["dataset"] as? String == "data/<t>.csv")
        #expect(object["rows"] as? Int == 5)
        let gate = object["gate"] as! [String: Any]
        #expect(gate["fail_on"] as? String == "error")
        #expect(gate["passed"] as? Bool == false)
        let summary = object["summary"] as! [String: Any]
        #expect(Set(summary.keys) == ["total", "passed", "failed", "not_evaluated", "pass_rate", "failed_by_severity"])
        #expect(summary["pass_rate"] as? Double == 0.6)
        #expect((summary["failed_by_severity"] as! [String: Int]) == ["warning": 0, "error": 1, "critical": 1])
        let checks = object["checks"] as! [[String: Any]]
        #expect(checks.count == 5)
        let keys: Set<String> = ["name", "kind", "columns", "outcome", "severity", "observed", "threshold", "comparison",
                                 "failing_rows", "row_count", "message", "samples"]
        for check in checks {
            #expect(Set(check.keys) == keys)
            #expect(["passed", "failed", "not_evaluated"].contains(check["outcome"] as! String))
            #expect(["at_most", "at_least", "between"].contains(check["comparison"] as! String))
        }
        #expect(checks[1]["name"] as? String == "unique <id> & \"more\"")
        let samples = checks[1]["samples"] as! [[String: Any]]
        #expect(samples.first?["row"] as? Int == 4)
        #expect(samples.first?["values"] as? [String] == ["0"])
    }

    @Test("JUnit: only checks that fail the gate are <failure>; a failed warning below it is reported in system-out")
    func junitGate() throws {
        let table = try Table([("id", Column(int64: [1, 2, 50]))])
        let suite = Suite(checks: [
            try RangeCheck(column: "id", min: .int64(0), max: .int64(5), threshold: 0, severity: .warning),
            try NotNullCheck(column: "id", threshold: 0),
        ])
        let result = try suite.run(on: table)
        let belowGate = ReportFormat.junit.render(QualityRun(dataset: "t.csv", result: result, failOn: .error))
        #expect(!belowGate.contains("<failure"))
        #expect(belowGate.contains("failures=\"0\""))
        #expect(belowGate.contains("<system-out>failed below the gate (error): "))
        let atGate = ReportFormat.junit.render(QualityRun(dataset: "t.csv", result: result, failOn: .warning))
        #expect(atGate.contains("<failure type=\"warning\""))
        #expect(atGate.contains("failures=\"1\""))
    }

    @Test("JUnit parses as XML with one testcase per check")
    func junit() throws {
        let xml = ReportFormat.junit.render(try run())
        final class Collector: NSObject, XMLParserDelegate {
            var testcases: [String] = []
            var failures: [String] = []
            var suites: [[String: String]] = []
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
                if name == "testcase" { testcases.append(attributes["name"] ?? "") }
                if name == "failure" { failures.append(attributes["type"] ?? "") }
                if name == "testsuite" { suites.append(attributes) }
            }
        }
        let parser = XMLParser(data: Data(xml.utf8))
        let collector = Collector()
        parser.delegate = collector
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(collector.testcases == ["not_null(name)", "unique <id> & \"more\"", "range(id)", "row_count", "pattern(name)"])
        #expect(collector.failures == ["critical", "error"])
        #expect(collector.suites.first?["tests"] == "5")
        #expect(collector.suites.first?["failures"] == "2")
        #expect(collector.suites.first?["name"] == "data/<t>.csv")
    }

    @Test("HTML: self-contained, contains every check, escapes names")
    func html() throws {
        let html = ReportFormat.html.render(try run())
        for name in ["not_null(name)", "unique &lt;id&gt; &amp; &quot;more&quot;", "range(id)", "row_count", "pattern(name)"] {
            #expect(html.contains("<td>\(name)</td>"), "\(name)")
        }
        #expect(!html.contains("<script"))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("src="))
        #expect(html.contains("<svg"))
        #expect(html.contains("Failure rate per column"))
        #expect(!html.contains("\u{1}"))
    }

    @Test("HTML of 500 checks stays one flat page")
    func manyChecks() throws {
        let table = try Table([("x", Column(int64: (0..<1_000).map { Int64($0) }))])
        let checks: [any Check] = try (0..<500).map { try RangeCheck(column: "x", min: .int64(Int64($0)), name: "r\($0)") }
        let run = QualityRun(dataset: "x.csv", result: try Suite(checks: checks).run(on: table))
        #expect(run.result.columnScans == 1)
        let html = ReportFormat.html.render(run)
        #expect(html.components(separatedBy: "<tr>").count - 1 == 500 + 1 + 1)   // checks, header, one column row
        #expect(html.utf8.count < 500 * 1_200)
    }

    @Test("report format names: did you mean")
    func formatNames() {
        #expect(throws: QualityError.self) { try ReportFormat(name: "junt") }
        #expect((try? ReportFormat(name: "JUnit")) == .junit)
    }
}
