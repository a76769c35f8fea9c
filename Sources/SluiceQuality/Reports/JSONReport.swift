import SluiceCore

/// The JSON report, schema version 1 (stable: fields are only ever added).
///
/// ```json
/// {"schema_version": 1, "dataset": "orders.csv", "suite": "checks.yaml", "rows": 3000000,
///  "gate": {"fail_on": "error", "passed": false},
///  "summary": {"total": 4, "passed": 3, "failed": 1, "not_evaluated": 0, "pass_rate": 0.75,
///              "failed_by_severity": {"warning": 0, "error": 1, "critical": 0}},
///  "checks": [{"name": "range(total)", "kind": "range", "columns": ["total"], "outcome": "failed",
///              "severity": "error", "observed": 0.012, "threshold": 0.01, "comparison": "at_most",
///              "failing_rows": 36000, "row_count": 3000000, "message": "…",
///              "samples": [{"row": 17, "values": ["-5.5"]}]}]}
/// ```
/// `outcome` is `passed`, `failed` or `not_evaluated`; `observed`, `threshold` and
/// `pass_rate` are `null` when there is nothing to report; `comparison` is
/// `at_most`, `at_least` or `between`; sample `row`s are 1-based data rows.
enum JSONReport {
    static func render(_ run: QualityRun) -> String {
        let result = run.result
        let summary = result.summary
        var out = "{\"schema_version\": 1, \"dataset\": \(jsonString(run.dataset)), \"suite\": \(run.suite.map(jsonString) ?? "null"), "
        out += "\"rows\": \(result.rowCount), "
        out += "\"gate\": {\"fail_on\": \"\(run.failOn.rawValue)\", \"passed\": \(run.gatePassed)}, "
        let bySeverity = Severity.allCases.map { "\"\($0.rawValue)\": \(summary.failedBySeverity[$0] ?? 0)" }.joined(separator: ", ")
        out += "\"summary\": {\"total\": \(summary.total), \"passed\": \(summary.passed), \"failed\": \(summary.failed), "
        out += "\"not_evaluated\": \(summary.notEvaluated), \"pass_rate\": \(jsonNumber(summary.passRate)), \"failed_by_severity\": {\(bySeverity)}}, "
        out += "\"checks\": ["
        out += result.results.map { check in
            let samples = check.samples.map { "{\"row\": \($0.row), \"values\": [\($0.values.map(jsonString).joined(separator: ", "))]}" }
            return "{\"name\": \(jsonString(check.name)), \"kind\": \(jsonString(check.kind)), "
                + "\"columns\": [\(check.columns.map(jsonString).joined(separator: ", "))], "
                + "\"outcome\": \"\(check.outcome.rawValue)\", \"severity\": \"\(check.severity.rawValue)\", "
                + "\"observed\": \(jsonNumber(check.observed)), \"threshold\": \(jsonNumber(check.threshold)), "
                + "\"comparison\": \"\(check.comparison.rawValue)\", \"failing_rows\": \(check.failingRows), "
                + "\"row_count\": \(check.rowCount), \"message\": \(jsonString(check.message)), "
                + "\"samples\": [\(samples.joined(separator: ", "))]}"
        }.joined(separator: ",\n  ")
        out += "]}\n"
        return out
    }
}
