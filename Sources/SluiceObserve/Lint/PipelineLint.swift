import SluiceCore
import SluiceFormats
import SluicePipeline
import SluiceQuality
import SluiceSQL
import SluiceSpec
import Yams

/// The seed's final checklist, checked against a pipeline spec: each line passes or
/// misses, with the reason and, for a miss, the fix.
///
/// ```swift
/// let report = PipelineLint(pipeline: try Pipeline.load(path: "pipeline.yaml"))
/// for item in report.items where !item.passed { print(item.line, item.reason, item.fix ?? "") }
/// ```
public struct PipelineLint: Sendable {
    /// One checklist line.
    public struct Item: Sendable, Equatable {
        /// `idempotent`, `error_handling`, `retries`, `data_quality`, `monitoring`, `alerts`, `documentation`, `lineage`.
        public var id: String
        /// The seed's words: "Pipeline is idempotent".
        public var line: String
        public var passed: Bool
        public var reason: String
        public var fix: String?
    }

    public var pipeline: String
    public var items: [Item] = []
    /// The alert rules and channels found (pipeline file and project file).
    public var alerts = AlertSetup()
    public var passed: Bool { items.allSatisfy(\.passed) }

    /// Alert rules and channels found in the pipeline file and its project file (`sluice.yaml`).
    public struct AlertSetup: Sendable, Equatable {
        public var events: Set<String> = []
        public var channels = 0
        public var source: String?
    }

    /// Checks `pipeline`; `project` is the project file's path (default: the nearest
    /// `sluice.yaml` at or above the pipeline's directory).
    public init(pipeline: Pipeline, project: String? = nil) {
        self.pipeline = pipeline.name
        let projectPath = project ?? Self.findProjectFile(near: pipeline.directory)
        let projectRoot = projectPath.flatMap(Self.yaml)
        let pipelineRoot = pipeline.file.flatMap(Self.yaml)
        let lineage = PipelineLineage(pipeline)
        items.append(idempotent(pipeline))
        let alerts = Self.alertSetup(pipelineRoot, source: pipeline.file).merged(Self.alertSetup(projectRoot, source: projectPath))
        self.alerts = alerts
        items.append(errorHandling(pipeline, alerts: alerts))
        items.append(retries(pipeline))
        items.append(dataQuality(pipeline, lineage: lineage))
        items.append(monitoring(pipeline))
        items.append(alertsItem(alerts))
        items.append(documentation(pipeline))
        let projectLineage = projectRoot.flatMap { Self.section($0, "lineage") }.map { node in
            ["file", "url", "console"].contains { key in node.mapping?[key] != nil && node.mapping?[key]?.string != "false" }
        } ?? false
        items.append(lineageItem(pipeline, projectHasTransport: projectLineage, projectPath: projectPath))
    }

    // MARK: - Lines

    func idempotent(_ pipeline: Pipeline) -> Item {
        var problems: [String] = [], fixes: [String] = [], ok: [String] = []
        for task in pipeline.tasks {
            switch task.action {
            case .load(let load):
                switch load.destination {
                case .table(_, let table, let options):
                    if options.mode == .append && options.key.isEmpty {
                        problems.append("task \(task.name) appends to \(table) with no key: a rerun of the same interval adds the rows again")
                        fixes.append("give task \(task.name) `mode: upsert` with `key: [...]`, or `mode: replace_partition` with `partition: day={{ ds }}`")
                    } else {
                        ok.append("\(task.name): \(options.mode.rawValue)\(options.key.isEmpty ? "" : " on " + options.key.joined(separator: ", "))")
                    }
                case .file(let path, _):
                    ok.append("\(task.name): \(path.contains("{{") ? "file per interval" : "file replaced atomically")")
                }
            case .sql(let sql):
                for statement in sql.statements {
                    let upper = statement.uppercased()
                    if upper.contains("INSERT") && !["ON CONFLICT", "DELETE", "REPLACE", "MERGE", "TRUNCATE", "DROP", "IGNORE"].contains(where: upper.contains) {
                        problems.append("task \(task.name) runs an INSERT without ON CONFLICT or a DELETE of the interval first")
                        fixes.append("make task \(task.name) delete the interval first (`DELETE … WHERE day = {{ ds }}`) or use `ON CONFLICT … DO UPDATE`")
                        break
                    }
                }
            default: break
            }
        }
        if problems.isEmpty {
            return Item(id: "idempotent", line: "Pipeline is idempotent", passed: true,
                        reason: ok.isEmpty ? "no task writes a destination" : "a rerun converges: " + ok.joined(separator: "; "))
        }
        return Item(id: "idempotent", line: "Pipeline is idempotent", passed: false, reason: problems.joined(separator: "; "), fix: fixes.joined(separator: "; "))
    }

    func errorHandling(_ pipeline: Pipeline, alerts: AlertSetup) -> Item {
        let untimed = pipeline.tasks.filter { ($0.settings ?? TaskSettings()).merged(over: pipeline.defaults).timeout == nil }.map(\.name)
        let cleanUp = pipeline.tasks.filter { $0.triggerRule == .allDone }.map(\.name)
        let alertsOnFailure = alerts.events.contains("failure") && alerts.channels > 0
        var problems: [String] = [], fixes: [String] = []
        if !untimed.isEmpty {
            problems.append("no timeout on \(untimed.joined(separator: ", ")): a hung source blocks the run forever")
            fixes.append("set `defaults: { timeout: 30m }` (or `timeout:` on each task)")
        }
        if !alertsOnFailure && cleanUp.isEmpty {
            problems.append("a failure is neither alerted nor handled by a clean-up task")
            fixes.append("add `alerts: { on: [failure], webhook: \"${ALERT_WEBHOOK_URL}\" }` (pipeline or sluice.yaml) or a task with `trigger_rule: all_done`")
        }
        if problems.isEmpty {
            var reason = "every task has a timeout"
            reason += alertsOnFailure ? "; failures alert (\(alerts.source ?? "alerts"))" : "; clean-up task \(cleanUp.joined(separator: ", ")) runs on failure"
            return Item(id: "error_handling", line: "Error handling comprehensive", passed: true, reason: reason)
        }
        return Item(id: "error_handling", line: "Error handling comprehensive", passed: false, reason: problems.joined(separator: "; "), fix: fixes.joined(separator: "; "))
    }

    func retries(_ pipeline: Pipeline) -> Item {
        var networked: [String] = [], unretried: [String] = []
        for task in pipeline.tasks {
            let remote = task.connectionNames.contains { name in
                guard let url = pipeline.connections[name] else { return false }
                return !url.hasPrefix("sqlite:")
            }
            let shellNetwork: Bool = { if case .shell(let s) = task.action { return ["curl", "wget", "http", "ssh", "scp", "aws ", "gsutil"].contains(where: s.command.contains) } else { return false } }()
            guard remote || shellNetwork else { continue }
            networked.append(task.name)
            if ((task.settings ?? TaskSettings()).merged(over: pipeline.defaults).retries ?? 0) < 1 { unretried.append(task.name) }
        }
        if !unretried.isEmpty {
            return Item(id: "retries", line: "Retry logic implemented", passed: false,
                        reason: "\(unretried.joined(separator: ", ")) reach\(unretried.count == 1 ? "es" : "") the network with no retries",
                        fix: "set `defaults: { retries: 3, retry_delay: 5m, retry_backoff: exponential }`")
        }
        let retries = pipeline.defaults.retries ?? 0
        if networked.isEmpty {
            return Item(id: "retries", line: "Retry logic implemented", passed: true,
                        reason: "no task reaches a network (SQLite and files)" + (retries > 0 ? "; tasks retry \(retries) times anyway" : ""))
        }
        return Item(id: "retries", line: "Retry logic implemented", passed: true,
                    reason: "network tasks \(networked.joined(separator: ", ")) retry (transient errors only, with backoff)")
    }

    func dataQuality(_ pipeline: Pipeline, lineage: PipelineLineage) -> Item {
        var problems: [String] = [], fixes: [String] = [], notes: [String] = []
        let checkTasks = pipeline.tasks.filter { if case .check = $0.action { true } else { false } }
        for task in pipeline.tasks {
            guard case .load = task.action else { continue }
            let gates = checkTasks.filter { pipeline.ancestors(of: task).contains($0.name) }
            guard !gates.isEmpty else {
                problems.append("load \(task.name) has no check task before it")
                fixes.append("add a `check:` task between the transform and \(task.name) (after: [transform]) and make \(task.name) run after it")
                continue
            }
            var kinds = Set<String>()
            for gate in gates { if case .check(let c) = gate.action { kinds.formUnion(c.suite.checks.map(\.kind)) } }
            let columns = lineage.job(task.name)?.outputs.first.flatMap { lineage.dataset($0)?.shape } ?? TableShape()
            var required: [(String, String)] = [("not_null", "null checks"), ("unique", "uniqueness checks")]
            let key: [String] = { if case .load(let l) = task.action, case .table(_, _, let o) = l.destination { return o.key } else { return [] } }()
            if columns.columns.contains(where: { $0.type == .int64 || $0.type == .float64 || $0.inputs.contains { $0.transformation.subtype == .aggregation } }) {
                required.append(("range", "range checks"))
            }
            if columns.columns.contains(where: { $0.name.hasSuffix("_id") && !key.contains($0.name) }) {
                required.append(("referential", "referential integrity"))
            }
            let missing = required.filter { !kinds.contains($0.0) }
            if missing.isEmpty {
                notes.append("\(task.name) is gated by \(gates.map(\.name).joined(separator: ", ")) (\(required.map(\.1).joined(separator: ", ")))")
            } else {
                problems.append("the gate before \(task.name) has no \(missing.map(\.1).joined(separator: ", "))")
                fixes.append("add " + missing.map { "`- \($0.0): …`" }.joined(separator: ", ") + " to \(gates[0].name)'s checks")
            }
        }
        if problems.isEmpty {
            return Item(id: "data_quality", line: "Data quality checks in place", passed: true,
                        reason: notes.isEmpty ? "no task loads a destination" : notes.joined(separator: "; "))
        }
        return Item(id: "data_quality", line: "Data quality checks in place", passed: false, reason: problems.joined(separator: "; "), fix: fixes.joined(separator: "; "))
    }

    func monitoring(_ pipeline: Pipeline) -> Item {
        guard let sla = pipeline.sla else {
            return Item(id: "monitoring", line: "Monitoring configured", passed: false,
                        reason: "no `sla:`: row counts, durations and errors are recorded, but a late run is never noticed",
                        fix: "add `sla: 2h` (a run not done 2 h after its interval ends is an SLA miss, a metric and an alert)")
        }
        return Item(id: "monitoring", line: "Monitoring configured", passed: true,
                    reason: "every run records row counts, durations and errors (state store, metrics); SLA \(Self.duration(sla))")
    }

    func alertsItem(_ alerts: AlertSetup) -> Item {
        var missing: [String] = []
        if !alerts.events.contains("failure") { missing.append("failure") }
        if !alerts.events.contains("quality") { missing.append("quality") }
        if missing.isEmpty, alerts.channels > 0 {
            return Item(id: "alerts", line: "Alerts set up", passed: true,
                        reason: "rules on \(alerts.events.sorted().joined(separator: ", ")) with \(alerts.channels) channel\(alerts.channels == 1 ? "" : "s") (\(alerts.source ?? ""))")
        }
        let reason = alerts.channels == 0 ? "no alert channel" + (alerts.events.isEmpty ? " and no rules" : "") : "no rule on \(missing.joined(separator: ", "))"
        return Item(id: "alerts", line: "Alerts set up", passed: false, reason: reason,
                    fix: "add `alerts: { on: [failure, quality, sla_miss], webhook: \"${ALERT_WEBHOOK_URL}\" }` to the pipeline or to sluice.yaml")
    }

    func documentation(_ pipeline: Pipeline) -> Item {
        var missing: [String] = []
        if (pipeline.description ?? "").isEmpty { missing.append("the pipeline's `description:`") }
        if (pipeline.owner ?? "").isEmpty { missing.append("the pipeline's `owner:`") }
        let undocumented = pipeline.tasks.filter { ($0.description ?? "").isEmpty }.map(\.name)
        if !undocumented.isEmpty { missing.append("a `description:` on task\(undocumented.count == 1 ? "" : "s") \(undocumented.joined(separator: ", "))") }
        if missing.isEmpty {
            return Item(id: "documentation", line: "Documentation complete", passed: true,
                        reason: "description, owner and every task described; `sluice docs` writes the design document")
        }
        return Item(id: "documentation", line: "Documentation complete", passed: false, reason: "missing " + missing.joined(separator: ", "),
                    fix: "add " + missing.joined(separator: ", "))
    }

    func lineageItem(_ pipeline: Pipeline, projectHasTransport: Bool, projectPath: String?) -> Item {
        if let settings = pipeline.lineage, settings.hasTransport {
            let where_ = [settings.file.map { "file \($0)" }, settings.url.map { _ in "HTTP endpoint" }, settings.console == true ? "console" : nil].compactMap { $0 }
            return Item(id: "lineage", line: "Lineage tracked", passed: true, reason: "OpenLineage events go to " + where_.joined(separator: ", "))
        }
        if projectHasTransport {
            return Item(id: "lineage", line: "Lineage tracked", passed: true, reason: "OpenLineage events configured in \(projectPath ?? "sluice.yaml")")
        }
        return Item(id: "lineage", line: "Lineage tracked", passed: false, reason: "no lineage transport: runs leave no OpenLineage events",
                    fix: "add `lineage: { file: .sluice/lineage.jsonl }` (or `url: http://marquez:5000/api/v1/lineage`)")
    }

    // MARK: - Reading

    /// The composed YAML of a file, or nil.
    public static func yaml(_ path: String) -> Node? {
        guard let bytes = try? FileByteSource.readAll(path: path) else { return nil }
        return try? SpecDocument.compose(String(decoding: bytes, as: UTF8.self), file: path)
    }

    static func section(_ root: Node, _ key: String) -> Node? { root.mapping?[key] }

    /// Rules and channels of an `alerts:` section, short form (`on:` plus channel keys) or
    /// long form (`channels:` and `rules:`).
    static func alertSetup(_ root: Node?, source: String?) -> AlertSetup {
        var setup = AlertSetup()
        guard let root, let alerts = section(root, "alerts"), let mapping = alerts.mapping else { return setup }
        setup.source = source
        func events(_ node: Node?) -> [String] {
            guard let node else { return [] }
            if let list = node.sequence { return list.compactMap(\.string) }
            return node.string.map { [$0] } ?? []
        }
        let channelKinds = ["webhook", "slack", "alertmanager", "email", "command"]
        if let channels = mapping["channels"]?.mapping { setup.channels = channels.count }
        setup.channels += channelKinds.filter { mapping[$0] != nil }.count
        setup.events.formUnion(events(mapping["on"]))
        for rule in mapping["rules"]?.sequence ?? [] {   // `- failure` or `- { on: quality, severity: error }`
            if let name = rule.string { setup.events.insert(name) } else { setup.events.formUnion(events(rule.mapping?["on"])) }
        }
        return setup
    }

    /// The nearest `sluice.yaml` at or above `directory`.
    public static func findProjectFile(near directory: String) -> String? {
        var current = absolutePath(".", base: directory)
        while true {
            let candidate = (current == "/" ? "" : current) + "/sluice.yaml"
            if (try? FileByteSource.readAll(path: candidate)) != nil { return candidate }
            guard current != "/", let slash = current.lastIndex(of: "/") else { return nil }
            current = slash == current.startIndex ? "/" : String(current[..<slash])
        }
    }

    static func duration(_ micros: Int64) -> String {
        let seconds = micros / 1_000_000
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}

extension PipelineLint.AlertSetup {
    func merged(_ other: PipelineLint.AlertSetup) -> PipelineLint.AlertSetup {
        var result = self
        result.events.formUnion(other.events)
        result.channels += other.channels
        result.source = [source, other.source].compactMap { $0 }.joined(separator: " and ")
        if result.source?.isEmpty == true { result.source = nil }
        return result
    }
}

extension PipelineLint {
    /// The checklist as text: `[x] Pipeline is idempotent — reason` and `fix:` lines for misses.
    public func text() -> String {
        var out = "\(pipeline): \(items.filter(\.passed).count)/\(items.count) checklist lines pass\n"
        for item in items {
            out += "[\(item.passed ? "x" : " ")] \(item.line) — \(item.reason)\n"
            if let fix = item.fix, !item.passed { out += "      fix: \(fix)\n" }
        }
        return out
    }

    public func json() -> JSONValue {
        .object([("pipeline", .string(pipeline)), ("passed", .bool(passed)),
                 ("items", .array(items.map { item in
                     var pairs: [(String, JSONValue)] = [("id", .string(item.id)), ("line", .string(item.line)), ("passed", .bool(item.passed)),
                                                         ("reason", .string(item.reason))]
                     pairs.append(("fix", item.fix.map(JSONValue.string) ?? .null))
                     return .object(pairs)
                 }))])
    }
}
