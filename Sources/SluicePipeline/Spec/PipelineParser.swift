import SluiceCore
import SluiceFormats
import SluiceQuality
import SluiceSQL
import SluiceSpec
import SluiceTransform
import Yams

extension Pipeline {
    /// Reads, parses and validates a pipeline file.
    ///
    /// - Throws: ``PipelineError`` located `file:line:column`, with "did you mean" for
    ///   unknown keys and the cycle spelled out for circular dependencies; every problem
    ///   of the file is listed in ``PipelineError/diagnostics``.
    public static func load(path: String) throws -> Pipeline {
        let text: String
        do { text = try readTextFile(path) } catch let error as FormatError {
            throw PipelineError(.invalidSpec, file: path, message: error.message, hint: error.hint)
        }
        return try parse(text, file: path)
    }

    /// Parses and validates pipeline YAML; relative paths resolve against `file`'s directory.
    public static func parse(_ text: String, file: String) throws -> Pipeline {
        let root = try SpecDocument.composeRoot(text, file: file, ifEmpty: "the pipeline file is empty",
                                                hint: "start with `pipeline: NAME` and a `tasks:` mapping") { PipelineError($0) }
        let directory = file.contains("/") ? String(file[..<file.lastIndex(of: "/")!]) : "."
        let parser = PipelineParser(file: file, directory: directory, text: text)
        let parsed = parser.pipeline(root)
        guard var pipeline = parsed, !parser.reader.hasProblems else {
            throw PipelineError(diagnostics: parser.reader.diagnostics)
        }
        pipeline.file = file
        pipeline.directory = directory
        try pipeline.validate()
        return pipeline
    }
}

extension PipelineError {
    /// A spec problem as a pipeline error.
    init(_ diagnostic: SpecDiagnostic) {
        self.init(.invalidSpec, file: diagnostic.file, line: diagnostic.line, column: diagnostic.column,
                  message: diagnostic.message, hint: diagnostic.hint)
    }

    /// Every problem of a spec: the first one found is the error's own message and
    /// location (so matching on it is stable); ``diagnostics`` holds them all, sorted by location.
    init(diagnostics: [SpecDiagnostic]) {
        self.init(diagnostics[0])
        self.diagnostics = diagnostics.count > 1 ? diagnostics.sorted(by: SpecDiagnostic.byLocation) : []
    }
}

/// Reads a whole text file through SluiceFormats' byte source (errors name the file).
func readTextFile(_ path: String) throws -> String {
    String(decoding: try FileByteSource.readAll(path: path), as: UTF8.self)
}

/// Turns the YAML tree into a ``Pipeline``, collecting every problem with its position.
struct PipelineParser {
    let file: String
    let directory: String
    let text: String
    let reader: SpecReader

    init(file: String, directory: String, text: String) {
        self.file = file
        self.directory = directory
        self.text = text
        reader = SpecReader(file: file)
    }

    func fail(_ node: Node?, _ message: String, hint: String? = nil) {
        reader.report(.invalidValue, at: node, message, hint: hint)
    }

    /// A duration in µs.
    func duration(_ node: Node, _ what: String, minimum: Double = 0) -> Int64? {
        reader.duration(node, what, minimum: minimum).map { Int64(($0 * 1_000_000).rounded()) }
    }

    func pipeline(_ root: Node) -> Pipeline? {
        var pipeline = Pipeline(name: "")
        var sawName = false, sawTasks = false
        guard let pairs = reader.mapping(root, "the pipeline", allowed: Pipeline.topKeys) else { return nil }
        for (key, _, value) in pairs {
            switch key {
            case "pipeline":
                sawName = true
                guard let name = reader.string(value, "pipeline") else { continue }
                pipeline.name = name
                // Like a task name: it names directories (.sluice/artifacts/<pipeline>/), so no `.`, `/` or NUL.
                guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "_-".contains($0) }) else {
                    fail(value, "pipeline name \(quotedForMessage(name)) must be letters, digits, _ or -")
                    continue
                }
            case "description": pipeline.description = reader.string(value, "description")
            case "owner": pipeline.owner = reader.string(value, "owner")
            case "schedule":
                guard let text = reader.string(value, "schedule") else { continue }
                do { _ = try PipelineSchedule(text, timeZone: "UTC") } catch let error as PipelineError {
                    fail(value, error.message, hint: error.hint)
                    continue
                } catch { fail(value, "\(error)"); continue }
                pipeline.schedule = text
            case "timezone":
                guard let zone = reader.string(value, "timezone") else { continue }
                do { _ = try PipelineSchedule(nil, timeZone: zone) } catch let error as PipelineError {
                    fail(value, error.message, hint: error.hint)
                    continue
                } catch { fail(value, "\(error)"); continue }
                pipeline.timeZone = zone
            case "start_date":
                guard let text = reader.string(value, "start_date") else { continue }
                guard let instant = parseInstant(text) else {
                    fail(value, "start_date must be a date (2024-01-01) or a timestamp, found \(quotedForMessage(text))")
                    continue
                }
                pipeline.startDate = instant
            case "catchup": pipeline.catchup = reader.bool(value, "catchup") ?? pipeline.catchup
            case "depends_on_past": pipeline.dependsOnPast = reader.bool(value, "depends_on_past") ?? pipeline.dependsOnPast
            case "max_active_runs": pipeline.maxActiveRuns = reader.integer(value, "max_active_runs", in: 1...10_000) ?? pipeline.maxActiveRuns
            case "max_parallel_tasks": pipeline.maxParallelTasks = reader.integer(value, "max_parallel_tasks", in: 1...10_000) ?? pipeline.maxParallelTasks
            case "sla": pipeline.sla = duration(value, "sla")
            case "params": pipeline.params = reader.stringMap(value, "params") ?? [:]
            case "connections": pipeline.connections = reader.stringMap(value, "connections") ?? [:]
            case "lineage": pipeline.lineage = lineageSettings(value)
            case "defaults": pipeline.defaults = settings(value, "defaults", allowed: Pipeline.settingKeys)
            case "tasks":
                sawTasks = true
                guard case .mapping(let mapping) = value else {
                    fail(value, "tasks must be a mapping of task name to task, found \(reader.describe(value))",
                         hint: "tasks:\n    extract:\n      extract: { connection: source, query: SELECT ... }")
                    continue
                }
                for (nameNode, taskNode) in mapping {
                    guard let name = reader.string(nameNode, "a task name") else { continue }
                    if let task = task(name: name, nameNode: nameNode, taskNode) { pipeline.tasks.append(task) }
                }
            default: break
            }
        }
        if !sawName { fail(root, "the pipeline has no `pipeline:` name", hint: "add `pipeline: my_pipeline` at the top") }
        if !sawTasks { fail(root, "the pipeline has no `tasks:`") }
        return pipeline
    }

    func settings(_ node: Node, _ what: String, allowed: [String]) -> TaskSettings {
        var settings = TaskSettings()
        for (key, _, value) in reader.mapping(node, what, allowed: allowed) ?? [] {
            apply(setting: key, value, to: &settings)
        }
        return settings
    }

    func apply(setting key: String, _ value: Node, to settings: inout TaskSettings) {
        switch key {
        case "retries": settings.retries = reader.integer(value, "retries", in: 0...1000)
        case "retry_delay": settings.retryDelay = duration(value, "retry_delay")
        case "max_retry_delay": settings.maxRetryDelay = duration(value, "max_retry_delay")
        case "timeout": settings.timeout = duration(value, "timeout", minimum: 0.000_001)
        case "retry_jitter": settings.retryJitter = reader.bool(value, "retry_jitter")
        case "retry_backoff": settings.retryBackoff = reader.choice(value, "retry_backoff", as: RetryBackoff.self)
        default: break
        }
    }

    func task(name: String, nameNode: Node, _ node: Node) -> PipelineTask? {
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || "_-".contains($0) }), !name.isEmpty else {
            fail(nameNode, "task name \(quotedForMessage(name)) must be letters, digits, _ or -")
            return nil
        }
        guard case .mapping(let mapping) = node else {
            fail(node, "task \"\(name)\" must be a mapping with one of \(Pipeline.kinds.joined(separator: ", "))",
                 hint: "e.g. \(name):\n      shell: echo hello")
            return nil
        }
        var kindPair: (String, Node, Node)?
        var settings = TaskSettings(), sawSettings = false
        var upstream: [String] = [], input: String?, trigger = TriggerRule.allSuccess, description: String?
        for (keyNode, value) in mapping {
            guard let key = reader.string(keyNode, "a key") else { continue }
            if Pipeline.kinds.contains(key) {
                if let (other, _, _) = kindPair {
                    fail(keyNode, "task \"\(name)\" has two kinds, `\(other)` and `\(key)`", hint: "split it into two tasks")
                    continue
                }
                kindPair = (key, keyNode, value)
                continue
            }
            guard Pipeline.taskKeys.contains(key) else {
                let all = Pipeline.kinds + Pipeline.taskKeys
                reader.report(.unknownKey, at: keyNode, "unknown key \(quotedForMessage(key)) in task \"\(name)\"",
                              hint: suggestion(for: key, among: all).map { "did you mean `\($0)`?" } ?? "keys: \(all.joined(separator: ", "))")
                continue
            }
            switch key {
            case "after":
                if case .scalar(let s) = value, s.string.isEmpty { break }
                upstream = reader.strings(value, "after") ?? []
            case "input": input = reader.string(value, "input")
            case "description": description = reader.string(value, "description")
            case "trigger_rule": trigger = reader.choice(value, "trigger_rule", as: TriggerRule.self) ?? trigger
            case "on_failure", "on_success": break   // callbacks: read by SluiceObserve from the file
            default:
                apply(setting: key, value, to: &settings)
                sawSettings = true
            }
        }
        guard let (kind, kindNode, body) = kindPair else {
            fail(node, "task \"\(name)\" says nothing to do", hint: "give it one of \(Pipeline.kinds.joined(separator: ", "))")
            return nil
        }
        guard let action = action(kind, keyNode: kindNode, body, task: name) else { return nil }
        var task = PipelineTask(name: name, action: action)
        task.upstream = upstream
        task.input = input
        task.settings = sawSettings ? settings : nil
        task.triggerRule = trigger
        task.description = description
        task.line = nameNode.mark?.line ?? 0
        task.column = nameNode.mark?.column ?? 0
        return task
    }

    func action(_ kind: String, keyNode: Node, _ body: Node, task: String) -> TaskAction? {
        let what = "\(kind) of task \"\(task)\""
        switch kind {
        case "extract":
            var connection: String?, query: String?, path: String?, format: String?, schema: String?, filter: String?
            var queryNode: Node?
            for (key, _, value) in reader.mapping(body, what, allowed: Pipeline.extractSection.names) ?? [] {
                switch key {
                case "connection": connection = reader.string(value, "connection")
                case "query": query = reader.string(value, "query"); queryNode = value
                case "query_file":
                    guard let queryPath = reader.string(value, "query_file") else { continue }
                    do { query = try readTextFile(resolve(queryPath)) } catch let error as FormatError {
                        fail(value, "cannot read query_file: \(error.message)", hint: "paths are relative to the pipeline file")
                    } catch { fail(value, "cannot read query_file: \(error)") }
                    queryNode = value
                case "file": path = reader.string(value, "file")
                case "format": format = reader.string(value, "format")
                case "schema": schema = reader.string(value, "schema")
                case "filter":
                    filter = reader.string(value, "filter")
                    if let filter { do { _ = try Expression(parsing: filter) } catch let error as ExpressionError { fail(value, "filter: \(error.message)", hint: error.hint) } catch {} }
                default: break
                }
            }
            if let path {
                guard query == nil, connection == nil else { fail(body, "\(what): give either `file:` or `connection:` with `query:`, not both"); return nil }
                if let format { do { _ = try FileFormat(name: format) } catch let error as FormatError { fail(body, error.message, hint: error.hint) } catch {} }
                if let schema { do { _ = try Schema(parsing: schema) } catch let error as CoreError { fail(body, error.message, hint: error.hint) } catch {} }
                return .extract(ExtractAction(source: .file(path: path, format: format, schema: schema), filter: filter))
            }
            guard let connection, let query else {
                fail(body, "\(what) needs `connection:` with `query:` (or `query_file:`), or `file:`",
                     hint: "extract: { connection: source, query: SELECT * FROM users }")
                return nil
            }
            if filter != nil { fail(body, "\(what): `filter:` applies to a `file:` extract; put the condition in the query's WHERE") }
            checkSQL(query, at: queryNode ?? body)
            return .extract(ExtractAction(source: .query(connection: connection, sql: query)))
        case "sql":
            var connection: String?, statements: [String] = []
            for (key, _, value) in reader.mapping(body, what, allowed: Pipeline.sqlSection.names) ?? [] {
                switch key {
                case "connection": connection = reader.string(value, "connection")
                case "statements":
                    for item in (value.sequence.map(Array.init) ?? [value]) {
                        guard let text = reader.string(item, "a statement") else { continue }
                        checkSQL(text, at: item)
                        statements.append(text)
                    }
                case "query_file":
                    guard let queryPath = reader.string(value, "query_file") else { continue }
                    do {
                        statements.append(try readTextFile(resolve(queryPath)))
                        checkSQL(statements.last!, at: value)
                    } catch let error as FormatError {
                        fail(value, "cannot read query_file: \(error.message)")
                    } catch { fail(value, "cannot read query_file: \(error)") }
                default: break
                }
            }
            guard let connection, !statements.isEmpty else {
                fail(body, "\(what) needs `connection:` and `statements:` (one statement per list item)")
                return nil
            }
            return .sql(SQLAction(connection: connection, statements: statements))
        case "transform":
            guard case .sequence = body else {
                fail(body, "\(what) must be a list of steps, found \(reader.describe(body))",
                     hint: "transform:\n        - derive: { email: \"lower(trim(email))\" }")
                return nil
            }
            // Parsed now (join/union files are read when the task runs).
            let transform: Transform
            do { transform = try Transform(parsing: body, file: file) } catch let error as TransformError where !error.diagnostics.isEmpty {
                error.diagnostics.forEach(reader.report)
                return nil
            } catch let error as TransformError {
                reader.report(SpecDiagnostic(.invalidValue, file: error.specLocation?.file ?? file, line: error.specLocation?.line ?? body.mark?.line ?? 0,
                                             column: error.specLocation?.column ?? body.mark?.column ?? 0,
                                             message: error.specLocation == nil ? Self.plain(error) : error.message, hint: error.specLocation == nil ? nil : error.hint))
                return nil
            } catch { fail(body, "\(error)"); return nil }
            return .transform(TransformAction(transform: transform))
        case "check":
            var suiteNode: [(Node, Node)] = [], failOn = Severity.error, quarantine: String?
            var suiteFile: String?
            for (key, keyNode, value) in reader.mapping(body, what, allowed: Pipeline.checkSection.names) ?? [] {
                switch key {
                case "checks", "references", "sample_rows", "name": suiteNode.append((keyNode, value))
                case "suite": suiteFile = reader.string(value, "suite").map(resolve)
                case "quarantine": quarantine = reader.string(value, "quarantine")
                case "fail_on":
                    guard let text = reader.string(value, "fail_on") else { continue }
                    guard let severity = Severity(rawValue: text) else {
                        fail(value, "fail_on must be warning, error or critical, found \(quotedForMessage(text))")
                        continue
                    }
                    failOn = severity
                default: break
                }
            }
            let suite: SuiteSpec
            do {
                if let suiteFile {
                    guard suiteNode.isEmpty else { fail(body, "\(what): give `suite:` or `checks:`, not both"); return nil }
                    suite = try SuiteSpec.load(path: suiteFile)
                } else {
                    guard !suiteNode.isEmpty else { fail(body, "\(what) needs `checks:` (a list) or `suite: checks.yaml`"); return nil }
                    let mapping = Node.mapping(Node.Mapping(suiteNode, Tag(.map), .block, body.mark))
                    suite = try SuiteSpec.parse(node: mapping, file: file, text: text)
                }
            } catch let error as QualityError {
                if error.diagnostics.isEmpty {
                    reader.report(SpecDiagnostic(.invalidValue, file: error.file ?? file, line: error.line, column: error.column,
                                                 message: error.message, hint: error.hint))
                } else {
                    error.diagnostics.forEach(reader.report)
                }
                return nil
            } catch { fail(body, "\(error)"); return nil }
            return .check(CheckAction(suite: suite, failOn: failOn, quarantine: quarantine))
        case "load":
            var connection: String?, table: String?, mode = LoadMode.append, key: [String] = [], partition: String?
            var path: String?, format: String?, onSchemaChange = SchemaChangePolicy.add, onDuplicate: (DuplicatePolicy, Node)?
            var partitionBy: [String] = [], columnLocations: [String: ErrorLocation] = [:]
            func locate(_ name: String, _ node: Node) {
                columnLocations[name] = ErrorLocation(file: reader.file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
            }
            for (k, _, value) in reader.mapping(body, what, allowed: Pipeline.loadSection.names) ?? [] {
                switch k {
                case "connection": connection = reader.string(value, "connection")
                case "table": table = reader.string(value, "table")
                case "key":
                    key = reader.strings(value, "key") ?? []
                    for (name, node) in zip(key, value.sequence.map { Array($0) } ?? [value]) { locate("key:" + name, node) }
                case "partition":
                    partition = reader.string(value, "partition")
                    locate("partition", value)
                case "partition_by": partitionBy = reader.strings(value, "partition_by") ?? []
                case "file": path = reader.string(value, "file")
                case "format": format = reader.string(value, "format")
                case "mode":
                    guard let text = reader.string(value, "mode") else { continue }
                    guard let m = LoadMode(rawValue: text) else {
                        let names = LoadMode.allCases.map(\.rawValue)
                        fail(value, "unknown load mode \(quotedForMessage(text))",
                             hint: suggestion(for: text, among: names).map { "did you mean `\($0)`?" } ?? "one of \(names.joined(separator: ", "))")
                        continue
                    }
                    mode = m
                case "on_schema_change":
                    guard let text = reader.string(value, "on_schema_change") else { continue }
                    guard let policy = SchemaChangePolicy(rawValue: text) else { fail(value, "on_schema_change must be add or fail"); continue }
                    onSchemaChange = policy
                case "on_duplicate":
                    guard let text = reader.string(value, "on_duplicate") else { continue }
                    guard let policy = DuplicatePolicy(rawValue: text) else {
                        let names = DuplicatePolicy.allCases.map(\.rawValue)
                        fail(value, "on_duplicate must be one of \(names.joined(separator: ", ")), not \(quotedForMessage(text))",
                             hint: suggestion(for: text, among: names).map { "did you mean `\($0)`?" })
                        continue
                    }
                    onDuplicate = (policy, value)
                default: break
                }
            }
            if let path {
                guard connection == nil, table == nil else { fail(body, "\(what): give `file:` or `connection:` with `table:`, not both"); return nil }
                if !partitionBy.isEmpty, let format, format != "parquet" {
                    fail(body, "\(what): `partition_by:` writes a Parquet dataset, not \(format)", hint: "drop `format:` or write `format: parquet`")
                }
                return .load(LoadAction(destination: .file(path: path, format: format), partition: nil, partitionBy: partitionBy))
            }
            guard let connection, let table else {
                fail(body, "\(what) needs `connection:` and `table:` (or `file:`)",
                     hint: "load: { connection: warehouse, table: user_analytics, mode: upsert, key: [id] }")
                return nil
            }
            if mode == .upsert, key.isEmpty { fail(body, "\(what): mode upsert needs `key:` (the columns that identify a row)"); return nil }
            if mode == .replacePartition {
                guard let partition, partition.contains("=") else {
                    fail(body, "\(what): mode replace_partition needs `partition: column={{ ds }}`")
                    return nil
                }
            }
            if let (_, node) = onDuplicate, key.isEmpty {
                fail(node, "\(what): on_duplicate needs `key:` (the columns whose repeats it handles)"); return nil
            }
            if !partitionBy.isEmpty { fail(body, "\(what): `partition_by:` applies to a `file:` load; a table load replaces a partition with `mode: replace_partition`") }
            var options = LoadOptions(mode: mode, key: key, partition: nil, onSchemaChange: onSchemaChange)
            options.onDuplicate = onDuplicate?.0 ?? .error
            var load = LoadAction(destination: .table(connection: connection, table: table, options: options), partition: partition)
            load.columnLocations = columnLocations
            return .load(load)
        case "shell":
            if case .scalar = body { return reader.string(body, "shell").map { .shell(ShellAction(command: $0)) } }
            var command: String?, environment: [String: String] = [:]
            for (key, _, value) in reader.mapping(body, what, allowed: Pipeline.shellSection.names) ?? [] {
                if key == "command" { command = reader.string(value, "command") } else { environment = reader.stringMap(value, "env") ?? [:] }
            }
            guard let command else { fail(body, "\(what) needs `command:`"); return nil }
            return .shell(ShellAction(command: command, environment: environment))
        default:
            fail(keyNode, "unknown task kind \(kind)")
            return nil
        }
    }

    /// The text of a step error that carries no place of its own (an expression's caret lines included).
    static func plain(_ error: TransformError) -> String {
        let text = error.description
        return text.hasPrefix("error: ") ? String(text.dropFirst(7)) : text
    }

    func resolve(_ path: String) -> String {
        path.hasPrefix("/") || directory == "." ? path : directory + "/" + path
    }

    /// Parses a SQL template now so `{{ }}` mistakes are reported with the pipeline's location.
    func checkSQL(_ text: String, at node: Node) {
        let template: SQLTemplate
        do { template = try SQLTemplate(text) } catch let error as SQLError {
            fail(node, error.message, hint: error.hint)
            return
        } catch { fail(node, "\(error)"); return }
        for name in template.parameterNames where !RunVariables.isKnown(name) {
            fail(node, "unknown template value {{ \(name) }}",
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
