#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SluiceCore
import SluiceQuality
import SluiceSQL

/// Where runs, task instances, every try and check results are recorded: a SQLite
/// file (default `.sluice/state.db` beside the pipeline) or PostgreSQL for shared state —
/// the same schema on both.
///
/// Every write is its own statement (autocommit), so a process killed at any moment
/// leaves the store consistent: a task whose try was `running` in a dead process is
/// found stale by the next run and tried again.
public final class StateStore: @unchecked Sendable {   // `connection` is used only while holding `lock`
    let connection: SQLConnection
    /// Check results, in the one table `sluice check --history` writes too (``QualityHistory``).
    let checkStore: QualityHistory
    let lock = Lock()
    /// `host:pid#n` of this store: the owner written on runs it claims. Each store (each
    /// connection) is its own owner, so two runners in one process compete like two processes.
    public let owner: String

    /// Opens (and creates the tables of) the store at `url`.
    public init(url: String) throws {
        let parsed = try ConnectionURL(url)
        if parsed.engine == .sqlite, let slash = parsed.path.lastIndex(of: "/") {
            try makeDirectories(String(parsed.path[..<slash]))
        }
        connection = try SQLConnection(url: parsed)
        owner = Self.hostName() + ":\(getpid())#\(Self.nextStoreNumber())"
        if parsed.engine == .sqlite {
            try connection.execute(SQLTemplate("PRAGMA journal_mode=WAL"))
            try connection.execute(SQLTemplate("PRAGMA synchronous=NORMAL"))
        }
        try connection.execute(SQLTemplate(Self.schemaSQL))
        checkStore = try QualityHistory(connection: connection)
    }

    /// The default store of a pipeline file: `.sluice/state.db` in its directory.
    public static func defaultURL(for pipeline: Pipeline) -> String {
        "sqlite:" + pipeline.resolve(".sluice/state.db")
    }

    static let schemaSQL = """
    CREATE TABLE IF NOT EXISTS sluice_runs (
        pipeline TEXT NOT NULL, run_id TEXT NOT NULL, logical_date BIGINT NOT NULL,
        interval_start BIGINT NOT NULL, interval_end BIGINT NOT NULL, state TEXT NOT NULL,
        run_trigger TEXT NOT NULL, created_at BIGINT NOT NULL, started_at BIGINT, ended_at BIGINT,
        owner TEXT, heartbeat BIGINT, message TEXT,
        PRIMARY KEY (pipeline, run_id));
    CREATE TABLE IF NOT EXISTS sluice_task_instances (
        pipeline TEXT NOT NULL, run_id TEXT NOT NULL, task TEXT NOT NULL, state TEXT NOT NULL,
        tries INTEGER NOT NULL, started_at BIGINT, ended_at BIGINT, rows_in BIGINT, rows_out BIGINT,
        artifact TEXT, error TEXT,
        PRIMARY KEY (pipeline, run_id, task));
    CREATE TABLE IF NOT EXISTS sluice_task_tries (
        pipeline TEXT NOT NULL, run_id TEXT NOT NULL, task TEXT NOT NULL, try_number INTEGER NOT NULL,
        state TEXT NOT NULL, started_at BIGINT NOT NULL, ended_at BIGINT, rows_in BIGINT, rows_out BIGINT,
        error TEXT, log TEXT,
        PRIMARY KEY (pipeline, run_id, task, try_number));
    CREATE TABLE IF NOT EXISTS sluice_sla_misses (
        pipeline TEXT NOT NULL, run_id TEXT NOT NULL, deadline BIGINT NOT NULL, recorded_at BIGINT NOT NULL,
        PRIMARY KEY (pipeline, run_id));
    CREATE TABLE IF NOT EXISTS sluice_task_fingerprints (
        pipeline TEXT NOT NULL, run_id TEXT NOT NULL, task TEXT NOT NULL, fingerprint TEXT NOT NULL,
        recorded_at BIGINT NOT NULL,
        PRIMARY KEY (pipeline, run_id, task));
    """

    // MARK: - Reading

    func query(_ sql: String, _ parameters: [String: Value] = [:]) throws -> [[Value]] {
        try lock.locked {
            let table = try connection.extract(SQLTemplate(sql), parameters: parameters)
            return (0..<table.rowCount).map { table.row($0) }
        }
    }

    /// Runs one statement; returns how many rows it changed.
    @discardableResult
    ///
    /// Free text written (messages `m`, errors `e`, logs `l`, check messages `msg`) passes
    /// through ``Secrets/mask(_:)``: no secret reaches the store. Keys and names are left
    /// alone, so a lookup never misses because a name happens to contain a secret.
    func execute(_ sql: String, _ parameters: [String: Value] = [:]) throws -> Int {
        var masked = parameters
        for key in Self.freeTextParameters {
            if case .string(let text)? = masked[key] { masked[key] = .string(Secrets.mask(text)) }
        }
        return try lock.locked { try connection.execute(SQLTemplate(sql), parameters: masked) }
    }

    static let freeTextParameters = ["m", "e", "l", "msg"]

    static let runColumns = "pipeline, run_id, logical_date, interval_start, interval_end, state, run_trigger, created_at, started_at, ended_at, owner, heartbeat, message"

    /// One run, or nil.
    public func run(pipeline: String, runID: String) throws -> RunRecord? {
        try query("SELECT \(Self.runColumns) FROM sluice_runs WHERE pipeline = {{ p }} AND run_id = {{ r }}",
                  ["p": .string(pipeline), "r": .string(runID)]).first.map(RunRecord.init(row:))
    }

    /// Runs, newest logical date first (all pipelines when `pipeline` is nil).
    public func runs(pipeline: String? = nil, limit: Int = 1000) throws -> [RunRecord] {
        let filter = pipeline == nil ? "" : "WHERE pipeline = {{ p }}"
        return try query("SELECT \(Self.runColumns) FROM sluice_runs \(filter) ORDER BY logical_date DESC, pipeline LIMIT \(limit)",
                         pipeline.map { ["p": .string($0)] } ?? [:]).map(RunRecord.init(row:))
    }

    /// Runs whose id matches `runID` in any pipeline.
    public func runs(withID runID: String) throws -> [RunRecord] {
        try query("SELECT \(Self.runColumns) FROM sluice_runs WHERE run_id = {{ r }} ORDER BY pipeline",
                  ["r": .string(runID)]).map(RunRecord.init(row:))
    }

    public func taskInstances(pipeline: String, runID: String) throws -> [TaskInstanceRecord] {
        try query("""
            SELECT task, state, tries, started_at, ended_at, rows_in, rows_out, artifact, error FROM sluice_task_instances
            WHERE pipeline = {{ p }} AND run_id = {{ r }}
            """, ["p": .string(pipeline), "r": .string(runID)]).map(TaskInstanceRecord.init(row:))
    }

    public func tries(pipeline: String, runID: String, task: String) throws -> [TryRecord] {
        try query("""
            SELECT try_number, state, started_at, ended_at, rows_in, rows_out, error, log FROM sluice_task_tries
            WHERE pipeline = {{ p }} AND run_id = {{ r }} AND task = {{ t }} ORDER BY try_number
            """, ["p": .string(pipeline), "r": .string(runID), "t": .string(task)]).map(TryRecord.init(row:))
    }

    /// A run's check results, every try, from the shared results table.
    public func checkResults(pipeline: String, runID: String) throws -> [StoredCheckResult] {
        try lock.locked { try checkStore.results(pipeline: pipeline, runID: runID) }
    }

    /// The history `suite`'s change and anomaly checks compare with: earlier runs of
    /// `dataset`, whoever stored them (pipelines or `sluice check --history`), not this run.
    public func checkHistory(for suite: Suite, dataset: String, pipeline: String, runID: String) throws -> RunHistory {
        try lock.locked { try checkStore.history(for: suite, dataset: dataset, excluding: (pipeline, runID)) }
    }

    public func slaMisses(pipeline: String) throws -> [(runID: String, deadline: Int64, recordedAt: Int64)] {
        try query("SELECT run_id, deadline, recorded_at FROM sluice_sla_misses WHERE pipeline = {{ p }} ORDER BY deadline",
                  ["p": .string(pipeline)]).map { ($0[0].text, $0[1].int, $0[2].int) }
    }

    // MARK: - Writing

    /// Creates the run if it does not exist; returns it as stored.
    @discardableResult
    public func ensureRun(pipeline: String, runID: String, logicalDate: Int64, interval: (Int64, Int64), trigger: String, now: Int64) throws -> RunRecord {
        try execute("""
            INSERT INTO sluice_runs (pipeline, run_id, logical_date, interval_start, interval_end, state, run_trigger, created_at)
            VALUES ({{ p }}, {{ r }}, {{ l }}, {{ s }}, {{ e }}, 'queued', {{ t }}, {{ now }})
            ON CONFLICT (pipeline, run_id) DO NOTHING
            """, ["p": .string(pipeline), "r": .string(runID), "l": .int64(logicalDate), "s": .int64(interval.0),
                  "e": .int64(interval.1), "t": .string(trigger), "now": .int64(now)])
        return try run(pipeline: pipeline, runID: runID)!
    }

    /// Claims the run for this store unless a live owner holds it: one atomic
    /// compare-and-set (a conditional `UPDATE … WHERE` whose changed-row count says who won), so of any number of
    /// processes or connections claiming at once exactly one wins. The winner's run is
    /// `running`, owned by ``owner``, with a fresh heartbeat.
    ///
    /// A holder is dead when its heartbeat is older than `staleAfter` µs, or when it is
    /// a process on this host that no longer exists; its run is taken over. A run that
    /// succeeded is claimed only when `rerun` is set.
    ///
    /// - Returns: whether this store now owns the run.
    public func claim(pipeline: String, runID: String, now: Int64, staleAfter: Int64 = 60_000_000, rerun: Bool = true) throws -> Bool {
        if let run = try run(pipeline: pipeline, runID: runID), let holder = run.owner, holder != owner,
           run.state == .running, Self.isDead(holder) {
            try execute("UPDATE sluice_runs SET owner = NULL WHERE pipeline = {{ p }} AND run_id = {{ r }} AND owner = {{ o }}",
                        ["p": .string(pipeline), "r": .string(runID), "o": .string(holder)])
        }
        let changed = try execute("""
            UPDATE sluice_runs SET owner = {{ me }}, heartbeat = {{ now }}, state = 'running', started_at = {{ now }},
                ended_at = NULL, message = NULL
            WHERE pipeline = {{ p }} AND run_id = {{ r }}
              AND (state <> 'running' OR owner IS NULL OR owner = {{ me }} OR heartbeat < {{ stale }})
              \(rerun ? "" : "AND state <> 'success'")
            """, ["me": .string(owner), "now": .int64(now), "p": .string(pipeline), "r": .string(runID), "stale": .int64(now - staleAfter)])
        return changed == 1
    }

    /// Whether `run` is `running` (or `queued`) under an owner that is gone: a process of
    /// this host that exited, or any owner whose heartbeat is older than `staleAfter` µs.
    /// `runs` and `status` show such a run as abandoned; the next `sluice run` takes it over.
    public static func isAbandoned(_ run: RunRecord, now: Int64, staleAfter: Int64 = 60_000_000) -> Bool {
        guard run.state == .running, let holder = run.owner else { return false }
        return isDead(holder) || (run.heartbeat ?? 0) < now - staleAfter
    }

    public func heartbeat(pipeline: String, runID: String, now: Int64) throws {
        try execute("UPDATE sluice_runs SET heartbeat = {{ now }} WHERE pipeline = {{ p }} AND run_id = {{ r }} AND owner = {{ me }}",
                    ["now": .int64(now), "p": .string(pipeline), "r": .string(runID), "me": .string(owner)])
    }

    /// Sets a run's state; with `release`, ends this store's ownership — and changes
    /// nothing when another owner has taken the run over.
    public func setRunState(pipeline: String, runID: String, state: RunState, now: Int64, message: String? = nil, release: Bool = false) throws {
        let times = state == .running ? "started_at = {{ now }}, ended_at = NULL" : "ended_at = {{ now }}"
        try execute("""
            UPDATE sluice_runs SET state = {{ s }}, \(times), message = {{ m }}\(release ? ", owner = NULL" : "")
            WHERE pipeline = {{ p }} AND run_id = {{ r }}\(release ? " AND (owner IS NULL OR owner = {{ me }})" : "")
            """, ["s": .string(state.rawValue), "now": .int64(now), "m": message.map(Value.string) ?? .null,
                  "p": .string(pipeline), "r": .string(runID), "me": .string(owner)])
    }

    public func setTaskState(pipeline: String, runID: String, task: String, state: TaskState, tries: Int,
                             startedAt: Int64? = nil, endedAt: Int64? = nil, rowsIn: Int? = nil, rowsOut: Int? = nil,
                             artifact: String? = nil, error: String? = nil) throws {
        func v(_ x: Int64?) -> Value { x.map(Value.int64) ?? .null }
        func v(_ x: Int?) -> Value { x.map { .int64(Int64($0)) } ?? .null }
        func v(_ x: String?) -> Value { x.map(Value.string) ?? .null }
        try execute("""
            INSERT INTO sluice_task_instances (pipeline, run_id, task, state, tries, started_at, ended_at, rows_in, rows_out, artifact, error)
            VALUES ({{ p }}, {{ r }}, {{ t }}, {{ s }}, {{ n }}, {{ a }}, {{ b }}, {{ i }}, {{ o }}, {{ f }}, {{ e }})
            ON CONFLICT (pipeline, run_id, task) DO UPDATE SET state = excluded.state, tries = excluded.tries,
                started_at = excluded.started_at, ended_at = excluded.ended_at, rows_in = excluded.rows_in,
                rows_out = excluded.rows_out, artifact = excluded.artifact, error = excluded.error
            """, ["p": .string(pipeline), "r": .string(runID), "t": .string(task), "s": .string(state.rawValue),
                  "n": .int64(Int64(tries)), "a": v(startedAt), "b": v(endedAt), "i": v(rowsIn), "o": v(rowsOut),
                  "f": v(artifact), "e": v(error)])
    }

    /// Claims one try of a task for this store: recorded only while this store owns the
    /// run (one atomic insert-if-owner), so a runner whose lease was taken over starts
    /// nothing more.
    ///
    /// - Returns: false when the run is no longer this store's.
    @discardableResult
    public func startTry(pipeline: String, runID: String, task: String, tryNumber: Int, now: Int64) throws -> Bool {
        let changed = try execute("""
            INSERT INTO sluice_task_tries (pipeline, run_id, task, try_number, state, started_at)
            SELECT {{ p }}, {{ r }}, {{ t }}, {{ n }}, 'running', {{ now }}
            WHERE EXISTS (SELECT 1 FROM sluice_runs WHERE pipeline = {{ p }} AND run_id = {{ r }} AND owner = {{ me }})
            ON CONFLICT (pipeline, run_id, task, try_number) DO UPDATE SET state = 'running', started_at = excluded.started_at,
                ended_at = NULL, error = NULL, log = NULL
            """, ["p": .string(pipeline), "r": .string(runID), "t": .string(task), "n": .int64(Int64(tryNumber)), "now": .int64(now),
                  "me": .string(owner)])
        return changed == 1
    }

    public func finishTry(pipeline: String, runID: String, task: String, tryNumber: Int, state: TaskState, now: Int64,
                          rowsIn: Int?, rowsOut: Int?, error: String?, log: String) throws {
        try execute("""
            UPDATE sluice_task_tries SET state = {{ s }}, ended_at = {{ now }}, rows_in = {{ i }}, rows_out = {{ o }},
                error = {{ e }}, log = {{ l }}
            WHERE pipeline = {{ p }} AND run_id = {{ r }} AND task = {{ t }} AND try_number = {{ n }}
            """, ["s": .string(state.rawValue), "now": .int64(now), "i": rowsIn.map { .int64(Int64($0)) } ?? .null,
                  "o": rowsOut.map { .int64(Int64($0)) } ?? .null, "e": error.map(Value.string) ?? .null, "l": .string(log),
                  "p": .string(pipeline), "r": .string(runID), "t": .string(task), "n": .int64(Int64(tryNumber))])
    }

    /// Stores one try's check results under the dataset identity (see ``CheckRun``).
    public func recordChecks(pipeline: String, runID: String, task: String, tryNumber: Int, dataset: String, suite: String?,
                             datasetRows: Int, results: [CheckResult], now: Int64) throws {
        let run = CheckRun(dataset: dataset, runID: runID, pipeline: pipeline, task: task, tryNumber: tryNumber, suite: suite)
        try lock.locked { try checkStore.record(results, run: run, datasetRows: datasetRows, now: now) }
    }

    public func recordSLAMiss(pipeline: String, runID: String, deadline: Int64, now: Int64) throws -> Bool {
        let before = try slaMisses(pipeline: pipeline).contains { $0.runID == runID }
        try execute("""
            INSERT INTO sluice_sla_misses (pipeline, run_id, deadline, recorded_at) VALUES ({{ p }}, {{ r }}, {{ d }}, {{ now }})
            ON CONFLICT (pipeline, run_id) DO NOTHING
            """, ["p": .string(pipeline), "r": .string(runID), "d": .int64(deadline), "now": .int64(now)])
        return !before
    }

    /// Forgets a run's task instances (all, or one task and everything downstream of it
    /// when `tasks` is given) so the next `sluice run` does them again.
    public func clear(pipeline: String, runID: String, tasks: [String]? = nil) throws {
        var p: [String: Value] = ["p": .string(pipeline), "r": .string(runID)]
        if let tasks {
            for task in tasks {
                p["t"] = .string(task)
                try execute("DELETE FROM sluice_task_instances WHERE pipeline = {{ p }} AND run_id = {{ r }} AND task = {{ t }}", p)
            }
        } else {
            try execute("DELETE FROM sluice_task_instances WHERE pipeline = {{ p }} AND run_id = {{ r }}", p)
        }
        try execute("UPDATE sluice_runs SET state = 'queued', ended_at = NULL WHERE pipeline = {{ p }} AND run_id = {{ r }} AND state <> 'running'", p)
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, 255)
        return String(cString: buffer)
    }

    private static let storeCounter = Lock()
    nonisolated(unsafe) private static var storeCount = 0
    static func nextStoreNumber() -> Int { storeCounter.locked { storeCount += 1; return storeCount } }

    /// Whether `host:pid` (or `host:pid#n`) names a process of this host that has exited.
    static func isDead(_ holder: String) -> Bool {
        let process = holder.split(separator: "#", maxSplits: 1).first.map(String.init) ?? holder
        guard let colon = process.lastIndex(of: ":"), String(process[..<colon]) == hostName(),
              let pid = Int32(process[process.index(after: colon)...]) else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}

/// A run's state.
public enum RunState: String, Sendable, Codable {
    case queued, running, success, failed
}

/// A task instance's (or a try's) state.
public enum TaskState: String, Sendable, Codable {
    case pending, running, success, failed
    /// Not run because an upstream task failed.
    case upstreamFailed = "upstream_failed"
    /// A try that ran past its timeout.
    case timedOut = "timed_out"
    /// Waiting for its next try.
    case upForRetry = "up_for_retry"
    case cancelled
    /// Not run because its trigger rule did not hold (e.g. `one_failed` when all succeeded); not a failure.
    case skipped
}

public struct RunRecord: Sendable, Equatable {
    public var pipeline: String
    public var runID: String
    public var logicalDate: Int64
    public var intervalStart: Int64
    public var intervalEnd: Int64
    public var state: RunState
    public var trigger: String
    public var createdAt: Int64
    public var startedAt: Int64?
    public var endedAt: Int64?
    public var owner: String?
    public var heartbeat: Int64?
    public var message: String?

    init(row: [Value]) {
        pipeline = row[0].text; runID = row[1].text; logicalDate = row[2].int; intervalStart = row[3].int
        intervalEnd = row[4].int; state = RunState(rawValue: row[5].text) ?? .failed; trigger = row[6].text
        createdAt = row[7].int; startedAt = row[8].optionalInt; endedAt = row[9].optionalInt
        owner = row[10].optionalText; heartbeat = row[11].optionalInt; message = row[12].optionalText
    }
}

public struct TaskInstanceRecord: Sendable, Equatable {
    public var task: String
    public var state: TaskState
    public var tries: Int
    public var startedAt: Int64?
    public var endedAt: Int64?
    public var rowsIn: Int?
    public var rowsOut: Int?
    public var artifact: String?
    public var error: String?

    init(row: [Value]) {
        task = row[0].text; state = TaskState(rawValue: row[1].text) ?? .failed; tries = Int(row[2].int)
        startedAt = row[3].optionalInt; endedAt = row[4].optionalInt; rowsIn = row[5].optionalInt.map(Int.init)
        rowsOut = row[6].optionalInt.map(Int.init); artifact = row[7].optionalText; error = row[8].optionalText
    }
}

public struct TryRecord: Sendable, Equatable {
    public var tryNumber: Int
    public var state: TaskState
    public var startedAt: Int64
    public var endedAt: Int64?
    public var rowsIn: Int?
    public var rowsOut: Int?
    public var error: String?
    public var log: String?

    init(row: [Value]) {
        tryNumber = Int(row[0].int); state = TaskState(rawValue: row[1].text) ?? .failed; startedAt = row[2].int
        endedAt = row[3].optionalInt; rowsIn = row[4].optionalInt.map(Int.init); rowsOut = row[5].optionalInt.map(Int.init)
        error = row[6].optionalText; log = row[7].optionalText
    }
}

extension Value {
    var text: String { optionalText ?? "" }
    var optionalText: String? {
        switch self {
        case .string(let s): s
        case .null: nil
        default: description
        }
    }
    var int: Int64 { optionalInt ?? 0 }
    var optionalInt: Int64? {
        switch self {
        case .int64(let v): v
        case .float64(let v): Int64(v)
        case .string(let s): Int64(s)
        default: nil
        }
    }
    var optionalDouble: Double? {
        switch self {
        case .float64(let v): v
        case .int64(let v): Double(v)
        default: nil
        }
    }
}


/// `mkdir -p`.
func makeDirectories(_ path: String) throws {
    guard !path.isEmpty else { return }
    var current = path.hasPrefix("/") ? "" : "."
    for part in path.split(separator: "/") {
        current += "/" + part
        if mkdir(current, 0o755) != 0 && errno != EEXIST {
            throw PipelineError(.state, message: "cannot create directory \(current): \(String(cString: strerror(errno)))")
        }
    }
}
