import SluiceCore

extension CheckEvaluated {
    /// The event for one check result.
    ///
    /// - Parameters:
    ///   - run: the pipeline run, or `nil` for `sluice check`.
    ///   - task: the check task, or the suite's name for `sluice check`.
    public init(_ result: CheckResult, run: RunIdentity?, task: String, time: Int64) {
        self.init(run: run, task: task, name: result.name, kind: result.kind, columns: result.columns,
                  severity: result.severity.rawValue, outcome: result.outcome.rawValue, observed: result.observed,
                  threshold: result.threshold, message: result.message, time: time)
    }
}
