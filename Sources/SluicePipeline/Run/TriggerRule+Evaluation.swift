import SluiceCore

/// An upstream task's state (and error) as a downstream task sees it.
public struct UpstreamState: Sendable, Equatable {
    public var task: String
    public var state: TaskState
    public var error: String?
    public init(task: String, state: TaskState, error: String? = nil) {
        self.task = task
        self.state = state
        self.error = error
    }
}

extension TaskState {
    /// Failed for trigger rules: failed, timed out, cancelled, or not run because of a failure.
    var countsAsFailed: Bool { self == .failed || self == .timedOut || self == .cancelled || self == .upstreamFailed }
}

extension TriggerRule {
    /// Why a task whose upstreams all finished does not run, and the state it gets then; nil when it runs.
    func blocker(upstream: [TaskState]) -> (String?, TaskState) {
        let failed = upstream.filter(\.countsAsFailed).count
        let succeeded = upstream.filter { $0 == .success }.count
        let skipped = upstream.filter { $0 == .skipped }.count
        switch self {
        case .allSuccess:
            if failed > 0 { return ("an upstream task failed", .upstreamFailed) }
            if skipped > 0 { return ("an upstream task was skipped", .skipped) }
        case .allDone:
            break
        case .oneFailed:
            if failed == 0 && !upstream.isEmpty { return ("trigger rule one_failed: no upstream task failed", .skipped) }
        case .allFailed:
            if failed < upstream.count { return ("trigger rule all_failed: not every upstream task failed", .skipped) }
        case .noneFailed:
            if failed > 0 { return ("trigger rule none_failed: an upstream task failed", .upstreamFailed) }
        case .oneSuccess:
            if succeeded == 0 && !upstream.isEmpty { return ("trigger rule one_success: no upstream task succeeded", .upstreamFailed) }
        }
        return (nil, .pending)
    }
}

extension TaskContext {
    /// `SLUICE_UPSTREAM_STATES=extract=failed,load=upstream_failed`, and per upstream
    /// `SLUICE_UPSTREAM_<TASK>_STATE` / `_ERROR` (task name upper-cased, other characters `_`).
    var upstreamEnvironment: [String: String] {
        guard !upstream.isEmpty else { return [:] }
        var env = ["SLUICE_UPSTREAM_STATES": upstream.map { "\($0.task)=\($0.state.rawValue)" }.joined(separator: ",")]
        for u in upstream {
            let key = "SLUICE_UPSTREAM_" + String(u.task.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
            env[key + "_STATE"] = u.state.rawValue
            if let error = u.error { env[key + "_ERROR"] = error }
        }
        return env
    }
}

extension PipelineRunner {
    /// The upstreams' states, with their recorded errors (read from the store only when one did not succeed).
    /// A failed read is reported (``StateStoreFailed``) and leaves the errors out.
    func upstreamStates(of task: PipelineTask, states: [String: TaskState], run: RunIdentity) -> [UpstreamState] {
        let records = (try? recordState(.readTaskInstances, run: run, task: task.name) {
            try store.taskInstances(pipeline: pipeline.name, runID: run.runID)
        }.get()) ?? []
        return task.upstream.map { name in
            UpstreamState(task: name, state: states[name] ?? .pending, error: records.first { $0.task == name }?.error)
        }
    }
}
