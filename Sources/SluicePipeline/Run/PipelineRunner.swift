#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SluiceCore
import SluiceFormats
import SluiceQuality

/// What to run: one logical date of a pipeline.
public struct RunRequest: Sendable {
    /// Any instant in or at the start of the interval (µs since the epoch); a plain date
    /// means the first fire time of that day.
    public var logicalDate: Int64
    /// Run every task again even when the run already succeeded.
    public var rerun = false
    /// Overrides of the pipeline's `params`.
    public var params: [String: String] = [:]
    /// `manual`, `scheduled` or `backfill`, recorded with the run.
    public var trigger = "manual"

    public init(logicalDate: Int64, rerun: Bool = false, params: [String: String] = [:], trigger: String = "manual") {
        self.logicalDate = logicalDate
        self.rerun = rerun
        self.params = params
        self.trigger = trigger
    }
}

/// How a run ended, with what the state store recorded.
public struct RunSummary: Sendable {
    public var run: RunRecord
    /// Task instances in DAG order.
    public var tasks: [TaskInstanceRecord]
    public var checks: [StoredCheckResult]
    /// The run had already succeeded, so nothing ran.
    public var alreadySucceeded: Bool
    /// Tasks that this invocation executed (the rest had succeeded before).
    public var executed: [String]
    public var succeeded: Bool { run.state == .success }

    public init(run: RunRecord, tasks: [TaskInstanceRecord], checks: [StoredCheckResult], alreadySucceeded: Bool, executed: [String]) {
        self.run = run
        self.tasks = tasks
        self.checks = checks
        self.alreadySucceeded = alreadySucceeded
        self.executed = executed
    }
}

/// Progress the runner reports while it works (the CLI prints these).
public enum RunEvent: Sendable {
    case runStarted(runID: String, resumed: Bool)
    /// A resumed run found `task`'s earlier success stale (`reason`): it and `rerunning` run again.
    case staleWork(task: String, reason: String, rerunning: [String])
    case taskSkipped(task: String, reason: String)
    case tryStarted(task: String, tryNumber: Int)
    case tryFinished(task: String, tryNumber: Int, state: TaskState, seconds: Double, rowsOut: Int?, error: String?)
    case retryScheduled(task: String, nextTry: Int, delayMicroseconds: Int64)
    case runFinished(runID: String, state: RunState, seconds: Double)
    /// A state-store operation failed (`operation` as in ``StateStoreFailed``); `error` says why.
    case stateStoreFailed(task: String?, operation: String, error: String)
}

/// Executes runs of one pipeline against a state store.
///
/// Independent tasks run at once (up to `max_parallel_tasks`); each try is recorded;
/// failed tries are retried per the task's policy; a try past its timeout is cancelled
/// and counts as failed; downstream of a failure is `upstream_failed`. A second call
/// for a succeeded run is a no-op; a call for a failed or interrupted run resumes it,
/// running only the tasks that have not succeeded.
public final class PipelineRunner: @unchecked Sendable {   // settings are @Synchronized; run state is guarded by each run's own locks
    public let pipeline: Pipeline
    public let store: StateStore
    public let clock: any PipelineClock
    /// Receives progress; called from several threads.
    @Synchronized public var onEvent: (@Sendable (RunEvent) -> Void)?
    /// Receives typed events (runs, tries, checks); called synchronously from several threads.
    @Synchronized public var observer: (any EventObserver)?
    /// Where run artifacts (tables between tasks) live: `.sluice/artifacts` beside the pipeline.
    @Synchronized public var artifactsRoot: String
    /// Keep a succeeded run's artifacts (default: delete them; nothing will resume it).
    @Synchronized public var keepArtifacts = false
    /// Seed for retry jitter.
    @Synchronized public var jitterSeed: UInt64 = 0x5eed
    /// Let `--param` values templated into file paths point outside the pipeline's directory.
    @Synchronized public var allowsOutsidePaths = false
    /// Heartbeat period while a run holds its lease, µs.
    @Synchronized public var heartbeatInterval: Int64 = 10_000_000

    /// The table file format of run artifacts.
    public static let artifactExtension = "sluice"

    public init(pipeline: Pipeline, store: StateStore, clock: any PipelineClock = SystemClock()) {
        self.pipeline = pipeline
        self.store = store
        self.clock = clock
        self.artifactsRoot = pipeline.resolve(".sluice/artifacts")
    }

    /// The schedule's view of `request`: logical date, interval and run id.
    public func interval(for logicalDate: Int64) throws -> (logical: Int64, start: Int64, end: Int64, runID: String) {
        let schedule = try PipelineSchedule(pipeline.schedule, timeZone: pipeline.timeZone)
        let logical = schedule.logicalDate(for: logicalDate)
        let end = schedule.next(after: logical)
        return (logical, logical, end, Self.runID(for: logical))
    }

    /// `2024-01-02` for a midnight UTC logical date, else the ISO timestamp.
    public static func runID(for logical: Int64) -> String {
        logical % 86_400_000_000 == 0 ? formatDate(daysSinceEpoch: Int32(floorDiv(logical, 86_400_000_000))) : isoTimestamp(logical)
    }

    func emit(_ event: RunEvent) { onEvent?(event) }

    /// Runs (or resumes, or skips) one logical date.
    ///
    /// - Throws: ``PipelineError`` `.runLocked` when another live process is running it,
    ///   `.invalidRequest` for a date before `start_date`; task failures do not throw —
    ///   they are in the summary.
    public func run(_ request: RunRequest) async throws -> RunSummary {
        let (logical, start, end, runID) = try interval(for: request.logicalDate)
        if let startDate = pipeline.startDate, end <= startDate {
            throw PipelineError(.invalidRequest, message: "\(runID) is before the pipeline's start_date \(isoTimestamp(startDate))")
        }
        let name = pipeline.name
        let started = monotonicSeconds()
        let existing = try store.ensureRun(pipeline: name, runID: runID, logicalDate: logical, interval: (start, end),
                                           trigger: request.trigger, now: clock.now())
        if existing.state == .success && !request.rerun {
            return try summary(runID: runID, alreadySucceeded: true, executed: [])
        }
        guard try store.claim(pipeline: name, runID: runID, now: clock.now(), rerun: request.rerun) else {
            let holder = try store.run(pipeline: name, runID: runID)
            // Another process finished it between our read and our claim.
            if holder?.state == .success && !request.rerun { return try summary(runID: runID, alreadySucceeded: true, executed: []) }
            throw PipelineError(.runLocked, message: "run \(name) \(runID) is being run by \(holder?.owner ?? "another process")",
                                hint: "wait for it to finish; if that process is gone, the lease expires a minute after its last heartbeat")
        }
        let identity = RunIdentity(pipeline: name, runID: runID, logicalDate: logical, intervalStart: start, intervalEnd: end)
        notify(.runClaimed(RunClaimed(run: identity, trigger: request.trigger, owner: store.owner, time: clock.now())))
        let artifacts = artifactsRoot + "/" + name + "/" + runID
        if request.rerun {
            try store.clear(pipeline: name, runID: runID)
            removeTree(artifacts)
        }
        try makeDirectories(artifacts)
        let variables = try self.variables(for: request)

        // What earlier invocations finished; a success whose table is gone is redone.
        var states: [String: TaskState] = [:]
        var artifactPaths: [String: String] = [:]
        var previousTries: [String: Int] = [:]
        for record in try store.taskInstances(pipeline: name, runID: runID) {
            previousTries[record.task] = record.tries
            guard record.state == .success, let task = pipeline.task(named: record.task) else { continue }
            if task.producesTable {
                guard let path = record.artifact, fileExists(path) else { continue }
                artifactPaths[record.task] = path
            }
            states[record.task] = .success
        }
        // A success is reused only while what it computed from is unchanged.
        let fingerprints = TaskFingerprint.compute(pipeline, variables: variables)
        let recorded = try store.fingerprints(pipeline: name, runID: runID)
        var changed: [(task: String, reason: String)] = []
        for task in pipeline.topologicalOrder() where states[task.name] == .success {
            if pipeline.ancestors(of: task).contains(where: { states[$0] != .success }) {
                states[task.name] = nil          // a redone task invalidates what ran after it
            } else if recorded[task.name] != fingerprints[task.name] {
                states[task.name] = nil
                changed.append((task.name, recorded[task.name] == nil ? "no fingerprint was recorded" : "its spec, inputs or upstream changed"))
            }
        }
        emit(.runStarted(runID: runID, resumed: !states.isEmpty))
        if let first = changed.first {
            let again = pipeline.topologicalOrder().map(\.name).filter { states[$0] == nil }
            emit(.staleWork(task: first.task, reason: first.reason, rerunning: again))
        }
        notify(.runStarted(RunStarted(run: identity, trigger: request.trigger, resumed: !states.isEmpty, owner: pipeline.owner, time: clock.now())))

        let shared = RunShared(artifactPaths: artifactPaths, fingerprints: fingerprints)
        // The lease is real time for other processes, whatever clock the runner is given.
        let heartbeat = Task { [self, store, clock, heartbeatInterval] in
            while !Task.isCancelled {
                try? await SystemClock().sleep(microseconds: heartbeatInterval)
                if Task.isCancelled { break }
                recordState(.heartbeat, run: identity, task: nil) { try store.heartbeat(pipeline: name, runID: runID, now: clock.now()) }
            }
        }
        defer { heartbeat.cancel() }

        var executed: [String] = []
        var running = 0
        var random = SplitMix64(seed: jitterSeed &+ UInt64(bitPattern: logical))
        await withTaskGroup(of: (String, TaskState).self) { group in
            while true {
                // Mark what can no longer run, start what can.
                var progressed = true
                while progressed {
                    progressed = false
                    for task in pipeline.tasks where states[task.name] == nil {
                        let ups = task.upstream.map { states[$0] }
                        guard ups.allSatisfy({ $0 != nil && $0 != .running }) else { continue }
                        let allSucceeded = ups.allSatisfy { $0 == .success }
                        // The trigger rule; a task that reads an input table still needs that table.
                        var (blocker, blockedState) = task.triggerRule.blocker(upstream: ups.compactMap { $0 })
                        if blocker == nil, !allSucceeded, task.needsInput, let input = try? pipeline.inputTask(of: task), states[input] != .success {
                            (blocker, blockedState) = ("its input task \(input) did not succeed", .upstreamFailed)
                        }
                        if var blocker {
                            let roots = pipeline.failedRoots(of: task, states: states)
                            if blockedState == .upstreamFailed, !roots.isEmpty {
                                blocker = Self.notRunReason(task, rule: task.triggerRule, failedRoots: roots)
                            }
                            states[task.name] = blockedState
                            recordState(.setTaskState, run: identity, task: task.name) {
                                try store.setTaskState(pipeline: name, runID: runID, task: task.name, state: blockedState,
                                                       tries: previousTries[task.name] ?? 0, error: blocker)
                            }
                            emit(.taskSkipped(task: task.name, reason: blocker))
                            progressed = true
                            continue
                        }
                        guard running < pipeline.maxParallelTasks else { continue }
                        states[task.name] = .running
                        running += 1
                        executed.append(task.name)
                        let firstTry = (previousTries[task.name] ?? 0) + 1
                        let seed = random.next()
                        let upstream = allSucceeded ? task.upstream.map { UpstreamState(task: $0, state: .success) }
                            : upstreamStates(of: task, states: states, run: identity)
                        group.addTask {
                            let state = await self.runTask(task, firstTry: firstTry, variables: variables, artifacts: artifacts,
                                                           shared: shared, seed: seed, upstream: upstream)
                            return (task.name, state)
                        }
                        progressed = true
                    }
                }
                guard let (taskName, state) = await group.next() else { break }
                running -= 1
                states[taskName] = state
            }
        }
        await shared.waitForWrites()
        let failed = pipeline.tasks.contains { states[$0.name] != .success && states[$0.name] != .skipped }
        let finalState: RunState = failed ? .failed : .success
        try store.setRunState(pipeline: name, runID: runID, state: finalState, now: clock.now(),
                              message: failed ? pipeline.failureMessage(states: states) : nil,
                              release: true)
        if !failed && !keepArtifacts { removeTree(artifacts) }
        emit(.runFinished(runID: runID, state: finalState, seconds: monotonicSeconds() - started))
        let failedTasks = pipeline.topologicalOrder().map(\.name).filter { states[$0] != .success && states[$0] != .skipped }
        notify(.runFinished(RunFinished(run: identity, trigger: request.trigger, outcome: failed ? .failed : .success,
                                        durationSeconds: monotonicSeconds() - started, failedTasks: failedTasks,
                                        error: failed ? EventError(message: "failed: " + failedTasks.joined(separator: ", ")) : nil,
                                        time: clock.now())))
        return try summary(runID: runID, alreadySucceeded: false, executed: executed)
    }

    func summary(runID: String, alreadySucceeded: Bool, executed: [String]) throws -> RunSummary {
        let records = try store.taskInstances(pipeline: pipeline.name, runID: runID)
        let order = pipeline.topologicalOrder().map(\.name)
        let sorted = records.sorted { (order.firstIndex(of: $0.task) ?? .max) < (order.firstIndex(of: $1.task) ?? .max) }
        return RunSummary(run: try store.run(pipeline: pipeline.name, runID: runID)!, tasks: sorted,
                          checks: try store.checkResults(pipeline: pipeline.name, runID: runID),
                          alreadySucceeded: alreadySucceeded, executed: executed)
    }

    /// Every try of one task until it succeeds, runs out of retries, or fails for good.
    func runTask(_ task: PipelineTask, firstTry: Int, variables: RunVariables, artifacts: String,
                 shared: RunShared, seed: UInt64, upstream: [UpstreamState] = []) async -> TaskState {
        let name = pipeline.name, runID = variables.runID, identity = variables.identity
        let store = self.store
        let settings = (task.settings ?? TaskSettings()).merged(over: pipeline.defaults)
        let attempts = (settings.retries ?? 0) + 1
        var random = SplitMix64(seed: seed)
        var tryNumber = firstTry
        let firstStart = clock.now()
        for attempt in 1...attempts {
            if attempt > 1 {
                let delay = settings.delay(beforeTry: attempt, random: &random)
                recordState(.setTaskState, run: identity, task: task.name) {
                    try store.setTaskState(pipeline: name, runID: runID, task: task.name, state: .upForRetry, tries: tryNumber - 1, startedAt: firstStart)
                }
                emit(.retryScheduled(task: task.name, nextTry: tryNumber, delayMicroseconds: delay))
                do { try await clock.sleep(microseconds: delay) } catch { return .cancelled }
            }
            let tryStart = clock.now()
            let began = monotonicSeconds()
            switch recordState(.startTry, run: identity, task: task.name, {
                try store.startTry(pipeline: name, runID: runID, task: task.name, tryNumber: tryNumber, now: tryStart)
            }) {
            case .success(true):
                break
            case .success(false):
                // The lease went to another owner (our heartbeat went stale): it runs the task, not us.
                emit(.tryFinished(task: task.name, tryNumber: tryNumber, state: .cancelled, seconds: 0, rowsOut: nil,
                                  error: "run \(name) \(runID) was taken over by another owner; task \"\(task.name)\" not started here"))
                return .cancelled
            case .failure(let error):
                // The try cannot be claimed, so it does not run: it fails, and is tried again when the store's error is transient.
                emit(.tryFinished(task: task.name, tryNumber: tryNumber, state: .failed, seconds: 0, rowsOut: nil, error: error.description))
                let last = attempt == attempts || !error.retryable
                recordState(.setTaskState, run: identity, task: task.name) {
                    try store.setTaskState(pipeline: name, runID: runID, task: task.name, state: last ? .failed : .upForRetry, tries: tryNumber,
                                           startedAt: firstStart, endedAt: last ? clock.now() : nil, error: error.description)
                }
                if last { return .failed }
                tryNumber += 1
                continue
            }
            recordState(.setTaskState, run: identity, task: task.name) {
                try store.setTaskState(pipeline: name, runID: runID, task: task.name, state: .running, tries: tryNumber, startedAt: firstStart)
            }
            emit(.tryStarted(task: task.name, tryNumber: tryNumber))
            let datasets: (inputs: [EventDataset], outputs: [EventDataset]) = observer == nil ? ([], []) : task.datasets(in: pipeline, variables: variables)
            notify(.taskTryStarted(TaskTryStarted(run: variables.identity, task: task.name, kind: task.action.kind, tryNumber: tryNumber,
                                                  inputs: datasets.inputs, outputs: datasets.outputs, time: tryStart)))
            let context = TaskContext(pipeline: pipeline, task: task, variables: variables, tryNumber: tryNumber,
                                      tables: { try shared.table(of: $0) }, chunks: { try shared.chunks(of: $0) })
            context.upstream = upstream
            context.checkHistory = { suite, dataset in try store.checkHistory(for: suite, dataset: dataset, pipeline: name, runID: runID) }
            var state: TaskState
            var message: String?
            var retryable = true
            var output: TaskOutput?
            var checks: [CheckResult] = []
            var checkedRows: Int?
            var pendingArtifact: (ChunkedTable, String)?
            var outputSchema: Schema?
            var category: ErrorCategory?
            do {
                var result = try await attemptWithTimeout(task, context, timeout: settings.timeout)
                if let source = result.passthroughOf {
                    // The table is the input's, unchanged: share its artifact instead of writing a copy.
                    try shared.alias(task.name, to: source)
                } else if let table = result.chunkedTable {
                    // Downstream tasks use the table in memory at once; the artifact is written
                    // meanwhile, and the task's success is recorded once it is durable.
                    let path = artifacts + "/" + task.name + "." + Self.artifactExtension
                    shared.store(task.name, table: table, path: path)
                    pendingArtifact = (table, path)
                }
                outputSchema = result.outputSchema ?? result.chunkedTable?.schema
                result.table = nil
                result.chunks = nil
                output = result
                checks = result.checks
                state = .success
            } catch {
                // Only transient errors are retried; spec, data and permanent errors fail the task now.
                // Errors that are not Sluice's (a closure's own) keep the task's retry policy.
                (state, message, retryable) = Self.failure(error, &checks)
                checkedRows = (error as? QualityGateFailure)?.rowCount
                category = (error as? any SluiceError)?.category
            }
            if Task.isCancelled, state != .success { state = .cancelled; retryable = false }
            if let message { context.log(message) }
            let now = clock.now()
            if case .failure(let error) = recordState(.finishTry, run: identity, task: task.name, {
                try store.finishTry(pipeline: name, runID: runID, task: task.name, tryNumber: tryNumber, state: state, now: now,
                                    rowsIn: output?.rowsIn, rowsOut: output?.rowsOut, error: message, log: context.logText)
            }) {
                // The try's end is not recorded, so its outcome cannot count: it fails, and is
                // tried again when both it and the store's error allow.
                retryable = (state == .success || retryable) && error.retryable
                if state != .cancelled { state = .failed }
                message = (message.map { $0 + "\n" } ?? "") + error.description
                category = category ?? error.category
            }
            if !checks.isEmpty {
                let suite: (dataset: String, file: String?) = {
                    if case .check(let action) = task.action { return (action.dataset(pipeline: name, task: task.name), action.suite.file) }
                    return (name + "/" + task.name, nil)
                }()
                recordState(.recordChecks, run: identity, task: task.name) {
                    try store.recordChecks(pipeline: name, runID: runID, task: task.name, tryNumber: tryNumber, dataset: suite.dataset,
                                           suite: suite.file, datasetRows: output?.rowsIn ?? checkedRows ?? checks.first?.rowCount ?? 0,
                                           results: checks, now: now)
                }
            }
            emit(.tryFinished(task: task.name, tryNumber: tryNumber, state: state, seconds: monotonicSeconds() - began,
                              rowsOut: output?.rowsOut, error: message))
            if observer != nil {
                notifyTryFinished(task, variables: variables, tryNumber: tryNumber, state: state,
                                  willRetry: state != .success && attempt < attempts && retryable, output: output,
                                  outputSchema: outputSchema, seconds: monotonicSeconds() - began, message: message,
                                  datasets: datasets, checks: checks, now: now, category: category)
            }
            if state == .success {
                let (store, rowsIn, rowsOut, artifact) = (self.store, output?.rowsIn, output?.rowsOut, shared.path(of: task.name))
                let fingerprint = shared.fingerprints[task.name]
                let record: @Sendable () -> Void = { [self, tryNumber] in
                    if let fingerprint {
                        recordState(.recordFingerprint, run: identity, task: task.name) {
                            try store.recordFingerprint(pipeline: name, runID: runID, task: task.name, fingerprint: fingerprint, now: now)
                        }
                    }
                    recordState(.setTaskState, run: identity, task: task.name) {
                        try store.setTaskState(pipeline: name, runID: runID, task: task.name, state: .success, tries: tryNumber,
                                               startedAt: firstStart, endedAt: now, rowsIn: rowsIn, rowsOut: rowsOut, artifact: artifact)
                    }
                }
                if let (table, path) = pendingArtifact { shared.persist(table, to: path, then: record) } else { record() }
                return .success
            }
            let last = attempt == attempts || !retryable
            recordState(.setTaskState, run: identity, task: task.name) {
                try store.setTaskState(pipeline: name, runID: runID, task: task.name, state: last ? (state == .cancelled ? .cancelled : .failed) : .upForRetry,
                                       tries: tryNumber, startedAt: firstStart, endedAt: last ? now : nil, error: message)
            }
            if last { return state == .cancelled ? .cancelled : .failed }
            tryNumber += 1
        }
        return .failed
    }

    /// The state, log text and retry decision of a try that threw `error`.
    static func failure(_ error: any Error, _ checks: inout [CheckResult]) -> (TaskState, String, Bool) {
        if let gate = error as? QualityGateFailure { checks = gate.results }
        guard let error = error as? any SluiceError else { return (.failed, ErrorFormatter.text(of: error), true) }
        let pipelineCode = (error as? PipelineError)?.code
        let state: TaskState = pipelineCode == .timeout ? .timedOut : (pipelineCode == .cancelled && Task.isCancelled ? .cancelled : .failed)
        if error.category.isRetryable { return (state, error.description, true) }
        return (state, error.description + "\n  not retried: \(error.category): \(error.category.whyNotRetried)", false)
    }

    /// One try, cancelled when it runs past `timeout` µs.
    func attemptWithTimeout(_ task: PipelineTask, _ context: TaskContext, timeout: Int64?) async throws -> TaskOutput {
        guard let timeout else { return try await TaskExecution.execute(task, context) }
        let clock = self.clock
        return try await withThrowingTaskGroup(of: TaskOutput?.self) { group in
            group.addTask { try await TaskExecution.execute(task, context) }
            group.addTask {
                try await clock.sleep(microseconds: timeout)
                return nil
            }
            let first = try await group.next()!
            if let output = first {
                group.cancelAll()
                return output
            }
            context.cancel()
            group.cancelAll()
            while (try? await group.next()) != nil {}
            throw PipelineError(.timeout, message: "task \"\(task.name)\" ran past its timeout of \(formatSeconds(Double(timeout) / 1e6)) and was cancelled")
        }
    }
}

/// Tables produced during a run, shared by the task threads.
final class RunShared: @unchecked Sendable {   // `paths`, `tables`, `writes` are guarded by `lock`
    private let lock = Lock()
    private var paths: [String: String]
    /// Each task's table as it was made (a SQL extract's chunks), combined once on first
    /// ``table(of:)``.
    private var tables: [String: ChunkedTable] = [:]
    /// What each task computes from this time (``TaskFingerprint``), recorded with its success.
    let fingerprints: [String: String]

    init(artifactPaths: [String: String], fingerprints: [String: String] = [:]) {
        paths = artifactPaths
        self.fingerprints = fingerprints
    }

    func store(_ task: String, table: ChunkedTable, path: String) {
        lock.locked {
            tables[task] = table
            paths[task] = path
        }
    }

    func path(of task: String) -> String? { lock.locked { paths[task] } }

    private var writes: [Task<Void, Never>] = []

    /// `task`'s table is `source`'s, unchanged (a check without quarantine).
    func alias(_ task: String, to source: String) throws {
        let table = try self.chunks(of: source)
        lock.locked {
            tables[task] = table
            paths[task] = paths[source]
        }
    }

    /// Writes `table` to `path` on its own thread, then calls `then` (only if the write succeeded).
    func persist(_ table: ChunkedTable, to path: String, then: @escaping @Sendable () -> Void) {
        let write = Task.detached {
            let ok = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                do {
                    try WorkerThread.start(name: "artifact write", detached: true) {
                        continuation.resume(returning: (try? Self.write(table, to: path)) != nil)
                    }
                } catch {
                    continuation.resume(returning: false)
                }
            }
            if ok { then() }
        }
        lock.locked { writes.append(write) }
    }

    /// Writes `table` chunk by chunk (the file's record batches): no concatenation.
    static func write(_ table: ChunkedTable, to path: String) throws {
        var writer = try TableFile.openWriter(path: path)
        if table.chunks.isEmpty { try writer.write(Table(emptyWith: table.schema)) }
        for chunk in table.chunks { try writer.write(chunk) }
        try writer.finish()
    }

    /// Waits until every artifact started so far is written.
    func waitForWrites() async {
        while true {
            let pending: [Task<Void, Never>] = lock.locked { defer { writes = [] }; return writes }
            if pending.isEmpty { return }
            for write in pending { await write.value }
        }
    }

    /// The table of `task`: kept in memory when this process made it, else read from its artifact.
    func table(of task: String) throws -> Table {
        let chunks = try self.chunks(of: task)
        guard chunks.chunks.count > 1 else { return try chunks.combined() }
        // Concatenated once; later readers share the one table.
        let table = try chunks.combined()
        lock.locked { tables[task] = ChunkedTable(table) }
        return table
    }

    /// The table of `task` as it was made (chunks), else read from its artifact.
    func chunks(of task: String) throws -> ChunkedTable {
        if let table = lock.locked({ tables[task] }) { return table }
        guard let path = path(of: task) else {
            throw PipelineError(.missingReference, message: "task \"\(task)\" has no table in this run")
        }
        let table = ChunkedTable(try TableFile.read(path: path).0)
        lock.locked { tables[task] = table }
        return table
    }
}

func fileExists(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0
}

/// `rm -rf` of a run's artifact directory (files one level deep).
func removeTree(_ path: String) {
    guard let dir = opendir(path) else { return }
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if name == "." || name == ".." { continue }
        let child = path + "/" + name
        if unlink(child) != 0 { removeTree(child) }
    }
    closedir(dir)
    rmdir(path)
}

/// `1.5 s`, `5 m`, `2 h` for messages.
func formatSeconds(_ seconds: Double) -> String {
    if seconds < 60 { return seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(Double(Int(seconds * 100)) / 100) s" }
    if seconds < 3600 { return "\(Int(seconds / 60)) m" + (Int(seconds) % 60 == 0 ? "" : " \(Int(seconds) % 60) s") }
    return "\(Int(seconds / 3600)) h" + (Int(seconds) % 3600 == 0 ? "" : " \(Int(seconds) % 3600 / 60) m")
}
