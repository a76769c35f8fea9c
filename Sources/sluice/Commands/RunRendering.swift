import SluiceCore
import SluiceQuality
import SluiceObserve
import SluiceQuality
import SluicePipeline
import SluiceQuality

// How the pipeline commands print runs: progress events, the summary table, JSON.

func formatClock(_ micros: Int64?) -> String {
    guard let micros else { return "-" }
    return formatTimestamp(microsecondsSinceEpoch: micros / 1_000_000 * 1_000_000)
}

func seconds(_ start: Int64?, _ end: Int64?) -> String {
    guard let start, let end else { return "-" }
    return fixed(Double(end - start) / 1e6, digits: 2) + " s"
}

/// A failed run's stored message without its own "failed: " (the command says "failed:" already).
func runFailureText(_ message: String?) -> String {
    let text = message ?? ""
    return text.hasPrefix("failed: ") ? String(text.dropFirst(8)) : text
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
    case .stateStoreFailed(let task, let operation, let error):
        printError("  ! state store \(operation)\(task.map { " (\($0))" } ?? ""): \(ErrorFormatter.line(error))")
    }
}

func printSummary(_ summary: RunSummary, pipeline: String, json: Bool) {
    if json {
        print(summary.json.rendered())
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
        rows.append([t.task, taskStateText(t), String(t.tries), t.rowsIn.map(grouped) ?? "-", t.rowsOut.map(grouped) ?? "-",
                     seconds(t.startedAt, t.endedAt)])
    }
    printTable(header, rows)
    let finalChecks = summary.latestChecks
    if !finalChecks.isEmpty {
        print("checks:")
        printTable(["task", "check", "severity", "outcome", "value", "threshold", "failing rows"], finalChecks.map { c in
            [c.task, c.name, c.severity, c.outcome, c.observed.map(measure) ?? "-", c.threshold.map(measure) ?? "-", grouped(c.failingRows)]
        })
        let passed = finalChecks.filter { $0.outcome == "passed" }.count
        print("  total \(finalChecks.count), passed \(passed), failed \(finalChecks.filter { $0.outcome == "failed" }.count), pass rate \(fixed(Double(passed) * 100 / Double(finalChecks.count), digits: 1))%")
    }
    print("run took \(seconds(run.startedAt, run.endedAt))" + runCoverageText(summary))
}

/// A task's state in the summary table: `upstream_failed` reads "not run (upstream extract failed)".
func taskStateText(_ task: TaskInstanceRecord) -> String {
    guard task.state == .upstreamFailed else { return task.state.rawValue }
    return "not run (\(task.error ?? "an upstream task failed"))"
}

/// ` (ran 2 of 4 tasks; 2 had succeeded before)`: what this invocation ran and why the rest did
/// not — earlier success, upstream failure or a trigger rule; empty when it ran every task.
func runCoverageText(_ summary: RunSummary) -> String {
    let executed = Set(summary.executed)
    guard executed.count < summary.tasks.count else { return "" }
    let rest = summary.tasks.filter { !executed.contains($0.task) }
    var parts: [String] = []
    let before = rest.filter { $0.state == .success }.count
    if before > 0 { parts.append("\(before) had succeeded before") }
    let notRun = rest.filter { $0.state == .upstreamFailed }.count
    if notRun > 0 { parts.append("\(notRun) not run because an upstream task failed") }
    let skipped = rest.filter { $0.state == .skipped }.count
    if skipped > 0 { parts.append("\(skipped) skipped by \(skipped == 1 ? "its trigger rule" : "their trigger rules")") }
    let other = rest.count - before - notRun - skipped
    if other > 0 { parts.append("\(other) not started") }
    return " (ran \(executed.count) of \(summary.tasks.count) tasks; \(parts.joined(separator: ", ")))"
}

/// What to do after a failed run: read the log of the task that failed, fix the cause, run
/// the same command again (it resumes and reruns what changed).
func runFailureHint(_ summary: RunSummary, pipelinePath: String) -> String {
    let runID = summary.run.runID
    let failed = summary.tasks.first { $0.state == .failed || $0.state == .timedOut || $0.state == .cancelled }?.task ?? "TASK"
    return "see `sluice logs \(runID) \(failed) --pipeline \(pipelinePath)`; after fixing the cause, "
        + "`sluice run \(pipelinePath) --date \(runID)` resumes the run: failed tasks run again, and so does every task "
        + "whose spec or inputs changed since it succeeded, with everything downstream of it (`--rerun` runs every task)"
}

/// `29,411` for whole numbers (counts), `0.0010` for fractions.
func measure(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? grouped(Int(value)) : fixed(value, digits: 4)
}

func printTable(_ header: [String], _ rows: [[String]]) {
    var widths = header.map { displayWidth($0) }
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], displayWidth(cell)) } }
    print("  " + header.enumerated().map { $0.element.padding(to: widths[$0.offset]) }.joined(separator: "  "))
    for row in rows { print("  " + row.enumerated().map { $0.element.padding(to: widths[$0.offset]) }.joined(separator: "  ")) }
}

/// A run's state for people: `running` under an owner that is gone reads
/// `abandoned (owner host:pid#n is gone; the next run takes it over)`.
func stateText(_ run: RunRecord) -> String {
    guard StateStore.isAbandoned(run, now: SystemClock().now()) else { return run.state.rawValue }
    return "abandoned (owner \(run.owner ?? "?") is gone; the next `sluice run` takes it over)"
}

// MARK: JSON (through the one JSON writer, `JSONValue`)

extension JSONValue {
    init(_ text: String?) { self = text.map(JSONValue.string) ?? .null }
    init(_ number: Int?) { self = number.map { .integer(Int64($0)) } ?? .null }
    init(_ number: Double?) { self = number.map(JSONValue.number) ?? .null }
    init(strings: [String]) { self = .array(strings.map(JSONValue.string)) }
    /// A time as `2024-01-02T03:04:05Z`, or null.
    init(clock micros: Int64?) { self = micros.map { .string(formatClock($0)) } ?? .null }
}

extension RunRecord {
    var json: JSONValue {
        .object([
            ("pipeline", .string(pipeline)), ("run_id", .string(runID)), ("state", .string(state.rawValue)),
            ("owner", JSONValue(owner)), ("abandoned", .bool(StateStore.isAbandoned(self, now: SystemClock().now()))),
            ("trigger", .string(trigger)), ("logical_date", JSONValue(clock: logicalDate)),
            ("data_interval_start", JSONValue(clock: intervalStart)), ("data_interval_end", JSONValue(clock: intervalEnd)),
            ("started_at", JSONValue(clock: startedAt)), ("ended_at", JSONValue(clock: endedAt)), ("message", JSONValue(message)),
        ])
    }
}

extension TaskInstanceRecord {
    var json: JSONValue {
        .object([
            ("task", .string(task)), ("state", .string(state.rawValue)), ("tries", JSONValue(tries)),
            ("rows_in", JSONValue(rowsIn)), ("rows_out", JSONValue(rowsOut)),
            ("started_at", JSONValue(clock: startedAt)), ("ended_at", JSONValue(clock: endedAt)), ("error", JSONValue(error)),
        ])
    }
}

extension StoredCheckResult {
    var json: JSONValue {
        .object([
            ("task", .string(task)), ("try", JSONValue(tryNumber)), ("name", .string(name)), ("kind", .string(kind)),
            ("severity", .string(severity)), ("outcome", .string(outcome)), ("value", JSONValue(observed)),
            ("threshold", JSONValue(threshold)), ("failing_rows", JSONValue(failingRows)), ("row_count", JSONValue(rowCount)),
            ("message", .string(message)),
        ])
    }
}

extension RunSummary {
    var json: JSONValue {
        .object([
            ("run", run.json), ("already_succeeded", .bool(alreadySucceeded)), ("executed", JSONValue(strings: executed)),
            ("tasks", .array(tasks.map(\.json))), ("checks", .array(latestChecks.map(\.json))),
        ])
    }
}

extension TryRecord {
    func json(task: String) -> JSONValue {
        .object([
            ("task", .string(task)), ("try", JSONValue(tryNumber)), ("state", .string(state.rawValue)),
            ("started_at", JSONValue(clock: startedAt)), ("ended_at", JSONValue(clock: endedAt)),
            ("error", JSONValue(error)), ("log", JSONValue(log)),
        ])
    }
}

extension BackfillSummary {
    var json: JSONValue {
        .object([
            ("succeeded", JSONValue(strings: succeeded)), ("failed", JSONValue(strings: failed)),
            ("skipped", JSONValue(strings: skipped)), ("locked", JSONValue(strings: locked)),
        ])
    }
}
