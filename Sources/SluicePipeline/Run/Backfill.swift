/// Which intervals a backfill runs.
public enum BackfillPolicy: Sendable {
    /// Skip intervals whose run already succeeded (the default).
    case rerunFailedOnly
    /// Run every interval again (`--all`).
    case all
}

/// The outcome of a backfill.
public struct BackfillSummary: Sendable {
    public var succeeded: [String] = []
    public var failed: [String] = []
    /// Intervals skipped because their run had already succeeded.
    public var skipped: [String] = []
    /// Intervals another process was running.
    public var locked: [String] = []
}

extension PipelineRunner {
    /// The logical dates of every interval starting in [from, to] (both inclusive).
    public func logicalDates(from: Int64, to: Int64) throws -> [Int64] {
        let schedule = try PipelineSchedule(pipeline.schedule, timeZone: pipeline.timeZone)
        // `--to 2024-01-31` includes that day's runs: the range ends where the day does.
        let end = to % 86_400_000_000 == 0 ? to + 86_400_000_000 - 1 : to
        return schedule.schedule.intervals(from: from, through: end).map(\.start)
            .filter { date in pipeline.startDate.map { date >= $0 } ?? true }
    }

    /// Runs every interval in [from, to], `parallel` runs at once, skipping succeeded ones
    /// unless the policy is `.all`. `progress` is called after each interval with
    /// (done, total).
    ///
    /// - Throws: ``PipelineError`` from ``Pipeline/bindColumns(variables:)`` (bound with the
    ///   values of the first interval to run) before any interval runs, when a column
    ///   reference is wrong.
    public func backfill(from: Int64, to: Int64, parallel: Int = 1, policy: BackfillPolicy = .rerunFailedOnly,
                         params: [String: String] = [:],
                         progress: (@Sendable (Int, Int, RunSummary?) -> Void)? = nil) async throws -> BackfillSummary {
        let dates = try logicalDates(from: from, to: to)
        // Column references are bound before anything runs, against the inputs of the first
        // interval that will run (one that already succeeded is skipped, its files may be gone):
        // a typo fails the backfill here, with the same report as `sluice validate`.
        let first = try dates.first { date in
            if policy == .all { return true }
            return try store.run(pipeline: pipeline.name, runID: PipelineRunner.runID(for: date))?.state != .success
        }
        if let first {
            _ = try pipeline.bindColumns(variables: try variables(for: RunRequest(logicalDate: first, params: params)))
        }
        var summary = BackfillSummary()
        var pending = dates[...]
        var done = 0
        try await withThrowingTaskGroup(of: (String, RunSummary?, Bool).self) { group in
            func start() {
                guard let date = pending.popFirst() else { return }
                group.addTask {
                    let request = RunRequest(logicalDate: date, rerun: policy == .all, params: params, trigger: "backfill")
                    do {
                        return (PipelineRunner.runID(for: date), try await self.run(request), false)
                    } catch let error as PipelineError where error.code == .runLocked {
                        return (PipelineRunner.runID(for: date), nil, true)
                    }
                }
            }
            for _ in 0..<max(1, parallel) { start() }
            while let (runID, result, locked) = try await group.next() {
                done += 1
                if locked { summary.locked.append(runID) }
                else if let result {
                    if result.alreadySucceeded { summary.skipped.append(runID) }
                    else if result.succeeded { summary.succeeded.append(runID) }
                    else { summary.failed.append(runID) }
                }
                progress?(done, dates.count, result)
                start()
            }
        }
        summary.succeeded.sort(); summary.failed.sort(); summary.skipped.sort(); summary.locked.sort()
        return summary
    }
}
