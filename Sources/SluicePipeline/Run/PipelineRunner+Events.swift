#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SluiceCore
import SluiceQuality
import SluiceSQL

extension RunVariables {
    /// The run these variables belong to, as events name it.
    var identity: RunIdentity {
        RunIdentity(pipeline: pipeline, runID: runID, logicalDate: logicalDate, intervalStart: intervalStart, intervalEnd: intervalEnd)
    }
}

extension EventOutcome {
    init(_ state: TaskState) {
        switch state {
        case .success: self = .success
        case .timedOut: self = .timedOut
        case .cancelled: self = .cancelled
        case .upstreamFailed: self = .upstreamFailed
        case .failed, .pending, .running, .upForRetry: self = .failed
        }
    }
}

extension PipelineTask {
    /// What the task reads and writes outside the run: tables and queries on connections
    /// (URL with the password masked) and files (templates rendered). Tables passed between
    /// tasks are run artifacts, not datasets.
    func datasets(in pipeline: Pipeline, variables: RunVariables) -> (inputs: [EventDataset], outputs: [EventDataset]) {
        func connection(_ name: String) -> String? { (try? pipeline.connectionURL(name)).map { "\($0)" } ?? name }
        func path(_ template: String) -> String { pipeline.resolve((try? variables.render(template)) ?? template) }
        switch action {
        case .extract(let extract):
            switch extract.source {
            case .query(let name, let sql): return ([EventDataset(kind: .query, connection: connection(name), name: sql)], [])
            case .file(let file, _, _): return ([EventDataset(kind: .file, name: path(file))], [])
            }
        case .load(let load):
            switch load.destination {
            case .table(let name, let table, _): return ([], [EventDataset(kind: .table, connection: connection(name), name: table)])
            case .file(let file, _): return ([], [EventDataset(kind: .file, name: path(file))])
            }
        case .check(let check):
            if let quarantine = check.quarantine { return ([], [EventDataset(kind: .file, name: path(quarantine))]) }
            return ([], [])
        case .sql, .transform, .shell, .swift:
            return ([], [])
        }
    }
}

extension CheckEvaluated {
    init(_ result: CheckResult, run: RunIdentity?, task: String, time: Int64) {
        self.init(run: run, task: task, name: result.name, kind: result.kind, columns: result.columns,
                  severity: result.severity.rawValue, outcome: result.outcome.rawValue, observed: result.observed,
                  threshold: result.threshold, message: result.message, time: time)
    }
}

extension PipelineRunner {
    /// Hands `event` to the observer, if any (observers never throw or block).
    func notify(_ event: SluiceEvent) { observer?.observe(event) }
}

extension PipelineRunner {
    /// The try's outcome, then its checks' results.
    func notifyTryFinished(_ task: PipelineTask, variables: RunVariables, tryNumber: Int, state: TaskState, willRetry: Bool,
                           output: TaskOutput?, outputSchema: Schema?, seconds: Double, message: String?,
                           datasets: (inputs: [EventDataset], outputs: [EventDataset]), checks: [CheckResult], now: Int64) {
        var outputs = datasets.outputs
        var bytes: Int?
        if state == .success {
            for i in outputs.indices where outputs[i].kind != .query {
                if outputs[i].kind == .table || i == 0 { outputs[i].schema = outputSchema }
                if outputs[i].kind == .file, let size = fileSize(outputs[i].name) { bytes = (bytes ?? 0) + size }
            }
        }
        let run = variables.identity
        notify(.taskTryFinished(TaskTryFinished(
            run: run, task: task.name, kind: task.action.kind, tryNumber: tryNumber, outcome: EventOutcome(state),
            willRetry: willRetry, rowsIn: output?.rowsIn, rowsOut: output?.rowsOut, bytesOut: bytes, durationSeconds: seconds,
            error: message.map { EventError(message: $0) }, inputs: datasets.inputs, outputs: outputs, time: now)))
        for check in checks { notify(.checkEvaluated(CheckEvaluated(check, run: run, task: task.name, time: now))) }
    }
}

func fileSize(_ path: String) -> Int? {
    var info = stat()
    return stat(path, &info) == 0 ? Int(info.st_size) : nil
}
