import SluiceCore

/// The long-running scheduler behind `sluice schedule`: starts each pipeline's runs as
/// their intervals end, with catch-up, `max_active_runs`, `depends_on_past` and SLA misses.
///
/// All it knows lives in the state store, so a restarted scheduler picks up where the
/// last one stopped: an interval that has a run is never started again (a run left
/// `running` by a dead process is resumed, not duplicated), and intervals missed while
/// it was down are run when `catchup` is on.
public final class Scheduler: @unchecked Sendable {   // `active`, `tasks`, `serial` are guarded by `lock`; settings are @Synchronized
    public struct Entry: Sendable {
        public let pipeline: Pipeline
        public let runner: PipelineRunner
        public init(pipeline: Pipeline, runner: PipelineRunner) {
            self.pipeline = pipeline
            self.runner = runner
        }
    }

    public enum Event: Sendable {
        case runStarting(pipeline: String, runID: String, resumed: Bool)
        case runFinished(pipeline: String, summary: RunSummary)
        case runError(pipeline: String, runID: String, error: String)
        case slaMiss(pipeline: String, runID: String, deadline: Int64)
    }

    public let entries: [Entry]
    public let clock: any PipelineClock
    @Synchronized public var onEvent: (@Sendable (Event) -> Void)?
    /// Receives typed events (SLA misses; runs report through their runners' observers).
    @Synchronized public var observer: (any EventObserver)?
    private let lock = Lock()
    /// Runs this scheduler has in flight, by pipeline.
    private var active: [String: Set<String>] = [:]
    /// Runs in flight, by a serial number; each removes itself when done.
    private var tasks: [Int: Task<Void, Never>] = [:]
    private var serial = 0

    public init(entries: [Entry], clock: any PipelineClock = SystemClock()) {
        self.entries = entries
        self.clock = clock
    }

    /// The intervals of `entry` that should start now, oldest first (not counting the limit).
    func due(_ entry: Entry, now: Int64) throws -> [(logical: Int64, resume: Bool)] {
        let p = entry.pipeline
        guard p.schedule != nil else { return [] }
        let schedule = try PipelineSchedule(p.schedule, timeZone: p.timeZone)
        let latest = schedule.schedule.latestCompleteInterval(at: now)
        guard latest.end <= now else { return [] }
        var candidates: [Int64]
        if p.catchup, let start = p.startDate {
            candidates = schedule.schedule.intervals(from: start, through: latest.start).map(\.start)
        } else {
            candidates = [latest.start]
        }
        if let start = p.startDate { candidates = candidates.filter { $0 >= start } }
        let store = entry.runner.store
        let inFlight = lock.locked { active[p.name] ?? [] }
        var result: [(Int64, Bool)] = []
        for logical in candidates {
            let runID = PipelineRunner.runID(for: logical)
            guard !inFlight.contains(runID) else { continue }
            if let run = try store.run(pipeline: p.name, runID: runID) {
                // Resume only what a dead process left running; finished runs are never redone here.
                if run.state == .running || run.state == .queued, run.owner.map(StateStore.isDead) ?? true || run.owner == store.owner {
                    result.append((logical, true))
                }
                continue
            }
            result.append((logical, false))
        }
        return result
    }

    /// One pass: records SLA misses and starts the runs that are due (within each
    /// pipeline's `max_active_runs`). Returns the run ids started.
    @discardableResult
    public func tick() throws -> [String] {
        let now = clock.now()
        var started: [String] = []
        for entry in entries {
            // One pipeline whose state cannot be read does not keep the others from running.
            do { started += try tick(entry, now: now) } catch {
                onEvent?(.runError(pipeline: entry.pipeline.name, runID: "-", error: ErrorFormatter.text(of: error)))
            }
        }
        return started
    }

    /// Starts the due runs of one pipeline.
    private func tick(_ entry: Entry, now: Int64) throws -> [String] {
        var started: [String] = []
        let p = entry.pipeline
        try recordSLAMisses(entry, now: now)
        for (logical, resume) in try due(entry, now: now) {
            let runID = PipelineRunner.runID(for: logical)
            let running = lock.locked { active[p.name]?.count ?? 0 }
            guard running < p.maxActiveRuns else { break }
            if p.dependsOnPast, let previous = try previousRun(entry, logical: logical), previous.state != .success { break }
            _ = lock.locked { active[p.name, default: []].insert(runID) }
            onEvent?(.runStarting(pipeline: p.name, runID: runID, resumed: resume))
            started.append(runID)
            let number: Int = lock.locked { serial += 1; return serial }
            let task = Task { [onEvent] in
                do {
                    let request = RunRequest(logicalDate: logical, trigger: "scheduled")
                    // Column references are bound against this interval's inputs before anything runs.
                    _ = try p.bindColumns(variables: try entry.runner.variables(for: request))
                    let summary = try await entry.runner.run(request)
                    onEvent?(.runFinished(pipeline: p.name, summary: summary))
                } catch {
                    onEvent?(.runError(pipeline: p.name, runID: runID, error: "\(error)"))
                }
                self.lock.locked {
                    _ = self.active[p.name]?.remove(runID)
                    self.tasks[number] = nil
                }
            }
            lock.locked { if self.active[p.name]?.contains(runID) == true { tasks[number] = task } }
        }
        return started
    }

    /// The run of the interval before `logical`, if that interval is on or after start_date.
    func previousRun(_ entry: Entry, logical: Int64) throws -> RunRecord? {
        let schedule = try PipelineSchedule(entry.pipeline.schedule, timeZone: entry.pipeline.timeZone)
        let previous = schedule.previous(atOrBefore: logical - 1)
        if let start = entry.pipeline.startDate, previous < start { return nil }
        let runID = PipelineRunner.runID(for: previous)
        return try entry.runner.store.run(pipeline: entry.pipeline.name, runID: runID)
            ?? RunRecord(pipeline: entry.pipeline.name, runID: runID, state: .queued)
    }

    /// Records (once) each run not finished within `sla` after its interval ended.
    func recordSLAMisses(_ entry: Entry, now: Int64) throws {
        guard let sla = entry.pipeline.sla else { return }
        for run in try entry.runner.store.runs(pipeline: entry.pipeline.name, limit: 100) {
            let deadline = run.intervalEnd + sla
            let finishedInTime = run.state == .success && (run.endedAt ?? .max) <= deadline
            guard !finishedInTime, now > deadline else { continue }
            if try entry.runner.store.recordSLAMiss(pipeline: entry.pipeline.name, runID: run.runID, deadline: deadline, now: now) {
                onEvent?(.slaMiss(pipeline: entry.pipeline.name, runID: run.runID, deadline: deadline))
                let identity = RunIdentity(pipeline: run.pipeline, runID: run.runID, logicalDate: run.logicalDate,
                                           intervalStart: run.intervalStart, intervalEnd: run.intervalEnd)
                observer?.observe(.slaMissed(SLAMissed(run: identity, deadline: deadline, state: run.state.rawValue, time: now)))
            }
        }
    }

    /// Waits for every run this scheduler started.
    public func drain() async {
        while true {
            let pending: [Task<Void, Never>] = lock.locked { Array(tasks.values) }
            if pending.isEmpty { return }
            for task in pending { await task.value }
        }
    }

    /// Cancels every run in flight (their tasks are cancelled; shell commands get SIGTERM).
    public func cancelAll() {
        for task in lock.locked({ Array(tasks.values) }) { task.cancel() }
    }

    /// The time of the next fire across pipelines after `now` (for sleeping until then).
    public func nextWake(after now: Int64) -> Int64 {
        var wake = now + 60_000_000
        for entry in entries {
            guard let schedule = try? PipelineSchedule(entry.pipeline.schedule, timeZone: entry.pipeline.timeZone),
                  entry.pipeline.schedule != nil else { continue }
            wake = min(wake, schedule.next(after: now))
        }
        return min(wake, nextSLADeadline(after: now) ?? wake)
    }

    /// Runs until `shouldStop` returns true: ticks at every fire time (and at least each
    /// minute, for SLA checks), then stops starting runs, waits `grace` µs for running
    /// ones, and cancels what is still running.
    public func run(grace: Int64 = 30_000_000, shouldStop: @escaping @Sendable () -> Bool) async {
        while !shouldStop() {
            do { try tick() } catch { onEvent?(.runError(pipeline: "-", runID: "-", error: "\(error)")) }
            let wake = nextWake(after: clock.now())
            while !shouldStop() && clock.now() < wake {
                try? await clock.sleep(microseconds: min(1_000_000, wake - clock.now()))
            }
        }
        let deadline = clock.now() + grace
        let drained = Task { await self.drain() }
        while clock.now() < deadline && lock.locked({ active.values.contains { !$0.isEmpty } }) {
            try? await clock.sleep(microseconds: 200_000)
        }
        cancelAll()
        await drained.value
    }
}

extension RunRecord {
    /// A placeholder for an interval that has no run yet.
    init(pipeline: String, runID: String, state: RunState) {
        self.init(row: [.string(pipeline), .string(runID), .int64(0), .int64(0), .int64(0), .string(state.rawValue),
                        .string("none"), .int64(0), .null, .null, .null, .null, .null])
    }
}

extension Scheduler {
    /// Just past the earliest SLA deadline after `now` of a run not yet succeeded, so the
    /// miss is recorded (and its event emitted) at its deadline, not at the next fire time.
    func nextSLADeadline(after now: Int64) -> Int64? {
        var earliest: Int64?
        for entry in entries {
            guard let sla = entry.pipeline.sla else { continue }
            let runs: [RunRecord]
            do { runs = try entry.runner.store.runs(pipeline: entry.pipeline.name, limit: 100) } catch {
                reportStateFailure(error, pipeline: entry.pipeline.name, operation: .readRuns, now: now)
                continue
            }
            for run in runs where run.state != .success {
                let deadline = run.intervalEnd + sla + 1
                if deadline > now { earliest = min(earliest ?? deadline, deadline) }
            }
        }
        return earliest
    }
}

extension Scheduler {
    /// Reports a failed state-store read or write the scheduler made: a `runError` line for the
    /// output and a ``StateStoreFailed`` for observers (metrics count it).
    func reportStateFailure(_ error: any Error, pipeline: String, operation: StateWrite, now: Int64) {
        let failure = operation.failure(error, pipeline: pipeline, time: now)
        onEvent?(.runError(pipeline: pipeline, runID: "-", error: failure.error.message))
        observer?.observe(.stateStoreFailed(failure))
    }
}
