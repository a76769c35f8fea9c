import SluiceCore
import SluiceFormats
import SluiceQuality
import SluiceSQL
import SluiceTransform
import Yams

extension Pipeline {
    /// Top-level keys of a pipeline file.
    static let topKeys = ["pipeline", "description", "owner", "schedule", "timezone", "start_date", "catchup",
                          "max_active_runs", "max_parallel_tasks", "depends_on_past", "sla", "params", "defaults",
                          "connections", "tasks", "lineage"]
    /// Keys every task may have besides its kind.
    static let taskKeys = ["after", "input", "description", "trigger_rule"] + settingKeys
    static let settingKeys = ["retries", "retry_delay", "retry_backoff", "max_retry_delay", "retry_jitter", "timeout"]
    static let kinds = ["extract", "sql", "transform", "check", "load", "shell"]

    /// Reads, parses and validates a pipeline file.
    ///
    /// - Throws: ``PipelineError`` located `file:line:column`, with "did you mean" for
    ///   unknown keys and the cycle spelled out for circular dependencies.
    public static func load(path: String) throws -> Pipeline {
        let text: String
        do { text = try readTextFile(path) } catch let error as FormatError {
            throw PipelineError(.invalidSpec, file: path, message: error.message, hint: error.hint)
        }
        return try parse(text, file: path)
    }

    /// Parses and validates pipeline YAML; relative paths resolve against `file`'s directory.
    public static func parse(_ text: String, file: String) throws -> Pipeline {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw PipelineError(.invalidSpec, file: file, line: 1, column: 1, message: "the pipeline file is empty",
                                    hint: "start with `pipeline: NAME` and a `tasks:` mapping")
            }
            root = node
        } catch let error as YamlError {
            throw PipelineError(.invalidSpec, file: file, message: "invalid YAML: \(error)")
        }
        let directory = file.contains("/") ? String(file[..<file.lastIndex(of: "/")!]) : "."
        var pipeline: Pipeline
        do {
            pipeline = try PipelineParser(file: file, directory: directory, text: text).pipeline(root)
        } catch let error as QualityError {
            throw PipelineError(.invalidSpec, file: error.file ?? file, line: error.line, column: error.column,
                                message: error.message, hint: error.hint)
        } catch let error as TransformError {
            throw PipelineError(.invalidSpec, file: file, message: error.message, hint: error.hint)
        }
        pipeline.file = file
        pipeline.directory = directory
        try pipeline.validate()
        return pipeline
    }
}

/// Reads a whole text file through SluiceFormats' byte source (errors name the file).
func readTextFile(_ path: String) throws -> String {
    String(decoding: try FileByteSource.readAll(path: path), as: UTF8.self)
}

/// Turns the YAML tree into a ``Pipeline``, reporting positions.
struct PipelineParser {
    let file: String
    let directory: String
    let text: String
    var reader: YAMLReader { YAMLReader(file: file) }

    func fail(_ node: Node?, _ message: String, hint: String? = nil) -> PipelineError {
        PipelineError(.invalidSpec, file: file, line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0,
                      message: message, hint: hint)
    }

    func duration(_ node: Node, _ what: String) throws -> Int64 {
        let text = try reader.string(node, what)
        guard let seconds = parseDuration(text) else {
            throw fail(node, "\(what) must be a duration such as 90s, 5m, 2h or 1d, found \"\(text)\"")
        }
        return Int64((seconds * 1_000_000).rounded())
    }

    func pipeline(_ root: Node) throws -> Pipeline {
        var pipeline = Pipeline(name: "")
        var sawName = false, sawTasks = false
        for (key, _, value) in try reader.mapping(root, "the pipeline", allowed: Pipeline.topKeys) {
            switch key {
            case "pipeline":
                pipeline.name = try reader.string(value, "pipeline")
                // Like a task name: it names directories (.sluice/artifacts/<pipeline>/), so no `.`, `/` or NUL.
                guard !pipeline.name.isEmpty, pipeline.name.allSatisfy({ $0.isLetter || $0.isNumber || "_-".contains($0) }) else {
                    throw fail(value, "pipeline name \"\(pipeline.name)\" must be letters, digits, _ or -")
                }
                sawName = true
            case "description": pipeline.description = try reader.string(value, "description")
            case "owner": pipeline.owner = try reader.string(value, "owner")
            case "schedule":
                let text = try reader.string(value, "schedule")
                do { _ = try PipelineSchedule(text, timeZone: "UTC") } catch let error as PipelineError {
                    throw fail(value, error.message, hint: error.hint)
                }
                pipeline.schedule = text
            case "timezone":
                pipeline.timeZone = try reader.string(value, "timezone")
                do { _ = try PipelineSchedule(nil, timeZone: pipeline.timeZone) } catch let error as PipelineError {
                    throw fail(value, error.message, hint: error.hint)
                }
            case "start_date":
                let text = try reader.string(value, "start_date")
                guard let instant = parseInstant(text) else {
                    throw fail(value, "start_date must be a date (2024-01-01) or a timestamp, found \"\(text)\"")
                }
                pipeline.startDate = instant
            case "catchup": pipeline.catchup = try reader.bool(value, "catchup")
            case "depends_on_past": pipeline.dependsOnPast = try reader.bool(value, "depends_on_past")
            case "max_active_runs": pipeline.maxActiveRuns = try positive(value, "max_active_runs")
            case "max_parallel_tasks": pipeline.maxParallelTasks = try positive(value, "max_parallel_tasks")
            case "sla": pipeline.sla = try duration(value, "sla")
            case "params": pipeline.params = try stringMap(value, "params")
            case "connections": pipeline.connections = try stringMap(value, "connections")
            case "lineage": pipeline.lineage = try lineageSettings(value)
            case "defaults": pipeline.defaults = try settings(value, "defaults", allowed: Pipeline.settingKeys)
            case "tasks":
                sawTasks = true
                guard case .mapping(let mapping) = value else {
                    throw fail(value, "tasks must be a mapping of task name to task, found \(reader.describe(value))",
                               hint: "tasks:\n    extract:\n      extract: { connection: source, query: SELECT ... }")
                }
                for (nameNode, taskNode) in mapping {
                    pipeline.tasks.append(try task(name: try reader.string(nameNode, "a task name"), nameNode: nameNode, taskNode))
                }
            default: break
            }
        }
        guard sawName else { throw fail(root, "the pipeline has no `pipeline:` name", hint: "add `pipeline: my_pipeline` at the top") }
        guard sawTasks else { throw fail(root, "the pipeline has no `tasks:`") }
        return pipeline
    }

    func positive(_ node: Node, _ what: String) throws -> Int {
        let n = try reader.integer(node, what)
        guard n >= 1 else { throw fail(node, "\(what) must be 1 or more") }
        return n
    }

    func stringMap(_ node: Node, _ what: String) throws -> [String: String] {
        guard case .mapping(let mapping) = node else {
            throw fail(node, "\(what) must be a mapping of name: value, found \(reader.describe(node))")
        }
        var result: [String: String] = [:]
        for (k, v) in mapping {
            let name = try reader.string(k, "a name in \(what)")
            guard case .scalar(let s) = v else { throw fail(v, "\(what).\(name) must be a single value, found \(reader.describe(v))") }
            result[name] = s.string
        }
        return result
    }

    func settings(_ node: Node, _ what: String, allowed: [String]) throws -> TaskSettings {
        var settings = TaskSettings()
        for (key, _, value) in try reader.mapping(node, what, allowed: allowed) {
            try apply(setting: key, value, to: &settings)
        }
        return settings
    }

    func apply(setting key: String, _ value: Node, to settings: inout TaskSettings) throws {
        switch key {
        case "retries":
            let n = try reader.integer(value, "retries")
            guard n >= 0 else { throw fail(value, "retries must be 0 or more") }
            settings.retries = n
        case "retry_delay": settings.retryDelay = try duration(value, "retry_delay")
        case "max_retry_delay": settings.maxRetryDelay = try duration(value, "max_retry_delay")
        case "timeout":
            settings.timeout = try duration(value, "timeout")
            guard settings.timeout! > 0 else { throw fail(value, "timeout must be more than 0") }
        case "retry_jitter": settings.retryJitter = try reader.bool(value, "retry_jitter")
        case "retry_backoff":
            let text = try reader.string(value, "retry_backoff")
            guard let backoff = RetryBackoff(rawValue: text) else {
                let names = RetryBackoff.allCases.map(\.rawValue)
                throw fail(value, "unknown retry_backoff \"\(text)\"",
                           hint: suggestion(for: text, among: names).map { "did you mean `\($0)`?" } ?? "one of \(names.joined(separator: ", "))")
            }
            settings.retryBackoff = backoff
        default: break
        }
    }

    func task(name: String, nameNode: Node, _ node: Node) throws -> PipelineTask {
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || "_-".contains($0) }), !name.isEmpty else {
            throw fail(nameNode, "task name \"\(name)\" must be letters, digits, _ or -")
        }
        guard case .mapping(let mapping) = node else {
            throw fail(node, "task \"\(name)\" must be a mapping with one of \(Pipeline.kinds.joined(separator: ", "))",
                       hint: "e.g. \(name):\n      shell: echo hello")
        }
        var kindPair: (String, Node, Node)?
        var settings = TaskSettings(), sawSettings = false
        var upstream: [String] = [], input: String?, trigger = TriggerRule.allSuccess, description: String?
        for (keyNode, value) in mapping {
            let key = try reader.string(keyNode, "a key")
            if Pipeline.kinds.contains(key) {
                if let (other, _, _) = kindPair {
                    throw fail(keyNode, "task \"\(name)\" has two kinds, `\(other)` and `\(key)`", hint: "split it into two tasks")
                }
                kindPair = (key, keyNode, value)
                continue
            }
            guard Pipeline.taskKeys.contains(key) else {
                let all = Pipeline.kinds + Pipeline.taskKeys
                throw fail(keyNode, "unknown key \"\(key)\" in task \"\(name)\"",
                           hint: suggestion(for: key, among: all).map { "did you mean `\($0)`?" } ?? "keys: \(all.joined(separator: ", "))")
            }
            switch key {
            case "after":
                if case .scalar(let s) = value, s.string.isEmpty { break }
                upstream = try reader.strings(value, "after")
            case "input": input = try reader.string(value, "input")
            case "description": description = try reader.string(value, "description")
            case "trigger_rule":
                let text = try reader.string(value, "trigger_rule")
                guard let rule = TriggerRule(rawValue: text) else {
                    let names = TriggerRule.allCases.map(\.rawValue)
                    throw fail(value, "unknown trigger_rule \"\(text)\"",
                               hint: suggestion(for: text, among: names).map { "did you mean `\($0)`?" } ?? "one of \(names.joined(separator: ", "))")
                }
                trigger = rule
            default:
                try apply(setting: key, value, to: &settings)
                sawSettings = true
            }
        }
        guard let (kind, kindNode, body) = kindPair else {
            throw fail(node, "task \"\(name)\" says nothing to do", hint: "give it one of \(Pipeline.kinds.joined(separator: ", "))")
        }
        var task = PipelineTask(name: name, action: try action(kind, keyNode: kindNode, body, task: name))
        task.upstream = upstream
        task.input = input
        task.settings = sawSettings ? settings : nil
        task.triggerRule = trigger
        task.description = description
        task.line = nameNode.mark?.line ?? 0
        task.column = nameNode.mark?.column ?? 0
        return task
    }

    func action(_ kind: String, keyNode: Node, _ body: Node, task: String) throws -> TaskAction {
        let what = "\(kind) of task \"\(task)\""
        switch kind {
        case "extract":
            var connection: String?, query: String?, path: String?, format: String?, schema: String?
            var queryNode: Node?
            for (key, _, value) in try reader.mapping(body, what, allowed: ["connection", "query", "query_file", "file", "format", "schema"]) {
                switch key {
                case "connection": connection = try reader.string(value, "connection")
                case "query": query = try reader.string(value, "query"); queryNode = value
                case "query_file":
                    let queryPath = try reader.string(value, "query_file")
                    do { query = try readTextFile(resolve(queryPath)) } catch let error as FormatError {
                        throw fail(value, "cannot read query_file: \(error.message)", hint: "paths are relative to the pipeline file")
                    }
                    queryNode = value
                case "file": path = try reader.string(value, "file")
                case "format": format = try reader.string(value, "format")
                case "schema": schema = try reader.string(value, "schema")
                default: break
                }
            }
            if let path {
                guard query == nil, connection == nil else { throw fail(body, "\(what): give either `file:` or `connection:` with `query:`, not both") }
                if let format { do { _ = try FileFormat(name: format) } catch let error as FormatError { throw fail(body, error.message, hint: error.hint) } }
                if let schema { do { _ = try Schema(parsing: schema) } catch let error as CoreError { throw fail(body, error.message, hint: error.hint) } }
                return .extract(ExtractAction(source: .file(path: path, format: format, schema: schema)))
            }
            guard let connection, let query else {
                throw fail(body, "\(what) needs `connection:` with `query:` (or `query_file:`), or `file:`",
                           hint: "extract: { connection: source, query: SELECT * FROM users }")
            }
            try checkSQL(query, at: queryNode ?? body)
            return .extract(ExtractAction(source: .query(connection: connection, sql: query)))
        case "sql":
            var connection: String?, statements: [String] = []
            for (key, _, value) in try reader.mapping(body, what, allowed: ["connection", "statements", "query_file"]) {
                switch key {
                case "connection": connection = try reader.string(value, "connection")
                case "statements":
                    for item in (value.sequence.map(Array.init) ?? [value]) {
                        let text = try reader.string(item, "a statement")
                        try checkSQL(text, at: item)
                        statements.append(text)
                    }
                case "query_file":
                    do { statements.append(try readTextFile(resolve(try reader.string(value, "query_file")))) } catch let error as FormatError {
                        throw fail(value, "cannot read query_file: \(error.message)")
                    }
                    try checkSQL(statements.last!, at: value)
                default: break
                }
            }
            guard let connection, !statements.isEmpty else {
                throw fail(body, "\(what) needs `connection:` and `statements:` (one statement per list item)")
            }
            return .sql(SQLAction(connection: connection, statements: statements))
        case "transform":
            guard case .sequence = body else {
                throw fail(body, "\(what) must be a list of steps, found \(reader.describe(body))",
                           hint: "transform:\n        - derive: { email: \"lower(trim(email))\" }")
            }
            // Parsed now for errors (join/union files are read when the task runs).
            _ = try Transform(node: body, file: file, loadTable: { _ in Table.empty })
            return .transform(TransformAction(steps: YAMLFragment(node: body, file: file)))
        case "check":
            var suiteNode: [(Node, Node)] = [], failOn = Severity.error, quarantine: String?
            var suiteFile: String?
            for (key, keyNode, value) in try reader.mapping(body, what, allowed: ["checks", "suite", "references", "sample_rows", "fail_on", "quarantine"]) {
                switch key {
                case "checks", "references", "sample_rows": suiteNode.append((keyNode, value))
                case "suite": suiteFile = resolve(try reader.string(value, "suite"))
                case "quarantine": quarantine = try reader.string(value, "quarantine")
                case "fail_on":
                    let text = try reader.string(value, "fail_on")
                    guard let severity = Severity(rawValue: text) else {
                        throw fail(value, "fail_on must be warning, error or critical, found \"\(text)\"")
                    }
                    failOn = severity
                default: break
                }
            }
            let suite: SuiteSpec
            if let suiteFile {
                guard suiteNode.isEmpty else { throw fail(body, "\(what): give `suite:` or `checks:`, not both") }
                suite = try SuiteSpec.load(path: suiteFile)
            } else {
                guard !suiteNode.isEmpty else { throw fail(body, "\(what) needs `checks:` (a list) or `suite: checks.yaml`") }
                let mapping = Node.mapping(Node.Mapping(suiteNode, Tag(.map), .block, body.mark))
                suite = try SuiteSpec.parse(node: mapping, file: file, text: text)
            }
            return .check(CheckAction(suite: suite, failOn: failOn, quarantine: quarantine))
        case "load":
            var connection: String?, table: String?, mode = LoadMode.append, key: [String] = [], partition: String?
            var path: String?, format: String?, onSchemaChange = SchemaChangePolicy.add
            for (k, _, value) in try reader.mapping(body, what, allowed: ["connection", "table", "mode", "key", "partition", "on_schema_change", "file", "format"]) {
                switch k {
                case "connection": connection = try reader.string(value, "connection")
                case "table": table = try reader.string(value, "table")
                case "key": key = try reader.strings(value, "key")
                case "partition": partition = try reader.string(value, "partition")
                case "file": path = try reader.string(value, "file")
                case "format": format = try reader.string(value, "format")
                case "mode":
                    let text = try reader.string(value, "mode")
                    guard let m = LoadMode(rawValue: text) else {
                        let names = LoadMode.allCases.map(\.rawValue)
                        throw fail(value, "unknown load mode \"\(text)\"",
                                   hint: suggestion(for: text, among: names).map { "did you mean `\($0)`?" } ?? "one of \(names.joined(separator: ", "))")
                    }
                    mode = m
                case "on_schema_change":
                    let text = try reader.string(value, "on_schema_change")
                    guard let policy = SchemaChangePolicy(rawValue: text) else { throw fail(value, "on_schema_change must be add or fail") }
                    onSchemaChange = policy
                default: break
                }
            }
            if let path {
                guard connection == nil, table == nil else { throw fail(body, "\(what): give `file:` or `connection:` with `table:`, not both") }
                return .load(LoadAction(destination: .file(path: path, format: format), partition: nil))
            }
            guard let connection, let table else {
                throw fail(body, "\(what) needs `connection:` and `table:` (or `file:`)",
                           hint: "load: { connection: warehouse, table: user_analytics, mode: upsert, key: [id] }")
            }
            if mode == .upsert, key.isEmpty { throw fail(body, "\(what): mode upsert needs `key:` (the columns that identify a row)") }
            if mode == .replacePartition {
                guard let partition, partition.contains("=") else {
                    throw fail(body, "\(what): mode replace_partition needs `partition: column={{ ds }}`")
                }
            }
            let options = LoadOptions(mode: mode, key: key, partition: nil, onSchemaChange: onSchemaChange)
            return .load(LoadAction(destination: .table(connection: connection, table: table, options: options), partition: partition))
        case "shell":
            if case .scalar = body { return .shell(ShellAction(command: try reader.string(body, "shell"))) }
            var command: String?, environment: [String: String] = [:]
            for (key, _, value) in try reader.mapping(body, what, allowed: ["command", "env"]) {
                if key == "command" { command = try reader.string(value, "command") } else { environment = try stringMap(value, "env") }
            }
            guard let command else { throw fail(body, "\(what) needs `command:`") }
            return .shell(ShellAction(command: command, environment: environment))
        default:
            throw fail(keyNode, "unknown task kind \(kind)")
        }
    }

    func resolve(_ path: String) -> String {
        path.hasPrefix("/") || directory == "." ? path : directory + "/" + path
    }

    /// Parses a SQL template now so `{{ }}` mistakes are reported with the pipeline's location.
    func checkSQL(_ text: String, at node: Node) throws {
        let template: SQLTemplate
        do { template = try SQLTemplate(text) } catch let error as SQLError {
            throw fail(node, error.message, hint: error.hint)
        }
        for name in template.parameterNames where !RunVariables.isKnown(name) {
            throw fail(node, "unknown template value {{ \(name) }}",
                       hint: suggestion(for: name, among: RunVariables.names).map { "did you mean {{ \($0) }}?" }
                           ?? "values: \(RunVariables.names.joined(separator: ", ")), params.NAME")
        }
    }
}

/// A date (`2024-01-01`, midnight UTC) or a timestamp, as µs since the epoch.
func parseInstant(_ text: String) -> Int64? {
    if case .date(let days)? = ScalarParser.value(text, as: .date) { return Int64(days) * 86_400_000_000 }
    if case .timestamp(let micros)? = ScalarParser.value(text, as: .timestamp) { return micros }
    return nil
}
