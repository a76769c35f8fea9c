import ArgumentParser
import SluiceCore
import SluicePipeline
import SluiceQuality
#if canImport(Glibc)
import Glibc
#endif

/// Where a command finds the state store: `--state URL`, else beside `--pipeline`/the pipeline file.
struct StateOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("State store: sqlite:path.db or postgres://… (default: .sluice/state.db beside the pipeline).", valueName: "url"))
    var state: String?

    @Option(name: .long, help: ArgumentHelp("Print as text or json.", valueName: "format"))
    var format: String = "text"

    func validate() throws {
        guard format == "text" || format == "json" else { throw ValidationError("--format must be text or json, not '\(format)'") }
    }

    func store(for pipeline: Pipeline?) throws -> StateStore {
        if let state { return try StateStore(url: state) }
        if let pipeline { return try StateStore(url: StateStore.defaultURL(for: pipeline)) }
        guard fileExists(".sluice/state.db") else {
            throw CommandFailure(description: "error: no state store: give --pipeline pipeline.yaml or --state sqlite:path/.sluice/state.db",
                                 status: ExitStatus.usage)
        }
        return try StateStore(url: "sqlite:.sluice/state.db")
    }
}

func fileExists(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0
}

/// `2024-01-02` or a timestamp → µs since the epoch.
func parseDateArgument(_ text: String, option: String) throws -> Int64 {
    if case .date(let days)? = ScalarParser.value(text, as: .date) { return Int64(days) * 86_400_000_000 }
    if case .timestamp(let micros)? = ScalarParser.value(text, as: .timestamp) { return micros }
    throw ValidationError("\(option) must be a date like 2024-01-02 or a timestamp like 2024-01-02T03:00:00Z, not '\(text)'")
}

func parseParams(_ items: [String]) throws -> [String: String] {
    var params: [String: String] = [:]
    for item in items {
        guard let eq = item.firstIndex(of: "=") else { throw ValidationError("--param must be name=value, not '\(item)'") }
        params[String(item[..<eq])] = String(item[item.index(after: eq)...])
    }
    return params
}

/// A failed run's stored message without its own "failed: " (the command says "failed:" already).
func runFailureText(_ message: String?) -> String {
    let text = message ?? ""
    return text.hasPrefix("failed: ") ? String(text.dropFirst(8)) : text
}

/// Loads a pipeline; its errors are spec errors (exit 2, by their category).
func loadPipeline(_ path: String) throws -> Pipeline {
    try Pipeline.load(path: path)
}

func formatClock(_ micros: Int64?) -> String {
    guard let micros else { return "-" }
    return formatTimestamp(microsecondsSinceEpoch: micros / 1_000_000 * 1_000_000)
}

func seconds(_ start: Int64?, _ end: Int64?) -> String {
    guard let start, let end else { return "-" }
    return fixed(Double(end - start) / 1e6, digits: 2) + " s"
}

/// Prints progress lines on stderr while a run works.
func printEvent(_ event: RunEvent) {
    switch event {
    case .runStarted(let runID, let resumed):
        printError(resumed ? "resuming run \(runID) (tasks that succeeded before are kept)" : "run \(runID)")
    case .staleWork(let task, let reason, let rerunning):
        printError("\(task) changed since it succeeded (\(reason)): running \(rerunning.joined(separator: ", ")) again")
    case .taskSkipped(let task, let reason):
        printError("  - \(task): not run (\(reason))")
    case .tryStarted(let task, let tryNumber):
        if tryNumber > 1 { printError("  ▶ \(task) (try \(tryNumber))") }
    case .tryFinished(let task, let tryNumber, let state, let secs, let rows, let error):
        let rowText = rows.map { ", \(grouped($0)) rows" } ?? ""
        if state == .success {
            printError("  ✔ \(task) \(fixed(secs, digits: 2)) s\(rowText)" + (tryNumber > 1 ? " (try \(tryNumber))" : ""))
        } else {
            printError("  ✖ \(task) try \(tryNumber) \(state.rawValue) after \(fixed(secs, digits: 2)) s: \(error ?? "")")
        }
    case .retryScheduled(let task, let nextTry, let delay):
        printError("    retrying \(task) (try \(nextTry)) in \(fixed(Double(delay) / 1e6, digits: 1)) s")
    case .runFinished:
        break
    }
}

func printSummary(_ summary: RunSummary, pipeline: String, json: Bool) {
    if json {
        print(summaryJSON(summary))
        return
    }
    let run = summary.run
    if summary.alreadySucceeded {
        print("run \(pipeline) \(run.runID) already succeeded at \(formatClock(run.endedAt)); nothing to do (use --rerun to run it again)")
        return
    }
    print("\(pipeline) \(run.runID): \(stateText(run))  interval [\(formatClock(run.intervalStart)), \(formatClock(run.intervalEnd)))")
    let header = ["task", "state", "tries", "rows in", "rows out", "duration"]
    var rows: [[String]] = []
    for t in summary.tasks {
        rows.append([t.task, t.state.rawValue, String(t.tries), t.rowsIn.map(grouped) ?? "-", t.rowsOut.map(grouped) ?? "-",
                     seconds(t.startedAt, t.endedAt)])
    }
    printTable(header, rows)
    let finalChecks = latestChecks(summary.checks)
    if !finalChecks.isEmpty {
        print("checks:")
        printTable(["task", "check", "severity", "outcome", "value", "threshold", "failing rows"], finalChecks.map { c in
            [c.task, c.name, c.severity, c.outcome, c.observed.map(measure) ?? "-", c.threshold.map(measure) ?? "-", grouped(c.failingRows)]
        })
        let passed = finalChecks.filter { $0.outcome == "passed" }.count
        print("  total \(finalChecks.count), passed \(passed), failed \(finalChecks.filter { $0.outcome == "failed" }.count), pass rate \(fixed(Double(passed) * 100 / Double(finalChecks.count), digits: 1))%")
    }
    print("run took \(seconds(run.startedAt, run.endedAt))" + (summary.executed.count < summary.tasks.count ? " (ran \(summary.executed.count) of \(summary.tasks.count) tasks; the rest had succeeded before)" : ""))
}

/// `29,411` for whole numbers (counts), `0.0010` for fractions.
func measure(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? grouped(Int(value)) : fixed(value, digits: 4)
}

/// The check results of each task's newest try.
func latestChecks(_ checks: [StoredCheckResult]) -> [StoredCheckResult] {
    var newest: [String: Int] = [:]
    for c in checks { newest[c.task] = max(newest[c.task] ?? 0, c.tryNumber) }
    return checks.filter { $0.tryNumber == newest[$0.task] }
}

func printTable(_ header: [String], _ rows: [[String]]) {
    var widths = header.map { displayWidth($0) }
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], displayWidth(cell)) } }
    print("  " + header.enumerated().map { $0.element.padding(to: widths[$0.offset]) }.joined(separator: "  "))
    for row in rows { print("  " + row.enumerated().map { $0.element.padding(to: widths[$0.offset]) }.joined(separator: "  ")) }
}

func jsonValue(_ text: String?) -> String { text.map(jsonString) ?? "null" }
func jsonValue(_ n: Int64?) -> String { n.map(String.init) ?? "null" }
func jsonValue(_ n: Int?) -> String { n.map(String.init) ?? "null" }
func jsonValue(_ d: Double?) -> String { d.map { $0.isFinite ? formatDouble($0) : "null" } ?? "null" }

/// A run's state for people: `running` under an owner that is gone reads
/// `abandoned (owner host:pid#n is gone; the next run takes it over)`.
func stateText(_ run: RunRecord) -> String {
    guard StateStore.isAbandoned(run, now: SystemClock().now()) else { return run.state.rawValue }
    return "abandoned (owner \(run.owner ?? "?") is gone; the next `sluice run` takes it over)"
}

func runJSON(_ run: RunRecord) -> String {
    """
    {"pipeline":\(jsonValue(run.pipeline)),"run_id":\(jsonValue(run.runID)),"state":\(jsonValue(run.state.rawValue)),\
    "owner":\(jsonValue(run.owner)),"abandoned":\(StateStore.isAbandoned(run, now: SystemClock().now())),\
    "trigger":\(jsonValue(run.trigger)),"logical_date":\(jsonValue(formatClock(run.logicalDate))),\
    "data_interval_start":\(jsonValue(formatClock(run.intervalStart))),"data_interval_end":\(jsonValue(formatClock(run.intervalEnd))),\
    "started_at":\(jsonValue(run.startedAt.map(formatClock))),"ended_at":\(jsonValue(run.endedAt.map(formatClock))),\
    "message":\(jsonValue(run.message))}
    """
}

func taskJSON(_ t: TaskInstanceRecord) -> String {
    """
    {"task":\(jsonValue(t.task)),"state":\(jsonValue(t.state.rawValue)),"tries":\(t.tries),"rows_in":\(jsonValue(t.rowsIn)),\
    "rows_out":\(jsonValue(t.rowsOut)),"started_at":\(jsonValue(t.startedAt.map(formatClock))),\
    "ended_at":\(jsonValue(t.endedAt.map(formatClock))),"error":\(jsonValue(t.error))}
    """
}

func checkJSON(_ c: StoredCheckResult) -> String {
    """
    {"task":\(jsonValue(c.task)),"try":\(c.tryNumber),"name":\(jsonValue(c.name)),"kind":\(jsonValue(c.kind)),\
    "severity":\(jsonValue(c.severity)),"outcome":\(jsonValue(c.outcome)),"value":\(jsonValue(c.observed)),\
    "threshold":\(jsonValue(c.threshold)),"failing_rows":\(c.failingRows),"row_count":\(c.rowCount),"message":\(jsonValue(c.message))}
    """
}

func summaryJSON(_ summary: RunSummary) -> String {
    "{\"run\":\(runJSON(summary.run)),\"already_succeeded\":\(summary.alreadySucceeded),"
        + "\"executed\":[\(summary.executed.map(jsonString).joined(separator: ","))],"
        + "\"tasks\":[\(summary.tasks.map(taskJSON).joined(separator: ","))],"
        + "\"checks\":[\(latestChecks(summary.checks).map(checkJSON).joined(separator: ","))]}"
}

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check pipeline files without running anything.",
        discussion: """
        Unknown keys and wrong types are reported as file:line:column with "did you mean";
        a dependency cycle is printed as the cycle; missing upstreams, inputs and connections
        are named. Exit 0 when every file is valid, 2 otherwise.
        Examples:
          sluice validate examples/user_analytics/pipeline.yaml
        """
    )

    @Argument(help: "Pipeline files (YAML).")
    var pipelines: [String]

    func run() throws {
        for path in pipelines {
            let pipeline = try loadPipeline(path)
            let order = pipeline.topologicalOrder().map(\.name)
            print("\(path): ok — pipeline \(pipeline.name), \(pipeline.tasks.count) task\(pipeline.tasks.count == 1 ? "" : "s"): \(order.joined(separator: " → "))")
        }
    }
}

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline for one logical date (resuming it if it failed before).",
        discussion: """
        A run is (pipeline, logical date). Running a succeeded date again is a no-op that says
        so; --rerun runs every task again. A failed or interrupted run is resumed: only the
        tasks that have not succeeded run. Runs, tasks and every try are recorded in the
        state store (.sluice/state.db beside the pipeline, or --state).
        Exit codes: 0 the run succeeded (or had already); 1 a task failed; 2 invalid pipeline.
        Examples:
          sluice run examples/user_analytics/pipeline.yaml --date 2024-06-01
          sluice run pipeline.yaml --date 2024-06-01 --rerun --param region=eu
          sluice run pipeline.yaml --date 2024-06-01 --format json
        """
    )

    @Argument(help: "The pipeline file (YAML).")
    var pipeline: String

    @Option(name: .long, help: ArgumentHelp("Logical date, e.g. 2024-01-02 (default: the latest interval that has ended).", valueName: "date"))
    var date: String?

    @Flag(name: .long, help: "Run every task again even if the run already succeeded.")
    var rerun = false

    @Option(name: .long, help: ArgumentHelp("Override a pipeline param (repeatable).", valueName: "name=value"))
    var param: [String] = []

    @Flag(name: .long, help: "Keep the run's artifacts (tables between tasks) after it succeeds.")
    var keepArtifacts = false

    @Flag(name: .long, help: "Let --param values templated into file paths point outside the pipeline's directory.")
    var allowOutsidePaths = false

    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var metricsOptions: ExportMetricsOptions

    func run() async throws {
        let spec = try loadPipeline(pipeline)
        let store = try stateOptions.store(for: spec)
        let runner = PipelineRunner(pipeline: spec, store: store)
        runner.keepArtifacts = keepArtifacts
        runner.allowsOutsidePaths = allowOutsidePaths
        runner.onEvent = { printEvent($0) }
        let observability = try makeObservability(for: [(spec, store)])
        runner.observer = observability.observer
        defer {
            observability.flush()
            metricsOptions.export(observability, grouping: [("pipeline", spec.name)])
        }
        let lineage = LineageSetup(for: [spec], observability: observability)
        runner.observer = lineage.observer(with: runner.observer)
        defer { lineage.flush() }
        let logical: Int64
        if let date { logical = try parseDateArgument(date, option: "--date") } else {
            let schedule = try PipelineSchedule(spec.schedule, timeZone: spec.timeZone)
            let now = SystemClock().now()
            logical = schedule.previous(atOrBefore: schedule.previous(atOrBefore: now) - 1)
        }
        let summary = try await runner.run(RunRequest(logicalDate: logical, rerun: rerun, params: try parseParams(param)))
        printSummary(summary, pipeline: spec.name, json: stateOptions.format == "json")
        if !summary.succeeded {
            throw CommandFailure(description: "error: run \(spec.name) \(summary.run.runID) failed: \(runFailureText(summary.run.message))\n  hint: see `sluice logs \(summary.run.runID) TASK --pipeline \(pipeline)`; run again to resume")
        }
    }
}

struct BackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Run every interval between two dates, skipping those that already succeeded.",
        discussion: """
        Intervals whose run succeeded are skipped (--rerun-failed-only, the default); --all
        runs them again. Failed or interrupted intervals resume where they stopped.
        Exit 0 when every interval succeeded, 1 otherwise.
        Examples:
          sluice backfill pipeline.yaml --from 2024-01-01 --to 2024-01-31 --parallel 4
          sluice backfill pipeline.yaml --from 2024-01-01 --to 2024-01-31 --all
        """
    )

    @Argument(help: "The pipeline file (YAML).")
    var pipeline: String

    @Option(name: .long, help: ArgumentHelp("First logical date (inclusive).", valueName: "date"))
    var from: String

    @Option(name: .long, help: ArgumentHelp("Last logical date (inclusive).", valueName: "date"))
    var to: String

    @Option(name: .long, help: ArgumentHelp("Intervals run at once.", valueName: "n"))
    var parallel: Int = 1

    @Flag(name: .long, help: "Run every interval, even those that succeeded.")
    var all = false

    @Flag(name: .long, help: "Skip intervals that succeeded (the default).")
    var rerunFailedOnly = false

    @Option(name: .long, help: ArgumentHelp("Override a pipeline param (repeatable).", valueName: "name=value"))
    var param: [String] = []

    @OptionGroup var stateOptions: StateOptions

    func validate() throws {
        guard parallel >= 1 else { throw ValidationError("--parallel must be 1 or more") }
        guard !(all && rerunFailedOnly) else { throw ValidationError("give --all or --rerun-failed-only, not both") }
    }

    func run() async throws {
        let spec = try loadPipeline(pipeline)
        let store = try stateOptions.store(for: spec)
        let runner = PipelineRunner(pipeline: spec, store: store)
        let lineage = LineageSetup(for: [spec])
        runner.observer = lineage.observer(with: runner.observer)
        defer { lineage.flush() }
        let first = try parseDateArgument(from, option: "--from"), last = try parseDateArgument(to, option: "--to")
        guard first <= last else { throw CommandFailure(description: "error: --from \(from) is after --to \(to)", status: ExitStatus.usage) }
        let tty = isatty(2) == 1
        let started = monotonicClock()
        let summary = try await runner.backfill(from: first, to: last, parallel: parallel, policy: all ? .all : .rerunFailedOnly,
                                                params: try parseParams(param)) { done, total, result in
            let state = result.map { $0.alreadySucceeded ? "skipped" : $0.run.state.rawValue } ?? "locked"
            if tty {
                let width = 30, filled = total == 0 ? width : done * width / total
                printErrorInline("\r[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(done)/\(total) \(result?.run.runID ?? "") \(state)   ")
                if done == total { printError("") }
            } else {
                printError("\(done)/\(total) \(result?.run.runID ?? "") \(state)")
            }
        }
        if stateOptions.format == "json" {
            func list(_ xs: [String]) -> String { "[" + xs.map(jsonString).joined(separator: ",") + "]" }
            print("{\"succeeded\":\(list(summary.succeeded)),\"failed\":\(list(summary.failed)),\"skipped\":\(list(summary.skipped)),\"locked\":\(list(summary.locked))}")
        } else {
            print("backfill \(spec.name) \(from) … \(to): \(summary.succeeded.count) succeeded, \(summary.failed.count) failed, \(summary.skipped.count) skipped (already succeeded)"
                  + (summary.locked.isEmpty ? "" : ", \(summary.locked.count) being run elsewhere") + " in \(fixed(monotonicClock() - started, digits: 2)) s")
            if !summary.failed.isEmpty { print("failed: \(summary.failed.joined(separator: ", "))") }
        }
        if !summary.failed.isEmpty || !summary.locked.isEmpty {
            throw CommandFailure(description: "error: \(summary.failed.count + summary.locked.count) interval(s) did not succeed; run the backfill again to resume them")
        }
    }
}

func monotonicClock() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func printErrorInline(_ text: String) {
    Secrets.mask(text).withCString { _ = write(2, $0, strlen($0)) }
}

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List recorded runs, newest first.",
        discussion: """
        Examples:
          sluice runs --pipeline examples/user_analytics/pipeline.yaml
          sluice runs --state sqlite:.sluice/state.db --format json
        """
    )

    @Option(name: .long, help: ArgumentHelp("The pipeline file (its state store, its runs).", valueName: "pipeline.yaml"))
    var pipeline: String?

    @Option(name: .long, help: ArgumentHelp("Show at most this many runs.", valueName: "n"))
    var limit: Int = 50

    @OptionGroup var stateOptions: StateOptions

    func run() throws {
        let spec = try pipeline.map(loadPipeline)
        let store = try stateOptions.store(for: spec)
        let runs = try store.runs(pipeline: spec?.name, limit: limit)
        if stateOptions.format == "json" {
            print("[" + runs.map(runJSON).joined(separator: ",") + "]")
            return
        }
        guard !runs.isEmpty else { print("no runs recorded"); return }
        let missed = try slaMissed(runs, store: store)
        printTable(["pipeline", "run", "state", "trigger", "started", "duration", "sla"], runs.map {
            [$0.pipeline, $0.runID, stateText($0), $0.trigger, formatClock($0.startedAt), seconds($0.startedAt, $0.endedAt),
             missed[$0.pipeline + "|" + $0.runID].map { "MISSED (due \(formatClock($0)))" } ?? "-"]
        })
    }
}

/// Finds one run by id in a store (naming the pipeline when several have that id).
func findRun(_ runID: String, pipeline: Pipeline?, store: StateStore) throws -> RunRecord {
    if let pipeline {
        guard let run = try store.run(pipeline: pipeline.name, runID: runID) else {
            let known = try store.runs(pipeline: pipeline.name, limit: 20).map(\.runID)
            throw CommandFailure(description: "error: pipeline \(pipeline.name) has no run \(runID)"
                                 + (suggestion(for: runID, among: known).map { "\n  hint: did you mean \($0)?" } ?? ""), status: ExitStatus.usage)
        }
        return run
    }
    let matches = try store.runs(withID: runID)
    guard matches.count == 1 else {
        throw CommandFailure(description: matches.isEmpty ? "error: no run \(runID) in the state store"
                             : "error: several pipelines have a run \(runID): \(matches.map(\.pipeline).joined(separator: ", "))\n  hint: give --pipeline",
                             status: ExitStatus.usage)
    }
    return matches[0]
}

/// The run a command reads: its id, and the pipeline file or state store holding it.
struct RunSelection: ParsableArguments {
    @Argument(help: ArgumentHelp("The run id (its logical date, e.g. 2024-06-01).", valueName: "run"))
    var runID: String

    @Option(name: .long, help: ArgumentHelp("The pipeline file.", valueName: "pipeline.yaml"))
    var pipeline: String?

    @OptionGroup var stateOptions: StateOptions

    var json: Bool { stateOptions.format == "json" }

    /// The pipeline (when given), its store, and the run.
    func resolve() throws -> (spec: Pipeline?, store: StateStore, run: RunRecord) {
        let spec = try pipeline.map(loadPipeline)
        let store = try stateOptions.store(for: spec)
        return (spec, store, try findRun(runID, pipeline: spec, store: store))
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show one run: its tasks, tries and check results.",
        discussion: """
        Examples:
          sluice status 2024-06-01 --pipeline examples/user_analytics/pipeline.yaml
          sluice status 2024-06-01 --state sqlite:.sluice/state.db --format json
        """
    )

    @OptionGroup var selection: RunSelection

    func run() throws {
        let (spec, store, record) = try selection.resolve()
        var tasks = try store.taskInstances(pipeline: record.pipeline, runID: record.runID)
        if let spec {
            let order = spec.topologicalOrder().map(\.name)
            tasks.sort { (order.firstIndex(of: $0.task) ?? .max) < (order.firstIndex(of: $1.task) ?? .max) }
        }
        let summary = RunSummary(run: record, tasks: tasks, checks: try store.checkResults(pipeline: record.pipeline, runID: record.runID),
                                 alreadySucceeded: false, executed: tasks.map(\.task))
        printSummary(summary, pipeline: record.pipeline, json: selection.json)
        if !selection.json, let deadline = try slaMissed([record], store: store)[record.pipeline + "|" + record.runID] {
            print("SLA missed: not finished by \(formatClock(deadline))")
        }
    }
}

struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print a task's log for one try (the newest by default).",
        discussion: """
        Examples:
          sluice logs 2024-06-01 load --pipeline examples/user_analytics/pipeline.yaml
          sluice logs 2024-06-01 load --try 1 --pipeline pipeline.yaml --format json
        """
    )

    @OptionGroup var selection: RunSelection

    @Argument(help: "The task.")
    var task: String

    @Option(name: .customLong("try"), help: ArgumentHelp("Which try (1 is the first).", valueName: "n"))
    var tryNumber: Int?

    func run() throws {
        let (_, store, record) = try selection.resolve()
        let tries = try store.tries(pipeline: record.pipeline, runID: record.runID, task: task)
        guard !tries.isEmpty else {
            let known = try store.taskInstances(pipeline: record.pipeline, runID: record.runID).map(\.task)
            throw CommandFailure(description: "error: task \(task) has no tries in run \(record.runID)"
                                 + (suggestion(for: task, among: known).map { "\n  hint: did you mean \($0)?" } ?? ""), status: ExitStatus.usage)
        }
        let chosen: [TryRecord]
        if let tryNumber {
            guard let one = tries.first(where: { $0.tryNumber == tryNumber }) else {
                throw CommandFailure(description: "error: task \(task) has tries \(tries.map { String($0.tryNumber) }.joined(separator: ", ")), not \(tryNumber)", status: ExitStatus.usage)
            }
            chosen = [one]
        } else {
            chosen = [tries.last!]
        }
        for t in chosen {
            if selection.json {
                print("{\"task\":\(jsonString(task)),\"try\":\(t.tryNumber),\"state\":\(jsonString(t.state.rawValue)),\"started_at\":\(jsonString(formatClock(t.startedAt))),\"ended_at\":\(jsonValue(t.endedAt.map(formatClock))),\"error\":\(jsonValue(t.error)),\"log\":\(jsonValue(t.log))}")
            } else {
                print("# \(record.pipeline) \(record.runID) \(task) try \(t.tryNumber) of \(tries.count): \(t.state.rawValue), \(seconds(t.startedAt, t.endedAt))")
                if let log = t.log, !log.isEmpty { print(log) }
                if let error = t.error, !(t.log ?? "").contains(error) { print(ErrorFormatter.line(error)) }
            }
        }
    }
}

struct ClearCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear",
        abstract: "Forget a run's task results so the next `sluice run` does them again.",
        discussion: """
        Without TASK every task is cleared; with TASK that task and every task downstream of
        it (they would read its new output). Tries stay recorded.
        Examples:
          sluice clear 2024-06-01 --pipeline pipeline.yaml
          sluice clear 2024-06-01 transform --pipeline pipeline.yaml
        """
    )

    @OptionGroup var selection: RunSelection

    @Argument(help: "A task to clear, with everything downstream of it.")
    var task: String?

    func run() throws {
        let (spec, store, record) = try selection.resolve()
        var cleared: [String]? = nil
        if let task {
            guard let spec else { throw CommandFailure(description: "error: clearing one task needs --pipeline (to find what runs after it)", status: ExitStatus.usage) }
            guard spec.task(named: task) != nil else {
                throw CommandFailure(description: "error: pipeline \(spec.name) has no task \(task)"
                                     + (suggestion(for: task, among: spec.tasks.map(\.name)).map { "\n  hint: did you mean \($0)?" } ?? ""), status: ExitStatus.usage)
            }
            cleared = spec.downstream(of: task)
        }
        try store.clear(pipeline: record.pipeline, runID: record.runID, tasks: cleared)
        if selection.json {
            print("{\"run_id\":\(jsonString(record.runID)),\"cleared\":\(cleared.map { "[" + $0.map(jsonString).joined(separator: ",") + "]" } ?? "\"all\"")}")
        } else {
            print("cleared \(cleared?.joined(separator: ", ") ?? "every task") of \(record.pipeline) \(record.runID); `sluice run` will run \(cleared == nil ? "them" : "them") again")
        }
    }
}

/// Set by SIGINT/SIGTERM while `sluice schedule` runs.
nonisolated(unsafe) var stopRequested: sig_atomic_t = 0

struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Run pipelines on their schedules until stopped (SIGINT/SIGTERM).",
        discussion: """
        Starts each pipeline's run once its interval has ended (cron or @hourly/@daily/@weekly/
        @monthly, in the pipeline's timezone), with catchup, max_active_runs and depends_on_past;
        a run not finished within the pipeline's sla is recorded and logged as an SLA miss.
        Everything is in the state store, so a restarted scheduler never runs an interval twice
        and resumes runs a dead process left behind. On SIGTERM it starts nothing new, lets
        running tasks finish for --grace, then cancels them (shell commands get SIGTERM).
        Examples:
          sluice schedule examples/user_analytics/pipeline.yaml
          sluice schedule a.yaml b.yaml --state postgres://sluice@db/sluice --grace 2m
          sluice schedule pipeline.yaml --once      # start what is due, wait for it, exit
        """
    )

    @Argument(help: "Pipeline files (YAML).")
    var pipelines: [String]

    @Option(name: .long, help: ArgumentHelp("How long running tasks may finish after SIGTERM before they are cancelled.", valueName: "duration"))
    var grace: String = "30s"

    @Flag(name: .long, help: "Start what is due now, wait for it, and exit.")
    var once = false

    @Option(name: .long, help: ArgumentHelp("State store for every pipeline (default: .sluice/state.db beside each).", valueName: "url"))
    var state: String?

    @OptionGroup var metricsOptions: ServeMetricsOptions

    func run() async throws {
        guard let graceSeconds = parseDuration(grace) else { throw ValidationError("--grace must be a duration like 30s or 2m, not '\(grace)'") }
        var entries: [Scheduler.Entry] = []
        let specs = try pipelines.map(loadPipeline)
        let stores = try specs.map { try StateStore(url: state ?? StateStore.defaultURL(for: $0)) }
        let observability = try makeObservability(for: Array(zip(specs, stores)))
        let server = try metricsOptions.start(observability)
        defer { server?.stop(); observability.flush() }
        let lineage = LineageSetup(for: specs, observability: observability)
        defer { lineage.flush() }
        for ((path, spec), store) in zip(zip(pipelines, specs), stores) {
            if spec.schedule == nil { printError("warning: \(path) has no schedule; the scheduler will not start it") }
            let runner = PipelineRunner(pipeline: spec, store: store)
            runner.observer = lineage.observer(with: observability.observer)
            runner.onEvent = { event in
                if case .tryFinished(let task, let n, let s, let secs, _, let error) = event, s != .success {
                    printError("  \(spec.name): \(task) try \(n) \(s.rawValue) after \(fixed(secs, digits: 2)) s: \(error ?? "")")
                }
            }
            entries.append(Scheduler.Entry(pipeline: spec, runner: runner))
        }
        let scheduler = Scheduler(entries: entries)
        scheduler.observer = observability.observer
        scheduler.onEvent = { event in
            switch event {
            case .runStarting(let p, let runID, let resumed):
                printError("\(formatClock(SystemClock().now())) \(p) \(runID): \(resumed ? "resuming" : "starting")")
            case .runFinished(let p, let summary):
                printError("\(formatClock(SystemClock().now())) \(p) \(summary.run.runID): \(summary.alreadySucceeded ? "already succeeded" : summary.run.state.rawValue)")
            case .runError(let p, let runID, let error):
                printError("\(formatClock(SystemClock().now())) \(p) \(runID): \(ErrorFormatter.line(error))")
            case .slaMiss(let p, let runID, let deadline):
                printError("\(formatClock(SystemClock().now())) SLA MISS: \(p) \(runID) was not finished by \(formatClock(deadline))")
            }
        }
        if once {
            try scheduler.tick()
            await scheduler.drain()
            return
        }
        signal(SIGINT) { _ in stopRequested = 1 }
        signal(SIGTERM) { _ in stopRequested = 1 }
        printError("scheduling \(entries.map(\.pipeline.name).joined(separator: ", ")); stop with SIGINT or SIGTERM")
        await scheduler.run(grace: Int64(graceSeconds * 1e6)) { stopRequested != 0 }
        printError("scheduler stopped")
    }
}

/// SLA deadlines of the runs that missed theirs, by `pipeline|run`.
func slaMissed(_ runs: [RunRecord], store: StateStore) throws -> [String: Int64] {
    var missed: [String: Int64] = [:]
    for pipeline in Set(runs.map(\.pipeline)) {
        for miss in try store.slaMisses(pipeline: pipeline) { missed[pipeline + "|" + miss.runID] = miss.deadline }
    }
    return missed
}
