import SluiceCore
import SluicePipeline

extension DesignDocument {
    /// Lineage rows for the destinations: column, sources, how.
    var lineageRows: [(dataset: String, column: String, sources: String, how: String)] {
        lineage.outputColumnLineage.map { dataset, column in
            let groups = column.inputs.bySource
            let sources = groups.isEmpty ? "—" : groups.map { "\($0.source)" }.joined(separator: ", ")
            let how = groups.flatMap { $0.transformations }.map { t in
                t.kind.rawValue + " " + t.subtype.rawValue + (t.detail.map { ": " + $0 } ?? "")
            }.joined(separator: "; ")
            return (lineage.label(dataset), column.name, sources, how.isEmpty ? "computed without input columns" : how)
        }
    }

    var statisticsLines: [String] {
        let stats = RunStatistics(history)
        if let historyUnavailable { return ["Run history unavailable: \(historyUnavailable)"] }
        guard !history.isEmpty else { return ["No runs recorded yet (no state store beside the pipeline)."] }
        func secs(_ v: Double?) -> String { v.map { formatDouble(($0 * 100).rounded() / 100) + " s" } ?? "-" }
        var lines = ["Runs considered: \(history.count) (newest \(history[0].runID))",
                     "Duration: p50 \(secs(stats.durationPercentile(50))), p95 \(secs(stats.durationPercentile(95))), max \(secs(stats.durationPercentile(100)))",
                     "Failure rate: " + (stats.failureRate.map { formatDouble(($0 * 1000).rounded() / 10) + "%" } ?? "-")]
        if let rows = stats.meanRows { lines.append("Rows loaded per successful run: \(Int(rows.rounded()))") }
        lines.append("Last success: " + (stats.lastSuccess.map { "\($0.runID)" + ($0.endedAt.map { " (finished \(OpenLineageEvent.timestamp($0).prefix(19))Z)" } ?? "") } ?? "never"))
        return lines
    }

    /// `name (kind): description` per task, in run order.
    var taskLines: [String] {
        pipeline.topologicalOrder().map { "`\($0.name)` (\($0.action.kind))" + ($0.description.map { ": " + $0 } ?? "") }
    }

    /// Extract queries and SQL statements, by task.
    var queries: [(String, String)] {
        lineage.jobs.flatMap { job in job.sql.map { (job.task, $0) } }
    }

    var title: String { "Data Pipeline Design: \(pipeline.name)" }

    // MARK: - Markdown

    /// The design document as Markdown (the seed's Response Format).
    public func markdown() -> String {
        let layout = DAGLayout(self)
        var out = "## \(title)\n\n### Overview\n\(pipeline.description ?? "_No description: add `description:` to the pipeline._")\n\n"
        out += "- Owner: \(pipeline.owner ?? "_not set_")\n- Tasks:\n" + taskLines.map { "  - \($0)\n" }.joined() + "\n"
        out += "### Architecture\n\n```\n\(architectureLine)\n```\n\n```mermaid\n\(layout.mermaid())```\n\n"
        out += "### Components\n\n#### Source\n" + bullets(sourceLines.isEmpty ? ["none (no task reads outside the pipeline)"] : sourceLines)
        out += "\n#### Extraction\n" + bullets(extractionLines + ["Frequency: \(scheduleRow.frequency)" + (scheduleRow.time == "-" ? "" : " at \(scheduleRow.time)")])
        out += "\n#### Transformation\n" + bullets(transformationLines.isEmpty ? ["none"] : transformationLines)
        out += "\n#### Loading\n" + bullets(loadingLines.flatMap { ["Target: \($0.target)", "Load strategy: \($0.strategy)"] })
        out += "\n### Implementation\n\n#### File: `\(pipeline.file ?? "pipeline.yaml")`\n\n```yaml\n\(specText.hasSuffix("\n") ? specText : specText + "\n")```\n\n"
        for (task, sql) in queries { out += "#### Query of task `\(task)`\n\n```sql\n\(sql.hasSuffix("\n") ? sql : sql + "\n")```\n\n" }
        out += "### Data Quality\n\n**Checks:**\n" + qualityChecklist.map { "- [\($0.done ? "x" : " ")] \($0.label)\($0.done ? ": " + $0.detail : "")\n" }.joined()
        out += "\n### Monitoring\n\n**Metrics:**\n- Row counts (rows in and out of every task try)\n- Processing time (run and task durations)\n- Error rate (failed tries and runs, by error category)\n"
        out += "\n**Alerts:**\n" + alertRows.map { "- [\($0.done ? "x" : " ")] \($0.label)\n" }.joined()
        out += "\n### Schedule\n\n| Pipeline | Frequency | Time |\n|----------|-----------|------|\n| \(pipeline.name) | \(scheduleRow.frequency) | \(scheduleRow.time) |\n"
        out += "\n### Lineage\n\n| Dataset | Column | From | How |\n|---|---|---|---|\n"
        out += lineageRows.map { "| \($0.dataset) | \($0.column) | \($0.sources) | \($0.how.replacing("|", with: "\\|")) |\n" }.joined()
        out += "\n### Recent Runs\n\n" + bullets(statisticsLines)
        out += "\n### Checklist\n\n" + lint.items.map { "- [\($0.passed ? "x" : " ")] \($0.line) — \($0.reason)\n" }.joined()
        return out
    }

    /// `users, orders → extract → transform → quality → load → user_analytics`.
    var architectureLine: String {
        let sources = sources.map { lineage.label($0.name) }.joined(separator: ", ")
        let destinations = destinations.map { lineage.label($0.name) }.joined(separator: ", ")
        return ([sources.isEmpty ? "Source" : sources] + pipeline.topologicalOrder().map(\.name) + [destinations.isEmpty ? "Destination" : destinations]).joined(separator: " → ")
    }

    func bullets(_ lines: [String]) -> String { lines.map { "- \($0)\n" }.joined() }

    // MARK: - HTML

    /// The design document as one self-contained HTML file (inline CSS and SVG, no scripts).
    public func html() -> String {
        let layout = DAGLayout(self)
        func list(_ lines: [String]) -> String { "<ul>" + lines.map { "<li>\(inline($0))</li>" }.joined() + "</ul>\n" }
        func check(_ done: Bool, _ text: String) -> String {
            "<li class=\"\(done ? "done" : "todo")\"><span class=\"box\">\(done ? "✓" : "")</span>\(inline(text))</li>"
        }
        var body = "<h1>\(htmlText(title))</h1>\n<section><h2>Overview</h2><p>\(inline(pipeline.description ?? "No description: add `description:` to the pipeline."))</p>"
        body += list(taskLines)
        body += "<p class=\"meta\">Owner: <b>\(htmlText(pipeline.owner ?? "not set"))</b> · Schedule: <b>\(htmlText(scheduleRow.frequency))\(scheduleRow.time == "-" ? "" : " at " + htmlText(scheduleRow.time))</b></p></section>\n"
        body += "<section><h2>Architecture</h2><p class=\"flow\">\(htmlText(architectureLine))</p><div class=\"dag\">\(layout.svg())</div></section>\n"
        body += "<section><h2>Components</h2><div class=\"grid\">"
        body += "<div><h3>Source</h3>" + list(sourceLines.isEmpty ? ["none"] : sourceLines) + "</div>"
        body += "<div><h3>Extraction</h3>" + list(extractionLines + ["Frequency: \(scheduleRow.frequency)" + (scheduleRow.time == "-" ? "" : " at \(scheduleRow.time)")]) + "</div>"
        body += "<div><h3>Transformation</h3>" + list(transformationLines.isEmpty ? ["none"] : transformationLines) + "</div>"
        body += "<div><h3>Loading</h3>" + list(loadingLines.flatMap { ["Target: \($0.target)", "Load strategy: \($0.strategy)"] }) + "</div></div></section>\n"
        body += "<section><h2>Implementation</h2><h3>File: <code>\(htmlText(pipeline.file ?? "pipeline.yaml"))</code></h3><pre><code>\(htmlText(specText))</code></pre>"
        for (task, sql) in queries { body += "<h3>Query of task <code>\(htmlText(task))</code></h3><pre><code>\(htmlText(sql))</code></pre>" }
        body += "</section>\n"
        body += "<section><h2>Data Quality</h2><ul class=\"checks\">" + qualityChecklist.map { check($0.done, $0.label + ($0.done ? ": " + $0.detail : "")) }.joined() + "</ul></section>\n"
        body += "<section><h2>Monitoring</h2><div class=\"grid\"><div><h3>Metrics</h3>" + list(["Row counts (rows in and out of every task try)", "Processing time (run and task durations)", "Error rate (failed tries and runs, by error category)"])
        body += "</div><div><h3>Alerts</h3><ul class=\"checks\">" + alertRows.map { check($0.done, $0.label) }.joined() + "</ul></div></div></section>\n"
        body += "<section><h2>Schedule</h2><table><tr><th>Pipeline</th><th>Frequency</th><th>Time</th></tr><tr><td>\(htmlText(pipeline.name))</td><td>\(inline(scheduleRow.frequency))</td><td>\(htmlText(scheduleRow.time))</td></tr></table></section>\n"
        body += "<section><h2>Lineage</h2><table><tr><th>Dataset</th><th>Column</th><th>From</th><th>How</th></tr>"
        body += lineageRows.map { "<tr><td>\(htmlText($0.dataset))</td><td><code>\(htmlText($0.column))</code></td><td>\(htmlText($0.sources))</td><td>\(htmlText($0.how))</td></tr>" }.joined()
        body += "</table></section>\n<section><h2>Recent Runs</h2>" + list(statisticsLines) + "</section>\n"
        body += "<section><h2>Checklist</h2><ul class=\"checks\">" + lint.items.map { check($0.passed, "\($0.line) — \($0.reason)") }.joined() + "</ul></section>\n"
        return Self.page(title: title, body: body)
    }

    /// `text` with `code` spans, HTML-escaped.
    func inline(_ text: String) -> String {
        var out = "", inCode = false
        for part in text.split(separator: "`", omittingEmptySubsequences: false) {
            out += inCode ? "<code>\(htmlText(String(part)))</code>" : htmlText(String(part))
            inCode.toggle()
        }
        return out
    }

    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(htmlText(title))</title>
        <style>
        body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#0f172a;max-width:1080px;margin:2rem auto;padding:0 1.2rem;line-height:1.5;background:#fff}
        h1{font-size:1.7rem;border-bottom:2px solid #e2e8f0;padding-bottom:.4rem}h2{font-size:1.25rem;margin-top:1.8rem;color:#1e293b}h3{font-size:1rem;margin:.6rem 0 .2rem;color:#334155}
        code{background:#f1f5f9;padding:0 .25rem;border-radius:3px;font-size:.9em}pre{background:#0f172a;color:#e2e8f0;padding:1rem;border-radius:6px;overflow-x:auto;font-size:.82rem}pre code{background:none;color:inherit}
        .meta{color:#475569}.flow{font-family:ui-monospace,monospace;background:#f8fafc;padding:.4rem .6rem;border-radius:4px}
        .dag{overflow-x:auto;border:1px solid #e2e8f0;border-radius:6px;padding:.5rem;background:#fcfcfd}
        .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:.2rem 1.5rem}
        table{border-collapse:collapse;width:100%;font-size:.88rem}th,td{border:1px solid #e2e8f0;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f1f5f9}
        ul.checks{list-style:none;padding-left:0}ul.checks li{margin:.2rem 0}.box{display:inline-block;width:1.1em;height:1.1em;border:1.5px solid #94a3b8;border-radius:3px;margin-right:.5em;text-align:center;line-height:1.05em;font-size:.85em;vertical-align:-.1em}
        li.done .box{background:#22c55e;border-color:#16a34a;color:#fff}li.todo{color:#b45309}
        </style></head><body>
        \(body)<footer style="margin-top:2rem;color:#94a3b8;font-size:.8rem">Generated by sluice docs from the pipeline spec and its run history.</footer>
        </body></html>

        """
    }

    /// An index page linking each pipeline's document.
    public static func indexHTML(_ entries: [(pipeline: Pipeline, link: String)]) -> String {
        var body = "<h1>Pipelines</h1><table><tr><th>Pipeline</th><th>Description</th><th>Owner</th><th>Frequency</th><th>Time</th></tr>"
        for (pipeline, link) in entries {
            let document = DesignDocument(pipeline: pipeline)
            body += "<tr><td><a href=\"\(htmlText(link))\">\(htmlText(pipeline.name))</a></td><td>\(htmlText(pipeline.description ?? ""))</td><td>\(htmlText(pipeline.owner ?? ""))</td><td>\(htmlText(document.scheduleRow.frequency))</td><td>\(htmlText(document.scheduleRow.time))</td></tr>"
        }
        return page(title: "Pipelines", body: body + "</table>")
    }

    public static func indexMarkdown(_ entries: [(pipeline: Pipeline, link: String)]) -> String {
        var out = "## Pipelines\n\n| Pipeline | Description | Owner | Frequency | Time |\n|---|---|---|---|---|\n"
        for (pipeline, link) in entries {
            let row = DesignDocument(pipeline: pipeline).scheduleRow
            out += "| [\(pipeline.name)](\(link)) | \(pipeline.description ?? "") | \(pipeline.owner ?? "") | \(row.frequency) | \(row.time) |\n"
        }
        return out
    }
}
