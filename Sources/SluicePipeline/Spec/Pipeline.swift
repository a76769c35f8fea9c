import SluiceCore
import SluiceQuality
import SluiceSQL
import SluiceTransform
import Yams

/// A batch pipeline: named tasks with dependencies, a schedule, retry defaults and
/// the connections its tasks use. Built from YAML (``Pipeline/load(path:)``) or in
/// Swift (``Pipeline/init(name:)`` and ``addTask(_:after:settings:_:)``).
///
/// ```swift
/// var pipeline = Pipeline(name: "nightly")
/// pipeline.addTask("extract") { context in
///     TaskOutput(table: try Table([("id", Column(int64: [1, 2, 3]))]))
/// }
/// pipeline.addTask("report", after: ["extract"]) { context in
///     let table = try context.input()
///     context.log("rows: \(table.rowCount)")
///     return TaskOutput(rowsIn: table.rowCount)
/// }
/// ```
public struct Pipeline: Sendable {
    public var name: String
    public var description: String?
    public var owner: String?
    /// A cron expression or `@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`; nil for manual runs only
    /// (their data interval is one day).
    public var schedule: String?
    /// The IANA zone the schedule is read in (default UTC).
    public var timeZone: String = "UTC"
    /// The first logical date (µs since the epoch, UTC) the scheduler and backfills consider.
    public var startDate: Int64?
    /// Whether the scheduler runs the intervals it missed (default false, as the seed's DAG).
    public var catchup = false
    /// Runs of this pipeline the scheduler lets run at once.
    public var maxActiveRuns = 1
    /// Tasks of one run executing at once.
    public var maxParallelTasks = 4
    /// Whether a scheduled run waits for the previous interval's run to have succeeded.
    public var dependsOnPast = false
    /// A run not finished this long (µs) after its interval ends is recorded as an SLA miss.
    public var sla: Int64?
    /// Values available to templates as `params.NAME` (overridable with `--param`).
    public var params: [String: String] = [:]
    /// Connection URLs by name; `${VAR}` is read from the environment when the run starts.
    public var connections: [String: String] = [:]
    /// Retry and timeout settings tasks inherit.
    public var defaults = TaskSettings()
    /// Where OpenLineage events go (`lineage:`); nil when not configured here.
    public var lineage: LineageSettings?
    public var tasks: [PipelineTask] = []
    /// The YAML file it came from, for locations in messages.
    public var file: String?
    /// Relative paths (files, SQLite connections, the state store) resolve against this.
    public var directory: String = "."

    public init(name: String) { self.name = name }

    /// Adds a task written in Swift: the equivalent of the seed's PythonOperator.
    ///
    /// The closure is called once per try; it should check `context.isCancelled` (or
    /// `Task.isCancelled`) in long loops so a timeout can stop it.
    public mutating func addTask(_ name: String, after upstream: [String] = [], input: String? = nil,
                                 settings: TaskSettings? = nil, triggerRule: TriggerRule = .allSuccess,
                                 _ body: @escaping @Sendable (TaskContext) async throws -> TaskOutput) {
        var task = PipelineTask(name: name, action: .swift(body))
        task.upstream = upstream
        task.input = input
        task.settings = settings
        task.triggerRule = triggerRule
        tasks.append(task)
    }

    /// The task named `name`.
    public func task(named name: String) -> PipelineTask? { tasks.first { $0.name == name } }

    /// A relative path resolved against ``directory``.
    public func resolve(_ path: String) -> String {
        path.hasPrefix("/") || directory == "." || directory.isEmpty ? path : directory + "/" + path
    }
}

/// One node of the DAG.
public struct PipelineTask: Sendable {
    public var name: String
    /// Tasks that must finish first.
    public var upstream: [String] = []
    /// The task whose table this one reads (default: its only upstream that produces a table).
    public var input: String?
    public var action: TaskAction
    /// Overrides of the pipeline's defaults; nil fields inherit.
    public var settings: TaskSettings?
    public var triggerRule: TriggerRule = .allSuccess
    /// What the task does, in words (`description:`), for docs and lineage.
    public var description: String?
    /// Where the task is declared (0 for tasks built in Swift).
    public var line = 0
    public var column = 0

    public init(name: String, action: TaskAction) {
        self.name = name
        self.action = action
    }

    /// Whether a successful try leaves a table for downstream tasks.
    public var producesTable: Bool {
        switch action {
        case .extract, .transform, .check, .swift: true
        case .sql, .load, .shell: false
        }
    }
}

/// When a task runs, given its upstream tasks' outcomes.
public enum TriggerRule: String, Sendable, CaseIterable {
    /// Every upstream succeeded (the default); otherwise the task is `upstream_failed`.
    case allSuccess = "all_success"
    /// Every upstream finished, whatever the outcome: clean-up tasks.
    case allDone = "all_done"
    /// At least one upstream failed (or was not run because of a failure): notification and
    /// clean-up tasks. Otherwise the task is `skipped`.
    case oneFailed = "one_failed"
    /// Every upstream failed; otherwise `skipped`.
    case allFailed = "all_failed"
    /// No upstream failed (succeeded or skipped); otherwise `upstream_failed`.
    case noneFailed = "none_failed"
    /// At least one upstream succeeded; otherwise `upstream_failed`.
    case oneSuccess = "one_success"
}

/// Retry and timeout settings.
public struct TaskSettings: Sendable, Equatable {
    /// Extra tries after the first (the seed: 3).
    public var retries: Int?
    /// Wait before the first retry, µs (the seed: 5 minutes).
    public var retryDelay: Int64?
    public var retryBackoff: RetryBackoff?
    /// Upper bound of an exponential delay, µs.
    public var maxRetryDelay: Int64?
    /// Whether an exponential delay is spread randomly over [delay/2, delay].
    public var retryJitter: Bool?
    /// An attempt running longer is cancelled and counts as a failed try, µs.
    public var timeout: Int64?

    public init(retries: Int? = nil, retryDelay: Int64? = nil, retryBackoff: RetryBackoff? = nil,
                maxRetryDelay: Int64? = nil, retryJitter: Bool? = nil, timeout: Int64? = nil) {
        self.retries = retries
        self.retryDelay = retryDelay
        self.retryBackoff = retryBackoff
        self.maxRetryDelay = maxRetryDelay
        self.retryJitter = retryJitter
        self.timeout = timeout
    }

    /// These settings with unset fields taken from `defaults`.
    public func merged(over defaults: TaskSettings) -> TaskSettings {
        TaskSettings(retries: retries ?? defaults.retries, retryDelay: retryDelay ?? defaults.retryDelay,
                     retryBackoff: retryBackoff ?? defaults.retryBackoff, maxRetryDelay: maxRetryDelay ?? defaults.maxRetryDelay,
                     retryJitter: retryJitter ?? defaults.retryJitter, timeout: timeout ?? defaults.timeout)
    }

    /// The wait before try `tryNumber` (2 = the first retry), µs.
    ///
    /// Constant backoff waits `retry_delay` each time; exponential doubles it per retry up
    /// to `max_retry_delay` (default 24 h), and with jitter (the default for exponential)
    /// picks uniformly in [delay/2, delay] so failing tasks do not retry in lockstep.
    public func delay(beforeTry tryNumber: Int, random: inout SplitMix64) -> Int64 {
        let base = retryDelay ?? 300_000_000
        guard tryNumber >= 2 else { return 0 }
        guard (retryBackoff ?? .constant) == .exponential else { return base }
        let cap = maxRetryDelay ?? 86_400_000_000
        let doublings = min(tryNumber - 2, 40)
        let (scaled, overflow) = base.multipliedReportingOverflow(by: Int64(1) << doublings)
        let delay = overflow ? cap : min(scaled, cap)
        guard retryJitter ?? true, delay > 1 else { return delay }
        let half = delay / 2
        return half + Int64(random.next() % UInt64(delay - half + 1))
    }
}

/// How the retry delay grows.
public enum RetryBackoff: String, Sendable, CaseIterable {
    case constant
    case exponential
}

/// What a task does.
public enum TaskAction: Sendable {
    /// Source → table: a query on a connection, or a file.
    case extract(ExtractAction)
    /// Statements on a connection (ELT); produces no table.
    case sql(SQLAction)
    /// Transform steps on the input table.
    case transform(TransformAction)
    /// A quality suite on the input table: a failed error/critical check fails the task.
    case check(CheckAction)
    /// The input table → a database table or a file.
    case load(LoadAction)
    /// A command run by /bin/sh, with the run's variables in its environment.
    case shell(ShellAction)
    /// A Swift closure.
    case swift(@Sendable (TaskContext) async throws -> TaskOutput)

    /// The kind's YAML key.
    public var kind: String {
        switch self {
        case .extract: "extract"
        case .sql: "sql"
        case .transform: "transform"
        case .check: "check"
        case .load: "load"
        case .shell: "shell"
        case .swift: "swift"
        }
    }
}

/// `extract:` — a query on a named connection, or a (templated) file path.
public struct ExtractAction: Sendable {
    public enum Source: Sendable {
        case query(connection: String, sql: String)
        case file(path: String, format: String?, schema: String?)
    }
    public var source: Source
    /// A file source's row filter: only rows where it is true go downstream (Parquet
    /// row groups whose statistics rule it out are not read).
    public var filter: String?
}

/// `sql:` — statements run in order on a named connection, template values bound as parameters.
public struct SQLAction: Sendable {
    public var connection: String
    public var statements: [String]
}

/// `transform:` — steps; a `join`/`union` `file:` that names an upstream task reads its table.
public struct TransformAction: Sendable {
    /// The steps, parsed when the pipeline is loaded. Their `join`/`union` tables are still
    /// names (an upstream task, or a file path that may hold `{{ }}` templates), read when
    /// the task runs (``TransformAction/prepared(task:context:input:)``).
    public var transform: Transform

    public init(transform: Transform) { self.transform = transform }
}

/// `check:` — a suite, inline (`checks:`) or from a file (`suite:`).
public struct CheckAction: Sendable {
    public var suite: SuiteSpec
    /// The severity at or above which a failed check fails the task (default error).
    public var failOn: Severity = .error
    /// Failing rows are written here (templated path) and the passed rows go downstream.
    public var quarantine: String?

    /// The identity its results are stored under: the suite's `name:`, else `pipeline/task`.
    public func dataset(pipeline: String, task: String) -> String {
        suite.name ?? pipeline + "/" + task
    }
}

/// `load:` — the input table into a database table (a strategy from SluiceSQL) or a file.
public struct LoadAction: Sendable {
    public enum Destination: Sendable {
        case table(connection: String, table: String, options: LoadOptions)
        case file(path: String, format: String?)
    }
    public var destination: Destination
    /// `column=value` for replace_partition, templated (`ds={{ ds }}`).
    public var partition: String?
    /// A file destination written as a Hive-partitioned Parquet dataset: one
    /// `col=value/` directory per value of these columns, each replaced whole and atomically.
    public var partitionBy: [String] = []
    /// Where each column named by `key:` (then `partition:`) is written, for binding errors.
    public var columnLocations: [String: ErrorLocation] = [:]
}

/// `shell:` — a command for /bin/sh. Its text is not templated: read the run's values
/// from the environment (`$DS`, `$DATA_INTERVAL_START`, `$PARAMS_NAME`, …).
public struct ShellAction: Sendable {
    public var command: String
    /// Extra environment variables (values may use `${VAR}` of the runner's environment).
    public var environment: [String: String] = [:]
}
