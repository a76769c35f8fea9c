#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SluiceCore
import SluiceFormats
import SluicePipeline
import SluiceQuality
import SluiceSQL
import SluiceTransform

/// The seed's pipeline design document ("Response Format"), filled from what Sluice knows
/// exactly: the spec, its static lineage, the checks and alerts configured and, when a
/// state store exists, the run history. Rendered as Markdown or as one self-contained HTML
/// file with the DAG as inline SVG.
///
/// ```swift
/// let document = DesignDocument(pipeline: try Pipeline.load(path: "pipeline.yaml"), history: nil)
/// try document.markdown().write(…)
/// ```
public struct DesignDocument: Sendable {
    public let pipeline: Pipeline
    public let lineage: PipelineLineage
    public let lint: PipelineLint
    /// Runs, newest first (empty when there is no state store).
    public let history: [RunStatistics.Run]
    /// Why the run history could not be read (`state store read_runs for pipeline … failed: …`),
    /// or nil: the document then says "Run history unavailable: <reason>" instead of
    /// "no runs recorded yet".
    public let historyUnavailable: String?
    /// The spec's text with connection passwords masked.
    public let specText: String

    public init(pipeline: Pipeline, history: [RunStatistics.Run] = [], historyUnavailable: String? = nil) {
        self.pipeline = pipeline
        self.historyUnavailable = historyUnavailable
        self.lineage = PipelineLineage(pipeline)
        self.lint = PipelineLint(pipeline: pipeline)
        self.history = history
        let text = pipeline.file.flatMap { try? FileByteSource.readAll(path: $0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
        self.specText = LineageObserver.maskedSource(text, pipeline: pipeline, settings: pipeline.lineage ?? LineageSettings())
    }

    /// A pipeline's document with its run history read from its default state store
    /// (`.sluice/state.db` beside the pipeline; none there: no history). A store that exists
    /// but cannot be opened or read does not fail the document: it says why the history is
    /// missing (``historyUnavailable``), and the same message goes to `warn` (the command's
    /// standard error).
    public static func withHistory(of pipeline: Pipeline, limit: Int = 30, warn: (String) -> Void) -> DesignDocument {
        let path = pipeline.resolve(".sluice/state.db")
        guard access(path, F_OK) == 0 else { return DesignDocument(pipeline: pipeline) }
        do {
            let store = try StateStore(url: "sqlite:" + path)
            return DesignDocument(pipeline: pipeline, history: try RunStatistics.runs(of: pipeline, in: store, limit: limit))
        } catch {
            let reason = StateWrite.readRuns.failure(error, pipeline: pipeline.name, time: 0).error.message
            warn("warning: run history unavailable: \(reason)")
            return DesignDocument(pipeline: pipeline, historyUnavailable: reason)
        }
    }

    // MARK: - Facts the sections use

    /// `SQLite`, `PostgreSQL`, `files`, by system name.
    static func systemName(_ dataset: DatasetName) -> String {
        switch dataset.system {
        case "sqlite": "SQLite"
        case "postgres": "PostgreSQL"
        case "file": "file"
        case "kafka": "Kafka"
        default: dataset.system
        }
    }

    var sources: [PipelineLineage.Dataset] { lineage.datasets.filter { $0.role == .source } }
    var destinations: [PipelineLineage.Dataset] { lineage.datasets.filter { $0.role == .destination } }

    /// Lines about each source: system, dataset, connection (masked).
    var sourceLines: [String] {
        sources.map { d in "\(Self.systemName(d.name)): `\(d.name.name)`" + (d.connection.map { " via `\($0)`" } ?? (d.name.system == "file" ? "" : " at `\(d.name.namespace)`")) }
    }

    /// Extraction method and the reason.
    var extractionLines: [String] {
        pipeline.tasks.compactMap { task -> String? in
            guard case .extract(let extract) = task.action else { return nil }
            switch extract.source {
            case .query(_, let sql):
                let values = SQLLineage(sql: sql).templateValues
                let interval = values.filter { ["ds", "data_interval_start", "data_interval_end", "logical_date", "ts", "ds_nodash", "prev_ds", "next_ds"].contains($0) }
                return interval.isEmpty ? "\(task.name): full (the query does not use the run's interval)"
                    : "\(task.name): incremental (the query reads \(interval.map { "`{{ \($0) }}`" }.joined(separator: ", ")))"
            case .file(let path, _, _):
                return path.contains("{{") ? "\(task.name): incremental (one file per interval: `\(path)`)" : "\(task.name): full (the whole file `\(path)`)"
            }
        }
    }

    /// Every transform step and check in words.
    var transformationLines: [String] {
        var lines: [String] = []
        for task in pipeline.topologicalOrder() {
            guard case .transform(let action) = task.action else { continue }
            for step in action.transform.steps { lines.append("\(task.name): " + Self.words(step)) }
        }
        return lines
    }

    static func words(_ step: Step) -> String {
        switch step {
        case .select(let names): return "keep columns \(names.joined(separator: ", "))"
        case .drop(let names): return "drop columns \(names.joined(separator: ", "))"
        case .rename(let pairs): return "rename " + pairs.map { "\($0.0) to \($0.1)" }.joined(separator: ", ")
        case .derive(let pairs): return pairs.map { "set `\($0.0)` to `\($0.1)`" }.joined(separator: "; ")
        case .filter(let text): return "keep rows where `\(text)`"
        case .cast(let pairs): return "convert " + pairs.map { "\($0.0) to \($0.1)" }.joined(separator: ", ")
        case .fillNull(let pairs): return "fill nulls: " + pairs.map { "\($0.0) with \($0.1)" }.joined(separator: ", ")
        case .bucket(let spec):
            let edges = spec.edges.map(TableShape.number)
            var text = "bucket `\(spec.column)` into `\(spec.into)` at edges \(edges.joined(separator: ", "))"
            if let labels = spec.labels { text += " as \(labels.joined(separator: ", "))" }
            return text
        case .dedupe(let keys, let last): return "keep the \(last ? "last" : "first") row per \(keys.isEmpty ? "whole row" : keys.joined(separator: ", "))"
        case .sort(let keys): return "sort by " + keys.map { $0.column + ($0.descending ? " descending" : "") }.joined(separator: ", ")
        case .limit(let n): return "keep the first \(n) rows"
        case .join(let spec): return "\(spec.kind.rawValue) join on " + spec.on.map { "\($0.0) = \($0.1)" }.joined(separator: " and ")
        case .aggregate(let spec):
            return "group by \(spec.by.isEmpty ? "nothing (one row)" : spec.by.joined(separator: ", ")), computing "
                + spec.measures.map { "\($0.name) = \($0.function.rawValue)(\($0.column ?? "*"))" }.joined(separator: ", ")
        case .union: return "append the rows of another table"
        }
    }

    /// Each load's target and strategy.
    var loadingLines: [(target: String, strategy: String)] {
        pipeline.tasks.compactMap { task -> (String, String)? in
            guard case .load(let load) = task.action else { return nil }
            switch load.destination {
            case .table(let connection, let table, let options):
                let system = pipeline.connections[connection].map { $0.hasPrefix("sqlite:") ? "SQLite" : "PostgreSQL" } ?? connection
                var strategy = options.mode.rawValue
                if !options.key.isEmpty { strategy += " on " + options.key.joined(separator: ", ") }
                if let partition = load.partition { strategy += " (partition \(partition))" }
                return ("\(system) table `\(table)` (connection `\(connection)`)", strategy)
            case .file(let path, let format):
                return ("file `\(path)`" + (format.map { " (\($0))" } ?? ""), path.contains("{{") ? "one file per interval, written atomically" : "replaced atomically")
            }
        }
    }

    /// The seed's four check kinds, ticked from the checks present, and the others.
    var qualityChecklist: [(done: Bool, label: String, detail: String)] {
        var byKind: [String: [String]] = [:]
        var order: [String] = []
        for task in pipeline.tasks {
            guard case .check(let action) = task.action else { continue }
            for check in action.suite.checks {
                if byKind[check.kind] == nil { order.append(check.kind) }
                byKind[check.kind, default: []].append(check.label + (check.severity.map { " (\($0.rawValue))" } ?? ""))
            }
        }
        var rows: [(Bool, String, String)] = []
        for (kind, label) in [("not_null", "Null checks"), ("unique", "Uniqueness checks"), ("range", "Range checks"), ("referential", "Referential integrity")] {
            rows.append((byKind[kind] != nil, label, byKind[kind]?.joined(separator: ", ") ?? "none"))
        }
        let others = order.filter { !["not_null", "unique", "range", "referential"].contains($0) }
        if !others.isEmpty { rows.append((true, "Other checks", others.flatMap { byKind[$0]! }.joined(separator: ", "))) }
        return rows
    }

    /// The seed's three alert lines, ticked from the alert rules configured (with a channel).
    var alertRows: [(done: Bool, label: String)] {
        let events = lint.alerts.channels > 0 ? lint.alerts.events : []
        return [(events.contains("failure"), "Pipeline failure"), (events.contains("quality"), "Data quality issues"),
                (events.contains("sla_miss"), "SLA breach" + (pipeline.sla.map { " (SLA \(PipelineLint.duration($0)) after the interval ends)" } ?? ""))]
    }

    /// Frequency and time of day (UTC unless the pipeline's zone says otherwise).
    public var scheduleRow: (frequency: String, time: String) {
        guard let schedule = pipeline.schedule else { return ("manual", "-") }
        let zone = pipeline.timeZone
        switch schedule {
        case "@hourly": return ("Hourly", ":00")
        case "@daily", "@midnight": return ("Daily", "00:00 \(zone)")
        case "@weekly": return ("Weekly (Sunday)", "00:00 \(zone)")
        case "@monthly": return ("Monthly (1st)", "00:00 \(zone)")
        case "@yearly", "@annually": return ("Yearly (1 January)", "00:00 \(zone)")
        default: break
        }
        let fields = schedule.split(separator: " ").map(String.init)
        guard fields.count == 5 else { return ("`\(schedule)`", zone) }
        let (minute, hour, day, month, weekday) = (fields[0], fields[1], fields[2], fields[3], fields[4])
        func two(_ s: String) -> String { s.count == 1 ? "0" + s : s }
        if Int(minute) != nil, hour == "*", day == "*", month == "*", weekday == "*" { return ("Hourly", ":\(two(minute))") }
        if Int(minute) != nil, Int(hour) != nil, month == "*" {
            let time = "\(two(hour)):\(two(minute)) \(zone)"
            if day == "*" && weekday == "*" { return ("Daily", time) }
            if day == "*" { return ("Weekly (days \(weekday))", time) }
            if weekday == "*" { return ("Monthly (day \(day))", time) }
        }
        return ("cron `\(schedule)`", zone)
    }
}
