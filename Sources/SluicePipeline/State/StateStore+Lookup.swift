import SluiceCore
import SluiceQuality

/// Finding what a command line names in a state store: a run by id, a task's try, the
/// tasks a clear reaches. Names that match nothing are usage errors with "did you mean".
extension StateStore {
    /// The run `runID` of `pipeline`, or of whichever pipeline has one when `pipeline` is nil.
    ///
    /// - Throws: ``PipelineError`` (`invalidRequest`, a usage error) when no run, or
    ///   several pipelines' runs, have that id.
    public func run(id runID: String, pipeline: String?) throws -> RunRecord {
        if let pipeline {
            if let run = try run(pipeline: pipeline, runID: runID) { return run }
            let known = try runs(pipeline: pipeline, limit: 20).map(\.runID)
            throw PipelineError(.invalidRequest, message: "pipeline \(pipeline) has no run \(runID)",
                                hint: suggestion(for: runID, among: known).map { "did you mean \($0)?" })
        }
        let matches = try runs(withID: runID)
        if matches.count == 1 { return matches[0] }
        if matches.isEmpty { throw PipelineError(.invalidRequest, message: "no run \(runID) in the state store") }
        throw PipelineError(.invalidRequest, message: "several pipelines have a run \(runID): \(matches.map(\.pipeline).joined(separator: ", "))",
                            hint: "give --pipeline")
    }

    /// The tries of `task` in a run to show: try `number`, or the newest; with how many there are.
    ///
    /// - Throws: ``PipelineError`` (`invalidRequest`) when the task has no tries or no such try.
    public func tries(of task: String, in run: RunRecord, number: Int?) throws -> (chosen: TryRecord, count: Int) {
        let all = try tries(pipeline: run.pipeline, runID: run.runID, task: task)
        guard let newest = all.last else {
            let known = try taskInstances(pipeline: run.pipeline, runID: run.runID).map(\.task)
            throw PipelineError(.invalidRequest, message: "task \(task) has no tries in run \(run.runID)",
                                hint: suggestion(for: task, among: known).map { "did you mean \($0)?" })
        }
        guard let number else { return (newest, all.count) }
        guard let one = all.first(where: { $0.tryNumber == number }) else {
            throw PipelineError(.invalidRequest,
                                message: "task \(task) has tries \(all.map { String($0.tryNumber) }.joined(separator: ", ")), not \(number)")
        }
        return (one, all.count)
    }

    /// The SLA deadlines of those of `runs` that missed theirs, by pipeline and run id.
    public func slaMissDeadlines(of runs: [RunRecord]) throws -> [RunKey: Int64] {
        var missed: [RunKey: Int64] = [:]
        for pipeline in Set(runs.map(\.pipeline)) {
            for miss in try slaMisses(pipeline: pipeline) { missed[RunKey(pipeline: pipeline, runID: miss.runID)] = miss.deadline }
        }
        return missed
    }

    /// A run's status as one summary: its tasks (in the pipeline's order when it is given)
    /// and check results.
    public func summary(of run: RunRecord, pipeline: Pipeline?) throws -> RunSummary {
        var tasks = try taskInstances(pipeline: run.pipeline, runID: run.runID)
        if let pipeline {
            let order = pipeline.topologicalOrder().map(\.name)
            tasks.sort { (order.firstIndex(of: $0.task) ?? .max) < (order.firstIndex(of: $1.task) ?? .max) }
        }
        return RunSummary(run: run, tasks: tasks, checks: try checkResults(pipeline: run.pipeline, runID: run.runID),
                          alreadySucceeded: false, executed: tasks.map(\.task))
    }
}

/// A run's identity across pipelines.
public struct RunKey: Hashable, Sendable {
    public var pipeline: String
    public var runID: String

    public init(pipeline: String, runID: String) {
        self.pipeline = pipeline
        self.runID = runID
    }
}

extension RunRecord {
    /// The run's identity across pipelines.
    public var key: RunKey { RunKey(pipeline: pipeline, runID: runID) }
}

extension Pipeline {
    /// The tasks clearing `task` resets: it and everything downstream of it.
    ///
    /// - Throws: ``PipelineError`` (`invalidRequest`) when the pipeline has no such task.
    public func tasksCleared(by task: String) throws -> [String] {
        guard self.task(named: task) != nil else {
            throw PipelineError(.invalidRequest, message: "pipeline \(name) has no task \(task)",
                                hint: suggestion(for: task, among: tasks.map(\.name)).map { "did you mean \($0)?" })
        }
        return downstream(of: task)
    }
}

extension RunSummary {
    /// The check results of each task's newest try.
    public var latestChecks: [StoredCheckResult] {
        var newest: [String: Int] = [:]
        for check in checks { newest[check.task] = max(newest[check.task] ?? 0, check.tryNumber) }
        return checks.filter { $0.tryNumber == newest[$0.task] }
    }
}
