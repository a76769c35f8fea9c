import SluiceCore

/// JUnit XML: one `<testcase>` per check, so CI systems list checks natively. A
/// check that fails the gate (failed at or above ``QualityRun/failOn``) is a `<failure>`
/// whose `type` is its severity; a failed check below the gate (a warning, say) passes
/// with its failure in `<system-out>`, so CI turns red exactly when `sluice check` exits 3;
/// a check that was not evaluated is `<skipped>`.
enum JUnitReport {
    static func render(_ run: QualityRun) -> String {
        let result = run.result
        let summary = result.summary
        let suiteName = markupEscaped(run.dataset)
        let time = run.seconds.map { " time=\"\(formatDouble($0))\"" } ?? ""
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let failures = result.results.filter { $0.fails(atOrAbove: run.failOn) }.count
        out += "<testsuites name=\"sluice check\" tests=\"\(summary.total)\" failures=\"\(failures)\" skipped=\"\(summary.notEvaluated)\" errors=\"0\"\(time)>\n"
        out += "  <testsuite name=\"\(suiteName)\" tests=\"\(summary.total)\" failures=\"\(failures)\" skipped=\"\(summary.notEvaluated)\" errors=\"0\"\(time)>\n"
        for check in result.results {
            out += "    <testcase classname=\"quality.\(markupEscaped(check.kind))\" name=\"\(markupEscaped(check.name))\">\n"
            let detail = "severity: \(check.severity.rawValue)\nobserved: \(check.observedText)\nthreshold: \(check.thresholdText)\nfailing rows: \(check.failingRows) of \(check.rowCount)\n"
                + check.samples.map { "row \($0.row): \($0.values.joined(separator: ", "))\n" }.joined()
            switch check.outcome {
            case .failed where check.fails(atOrAbove: run.failOn):
                out += "      <failure type=\"\(check.severity.rawValue)\" message=\"\(markupEscaped(check.message))\">\(markupEscaped(detail))</failure>\n"
            case .failed:
                out += "      <system-out>\(markupEscaped("failed below the gate (\(run.failOn.rawValue)): " + check.message + "\n" + detail))</system-out>\n"
            case .notEvaluated:
                out += "      <skipped message=\"\(markupEscaped(check.message))\"/>\n"
            case .passed:
                out += "      <system-out>\(markupEscaped(check.message))</system-out>\n"
            }
            out += "    </testcase>\n"
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }
}
