import SluiceCore

/// One self-contained HTML page: no scripts, no network, inline CSS and SVG. A
/// summary, a bar chart of failure rates per column, and one table row per check
/// with a small inline bar — plain markup, so 500 checks stay quick to render.
enum HTMLReport {
    static func render(_ run: QualityRun) -> String {
        let result = run.result
        let summary = result.summary
        var out = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <title>Data quality: \(markupEscaped(run.dataset))</title>
        <style>
        body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
        table{border-collapse:collapse;width:100%}th,td{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
        th{background:#f4f4f4;position:sticky;top:0}.passed{color:#1a7f37}.failed{color:#cf222e;font-weight:bold}.not_evaluated{color:#9a6700}
        .cards span{display:inline-block;margin-right:1.5em;font-size:1.2em}.samples{font-family:monospace;font-size:12px;color:#555}
        </style></head><body>
        <h1>Data quality: \(markupEscaped(run.dataset))</h1>
        <p>\(result.rowCount) rows\(run.suite.map { " · suite " + markupEscaped($0) } ?? "") · gate (fail on \(run.failOn.rawValue)): <b class="\(run.gatePassed ? "passed" : "failed")">\(run.gatePassed ? "passed" : "failed")</b></p>
        <p class="cards"><span>Total checks: \(summary.total)</span><span class="passed">Passed: \(summary.passed)</span><span class="failed">Failed: \(summary.failed)</span><span class="not_evaluated">Not evaluated: \(summary.notEvaluated)</span><span>Pass rate: \(summary.passRate.map(percent) ?? "n/a")</span></p>

        """
        out += columnChart(result)
        out += "<h2>Checks</h2>\n<table>\n<tr><th>Status</th><th>Severity</th><th>Check</th><th>Observed</th><th>Threshold</th><th>Failing rows</th><th>Failure rate</th><th>Message</th></tr>\n"
        for check in result.results {
            let rate = check.rowCount > 0 ? Double(check.failingRows) / Double(check.rowCount) : 0
            out += "<tr><td class=\"\(check.outcome.rawValue)\">\(check.outcome.rawValue.replacingUnderscores())</td><td>\(check.severity.rawValue)</td>"
            out += "<td>\(markupEscaped(check.name))</td><td>\(markupEscaped(check.observedText))</td><td>\(markupEscaped(check.thresholdText))</td>"
            out += "<td>\(check.failingRows)</td><td>\(bar(rate, width: 120))</td><td>\(markupEscaped(check.message))"
            if !check.samples.isEmpty {
                out += "<div class=\"samples\">" + check.samples.map { "row \($0.row): \(markupEscaped($0.values.joined(separator: ", ")))" }.joined(separator: "<br>") + "</div>"
            }
            out += "</td></tr>\n"
        }
        out += "</table>\n</body></html>\n"
        return out
    }

    /// An inline SVG bar of `fraction` (0…1) with its percentage.
    static func bar(_ fraction: Double, width: Int) -> String {
        let filled = Swift.max(0, Swift.min(Double(width), fraction * Double(width)))
        let colour = fraction == 0 ? "#1a7f37" : "#cf222e"
        return "<svg width=\"\(width + 60)\" height=\"14\" role=\"img\"><rect width=\"\(width)\" height=\"12\" fill=\"#eee\"/>"
            + "<rect width=\"\(formatDouble((filled * 10).rounded() / 10))\" height=\"12\" fill=\"\(colour)\"/>"
            + "<text x=\"\(width + 4)\" y=\"11\" font-size=\"11\">\(percent(fraction))</text></svg>"
    }

    /// Failure rate per column: the share of rows failing any row-level check on it.
    static func columnChart(_ result: SuiteResult) -> String {
        var order: [String] = []
        var failing: [String: Bitmap] = [:]
        for (check, rows) in zip(result.results, result.failingRows) {
            guard let rows else { continue }
            for column in check.columns {
                if let existing = failing[column] {
                    failing[column] = Bitmap(words: zip(existing.words, rows.words).map { $0 | $1 }, count: rows.count)
                } else {
                    order.append(column)
                    failing[column] = rows
                }
            }
        }
        guard !order.isEmpty, result.rowCount > 0 else { return "" }
        var out = "<h2>Failure rate per column</h2>\n<table>\n"
        for column in order {
            let rate = Double(failing[column]!.validCount) / Double(result.rowCount)
            out += "<tr><td>\(markupEscaped(column))</td><td>\(bar(rate, width: 300))</td></tr>\n"
        }
        return out + "</table>\n"
    }
}

extension String {
    func replacingUnderscores() -> String { split(separator: "_").joined(separator: " ") }
}
