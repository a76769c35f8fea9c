import SluiceCore

/// The terminal report: an aligned table, failing samples, and the seed's summary
/// (total, passed, failed, pass rate).
enum TextReport {
    static func render(_ run: QualityRun, colour: Bool) -> String {
        let result = run.result
        let rule = String(repeating: "=", count: 60)
        var lines = [rule, "Data Quality Report: \(run.dataset) (\(result.rowCount) rows)", rule]
        let header = ["STATUS", "SEVERITY", "CHECK", "OBSERVED", "THRESHOLD", "FAILING", "MESSAGE"]
        var rows: [[String]] = []
        for check in result.results {
            let status = switch check.outcome {
            case .passed: "PASS"
            case .failed: "FAIL"
            case .notEvaluated: "N/A"
            }
            rows.append([status, check.severity.rawValue, check.name, check.observedText, check.thresholdText,
                         String(check.failingRows), check.message])
        }
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = Swift.max(widths[i], cell.count) } }
        func line(_ cells: [String], status: Outcome?) -> String {
            var parts: [String] = []
            for (i, cell) in cells.enumerated() {
                var text = i == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
                if i == 0, colour, let status {
                    let code = status == .passed ? "32" : status == .failed ? "31" : "33"
                    text = "\u{1B}[\(code)m\(text)\u{1B}[0m"
                }
                parts.append(text)
            }
            return parts.joined(separator: "  ")
        }
        lines.append(line(header, status: nil))
        for (row, check) in zip(rows, result.results) {
            lines.append(line(row, status: check.outcome))
            if check.outcome == .failed {
                for sample in check.samples {
                    lines.append("      row \(sample.row): \(sample.values.joined(separator: ", "))")
                }
            }
        }
        let summary = result.summary
        lines.append(rule)
        lines.append("Total checks: \(summary.total)")
        lines.append("Passed: \(summary.passed)")
        lines.append("Failed: \(summary.failed)")
        if summary.notEvaluated > 0 { lines.append("Not evaluated: \(summary.notEvaluated)") }
        lines.append("Pass rate: \(summary.passRate.map(percent) ?? "n/a (no check evaluated)")")
        lines.append(rule)
        let failedHere = result.results.filter { $0.fails(atOrAbove: run.failOn) }
        if failedHere.isEmpty {
            lines.append("Gate passed: no \(run.failOn.rawValue)-or-worse check failed")
        } else {
            lines.append("Gate FAILED: \(failedHere.count) check\(failedHere.count == 1 ? "" : "s") at \(run.failOn.rawValue) or above failed: \(failedHere.map(\.name).joined(separator: ", "))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
