import SluiceCore

extension Pipeline {
    /// The tasks that failed on their own (failed, timed out, cancelled) among `task`'s
    /// ancestors, in DAG order: what a task that is `upstream_failed` waits for.
    func failedRoots(of task: PipelineTask, states: [String: TaskState]) -> [String] {
        let ancestors = ancestors(of: task)
        return topologicalOrder().map(\.name).filter { ancestors.contains($0) && states[$0]?.failedOnItsOwn == true }
    }

    /// A failed run's message: the tasks that failed, then the tasks not run because of them
    /// (`failed: extract; not run: clean, load (upstream extract failed)`). Tasks that were
    /// `upstream_failed` are never listed as failed.
    func failureMessage(states: [String: TaskState]) -> String {
        let order = topologicalOrder()
        let failed = order.filter { states[$0.name]?.failedOnItsOwn == true || states[$0.name] == nil || states[$0.name] == .pending }
        let notRun = order.filter { states[$0.name] == .upstreamFailed }
        var parts: [String] = []
        if !failed.isEmpty { parts.append("failed: " + failed.map(\.name).joined(separator: ", ")) }
        if !notRun.isEmpty {
            let roots = Set(notRun.flatMap { failedRoots(of: $0, states: states) })
            let rootNames = order.map(\.name).filter(roots.contains)
            parts.append("not run: " + notRun.map(\.name).joined(separator: ", ")
                         + (rootNames.isEmpty ? "" : " (upstream \(rootNames.joined(separator: ", ")) failed)"))
        }
        return parts.joined(separator: "; ")
    }
}

extension TaskState {
    /// Failed because of its own try (not because an upstream task did).
    var failedOnItsOwn: Bool { self == .failed || self == .timedOut || self == .cancelled }
}

extension PipelineRunner {
    /// Why `task` is `upstream_failed`: `upstream extract failed`, naming the tasks that
    /// failed on their own (not the ones in between that were not run either).
    static func notRunReason(_ task: PipelineTask, rule: TriggerRule, failedRoots: [String]) -> String {
        let base = "upstream \(failedRoots.joined(separator: ", ")) failed"
        return rule == .allSuccess ? base : base + " (trigger rule \(rule.rawValue))"
    }
}

extension PipelineRunner {
    /// The values a run of `request` offers to templates (its date, interval, id, params).
    public func variables(for request: RunRequest) throws -> RunVariables {
        let (logical, start, end, runID) = try interval(for: request.logicalDate)
        var params = pipeline.params
        for (k, v) in request.params { params[k] = v }
        var variables = RunVariables(pipeline: pipeline.name, runID: runID, logicalDate: logical, intervalStart: start, intervalEnd: end, params: params)
        variables.allowsOutsidePaths = allowsOutsidePaths
        return variables
    }
}
