import SluiceCore

/// A state-store operation whose failure is reported, named as events and metrics name it.
package enum StateWrite: String, Sendable {
    case heartbeat, setTaskState = "set_task_state", startTry = "start_try", finishTry = "finish_try"
    case recordChecks = "record_checks", recordFingerprint = "record_fingerprint"
    case readTaskInstances = "read_task_instances", readRuns = "read_runs"
    /// The alert observer's notification history (dedupe, throttle, resolve) and its record.
    case readNotifications = "read_notifications", recordNotification = "record_notification"

    /// The report of this operation failing on `pipeline`'s state outside a run's own writes
    /// (the scheduler's scans, the alert observer's history, the docs' run history): one
    /// masked message (`state store <operation> for pipeline <name> failed: <reason>`) in a
    /// ``StateStoreFailed`` for observers, whose category keeps a transient store error
    /// transient (anything else is permanent I/O).
    package func failure(_ error: any Error, pipeline: String, run: RunIdentity? = nil, task: String? = nil,
                         time: Int64) -> StateStoreFailed {
        let underlying = error as? any SluiceError
        let message = Secrets.mask("state store \(rawValue) for pipeline \(pipeline) failed: \(underlying?.message ?? String(describing: error))")
        let category: ErrorCategory = underlying?.category == .transientIO ? .transientIO : .permanentIO
        return StateStoreFailed(pipeline: pipeline, run: run, task: task, operation: rawValue,
                                error: EventError(message: message, category: category.identifier), time: time)
    }
}

extension PipelineRunner {
    /// Performs one state-store write; a failure is reported, never swallowed: a
    /// ``RunEvent/stateStoreFailed(task:operation:error:)`` for the run output and a
    /// ``StateStoreFailed`` for observers (metrics count it), then returned as a
    /// ``PipelineError`` `.state` that keeps the underlying error's I/O category
    /// (transient when it was transient, else permanent) for callers whose correctness
    /// needs the write.
    ///
    /// - Returns: the write's result, or the reported error.
    @discardableResult
    func recordState<T>(_ operation: StateWrite, run: RunIdentity, task: String?,
                        _ write: () throws -> T) -> Result<T, PipelineError> {
        do {
            return .success(try write())
        } catch {
            let failure = Self.stateWriteError(error, operation: operation, run: run, task: task)
            emit(.stateStoreFailed(task: task, operation: operation.rawValue, error: failure.message))
            notify(.stateStoreFailed(StateStoreFailed(
                pipeline: run.pipeline, run: run, task: task, operation: operation.rawValue,
                error: EventError(message: failure.message, category: failure.category.identifier), time: clock.now())))
            return .failure(failure)
        }
    }

    /// The error a failed state write becomes: what, where (the run and task), why, and a hint.
    static func stateWriteError(_ error: any Error, operation: StateWrite, run: RunIdentity, task: String?) -> PipelineError {
        let underlying = error as? any SluiceError
        let category: ErrorCategory = underlying?.category == .transientIO ? .transientIO : .permanentIO
        let reason = underlying?.message ?? String(describing: error)
        let subject = task.map { "task \"\($0)\" of run \(run.pipeline) \(run.runID)" } ?? "run \(run.pipeline) \(run.runID)"
        return PipelineError(.state, message: Secrets.mask("state store write \(operation.rawValue) for \(subject) failed: \(reason)"),
                             hint: "check that the state store is reachable and writable (disk space, permissions, locks)",
                             category: category)
    }
}
