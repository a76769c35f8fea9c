#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SluiceCore
import SluicePipeline
import SluiceQuality

/// Turns the event stream into OpenLineage RunEvents and hands them to transports.
///
/// A pipeline run is one OpenLineage run (START at `run_started`, COMPLETE/FAIL/ABORT at
/// `run_finished`); each task try is a run of job `pipeline.task` whose `parent` facet is
/// the pipeline run; a check task's COMPLETE carries its checks as assertions. A stream is
/// one run: START, RUNNING with counts at most every ``runningInterval``, COMPLETE or FAIL
/// when it stops.
///
/// Delivery can be slow (HTTP): put the observer behind a `BufferedObserver`. Nothing it
/// does fails a run; delivery problems go to `log` and are counted in ``failures``.
///
/// ```swift
/// let lineage = LineageObserver(pipelines: [pipeline], engineVersion: "0.1.0",
///                               transports: [FileLineageTransport(path: "lineage.jsonl")])
/// runner.observer = BufferedObserver(lineage)
/// ```
public final class LineageObserver: EventObserver, @unchecked Sendable {   // mutable state guarded by `lock`; the two settings are @Synchronized
    let builders: [String: LineageEventBuilder]
    let transports: [any LineageTransport]
    let log: @Sendable (String) -> Void
    /// The least time between two RUNNING events of a stream, µs (synchronized: set by
    /// the caller, read on the thread that delivers events).
    @Synchronized public var runningInterval: Int64 = 60_000_000
    /// The job namespace of streams (synchronized, like ``runningInterval``).
    @Synchronized public var streamNamespace = "sluice"
    public let engineVersion: String

    private let lock = Lock()
    private var random: SplitMix64
    private var pipelineRuns: [String: String] = [:]          // "pipeline/runID" → OpenLineage runId
    private var taskRuns: [String: String] = [:]              // "pipeline/runID/task/try" → runId
    private var rowsWritten: [String: [DatasetName: Int]] = [:]
    private var pending: (event: TaskTryFinished, checks: [CheckEvaluated])?
    private var streams: [String: (runID: String, started: StreamStarted, recordsIn: Int, recordsOut: Int, deadLettered: Int, lastRunning: Int64)] = [:]
    private var failureCount = 0

    /// - Parameters:
    ///   - pipelines: the pipelines whose runs are observed (others' events are ignored).
    ///   - engineVersion: Sluice's version, for the `processing_engine` facet.
    ///   - transports: where events go, in order.
    ///   - seed: seeds the random part of run ids (default: time and process id).
    ///   - log: receives delivery problems (default: standard error).
    public init(pipelines: [Pipeline], engineVersion: String, transports: [any LineageTransport], seed: UInt64? = nil,
                sourceCode: [String: String] = [:],
                log: @escaping @Sendable (String) -> Void = { line in _ = (line + "\n").withCString { write(2, $0, strlen($0)) } }) {
        var builders: [String: LineageEventBuilder] = [:]
        for pipeline in pipelines {
            builders[pipeline.name] = LineageEventBuilder(pipeline: pipeline, engineVersion: engineVersion, sourceCode: sourceCode[pipeline.name])
        }
        self.builders = builders
        self.transports = transports
        self.engineVersion = engineVersion
        self.log = log
        self.random = SplitMix64(seed: seed ?? (UInt64(bitPattern: currentMicroseconds()) ^ (UInt64(getpid()) << 32)))
    }

    /// Events a transport failed to deliver.
    public var failures: Int { lock.locked { failureCount } }

    public func observe(_ event: SluiceEvent) {
        var out: [OpenLineageEvent] = []
        lock.locked {
            if case .checkEvaluated(let check) = event, let p = pending, check.run == p.event.run, check.task == p.event.task {
                pending?.checks.append(check)
                return
            }
            if let p = pending {
                pending = nil
                out += finishedTask(p.event, checks: p.checks)
            }
            switch event {
            case .runStarted(let e): out += runStarted(e)
            case .runFinished(let e): out += runFinished(e)
            case .taskTryStarted(let e): out += taskStarted(e)
            case .taskTryFinished(let e):
                if e.kind == "check" { pending = (e, []) } else { out += finishedTask(e, checks: []) }
            case .streamStarted(let e): out += streamStarted(e)
            case .streamBatchCommitted(let e): out += streamCommitted(e)
            case .streamStopped(let e): out += streamStopped(e)
            default: break
            }
        }
        for event in out { deliver(event) }
    }

    /// Sends `event` through every transport; a failure is logged, never thrown.
    public func deliver(_ event: OpenLineageEvent) {
        let json = event.json().rendered()
        for transport in transports {
            do { try transport.send(event, json: json) } catch {
                lock.locked { failureCount += 1 }
                log("warning: \((error as? any SluiceError)?.message ?? "\(error)") (the run goes on)")
            }
        }
    }

    func newRunID(_ time: Int64) -> String { OpenLineageEvent.makeRunID(time: time, random: &random) }
    func key(_ run: RunIdentity) -> String { run.pipeline + "/" + run.runID }

    // MARK: - Pipeline runs

    func runStarted(_ e: RunStarted) -> [OpenLineageEvent] {
        guard let builder = builders[e.run.pipeline] else { return [] }
        let id = newRunID(e.time)
        pipelineRuns[key(e.run)] = id
        rowsWritten[key(e.run)] = [:]
        return [builder.pipelineEvent(.start, time: e.time, runID: id, interval: (e.run.intervalStart, e.run.intervalEnd))]
    }

    func runFinished(_ e: RunFinished) -> [OpenLineageEvent] {
        guard let builder = builders[e.run.pipeline], let id = pipelineRuns.removeValue(forKey: key(e.run)) else { return [] }
        let type: OpenLineageEvent.EventType = e.outcome == .success ? .complete : e.outcome == .cancelled ? .abort : .fail
        var error = e.error?.message
        if type == .fail, error == nil { error = "tasks failed: " + e.failedTasks.joined(separator: ", ") }
        return [builder.pipelineEvent(type, time: e.time, runID: id, interval: (e.run.intervalStart, e.run.intervalEnd), error: error,
                                      rowsWritten: rowsWritten.removeValue(forKey: key(e.run)) ?? [:])]
    }

    // MARK: - Task tries

    func taskStarted(_ e: TaskTryStarted) -> [OpenLineageEvent] {
        guard let builder = builders[e.run.pipeline], let parent = pipelineRuns[key(e.run)] else { return [] }
        let id = newRunID(e.time)
        taskRuns[key(e.run) + "/\(e.task)/\(e.tryNumber)"] = id
        return [builder.taskEvent(.start, task: e.task, time: e.time, runID: id, parentRunID: parent,
                                  interval: (e.run.intervalStart, e.run.intervalEnd))]
    }

    func finishedTask(_ e: TaskTryFinished, checks: [CheckEvaluated]) -> [OpenLineageEvent] {
        guard let builder = builders[e.run.pipeline], let parent = pipelineRuns[key(e.run)],
              let id = taskRuns.removeValue(forKey: key(e.run) + "/\(e.task)/\(e.tryNumber)") else { return [] }
        let type: OpenLineageEvent.EventType = e.outcome == .success ? .complete : e.outcome == .cancelled ? .abort : .fail
        // not_null observes the null fraction, unique the distinct/rows ratio: counts per column.
        var metrics: [(String, Facet.ColumnMetrics)] = []
        func update(_ column: String, _ change: (inout Facet.ColumnMetrics) -> Void) {
            if let i = metrics.firstIndex(where: { $0.0 == column }) { change(&metrics[i].1) } else {
                var m = Facet.ColumnMetrics()
                change(&m)
                metrics.append((column, m))
            }
        }
        for check in checks where check.columns.count == 1 && check.outcome != "not_evaluated" {
            guard let observed = check.observed, let rows = e.rowsIn else { continue }
            let count = Int((observed * Double(rows)).rounded())
            if check.kind == "not_null" { update(check.columns[0]) { $0.nullCount = count } }
            if check.kind == "unique" { update(check.columns[0]) { $0.distinctCount = count } }
        }
        let results = checks.map { check in
            CheckResult(name: check.name, kind: check.kind, columns: check.columns, outcome: Outcome(rawValue: check.outcome) ?? .notEvaluated,
                        severity: Severity(rawValue: check.severity) ?? .error, observed: check.observed, threshold: check.threshold,
                        rowCount: e.rowsIn ?? 0, message: check.message)
        }
        let measures = LineageEventBuilder.TaskMeasures(rowsIn: e.rowsIn, rowsOut: e.rowsOut, bytesOut: e.bytesOut, checks: results,
                                                        columnMetrics: metrics, outputSchema: e.outputs.first { $0.schema != nil }?.schema)
        if type == .complete, let rows = e.rowsOut, let job = builder.lineage.job(e.task) {
            for output in job.outputs where builder.lineage.dataset(output)?.role == .destination {
                rowsWritten[key(e.run), default: [:]][output, default: 0] += rows
            }
        }
        return [builder.taskEvent(type, task: e.task, time: e.time, runID: id, parentRunID: parent,
                                  interval: (e.run.intervalStart, e.run.intervalEnd), error: e.error?.message, measures: measures)]
    }

    // MARK: - Streams

    static func dataset(_ d: EventDataset) -> DatasetName {
        if let connection = d.connection, connection.hasPrefix("kafka://") {
            return .kafka(topic: d.name, brokers: String(connection.dropFirst("kafka://".count)))
        }
        return d.name == "-" ? DatasetName(namespace: "file", name: "/dev/stdio") : .file(d.name)
    }

    func streamEvent(_ type: OpenLineageEvent.EventType, _ started: StreamStarted, runID: String, time: Int64, counts: (Int, Int, Int)?,
                     error: String?) -> OpenLineageEvent {
        var event = OpenLineageEvent(type, time: time, runID: runID, job: .init(namespace: streamNamespace, name: started.stream))
        event.runFacets = [.processingEngine(version: engineVersion)]
        if let error { event.runFacets.append(.errorMessage(error)) }
        event.jobFacets = [.jobType(processingType: "STREAMING", jobType: "STREAM")]
        let input = Self.dataset(started.input)
        var inputDataset = OpenLineageEvent.Dataset(input, facets: [.dataSource(input)])
        if let counts { inputDataset.extraFacets.append(.inputStatistics(rows: counts.0, bytes: nil)) }
        event.inputs = [inputDataset]
        event.outputs = started.outputs.map { d in
            let name = Self.dataset(d)
            var dataset = OpenLineageEvent.Dataset(name, facets: [.dataSource(name)])
            if let counts, d == started.outputs.first { dataset.extraFacets.append(.outputStatistics(rows: counts.1, bytes: nil)) }
            return dataset
        }
        let dlq = Self.dataset(started.deadLetter)
        var dlqDataset = OpenLineageEvent.Dataset(dlq, facets: [.dataSource(dlq)])
        if let counts { dlqDataset.extraFacets.append(.outputStatistics(rows: counts.2, bytes: nil)) }
        event.outputs.append(dlqDataset)
        return event
    }

    func streamStarted(_ e: StreamStarted) -> [OpenLineageEvent] {
        let id = newRunID(e.time)
        streams[e.stream] = (id, e, 0, 0, 0, e.time)
        return [streamEvent(.start, e, runID: id, time: e.time, counts: nil, error: nil)]
    }

    func streamCommitted(_ e: StreamBatchCommitted) -> [OpenLineageEvent] {
        guard var state = streams[e.stream] else { return [] }
        state.recordsIn += e.recordsIn
        state.recordsOut += e.recordsOut
        state.deadLettered += e.deadLettered
        var out: [OpenLineageEvent] = []
        if e.time - state.lastRunning >= runningInterval {
            state.lastRunning = e.time
            out.append(streamEvent(.running, state.started, runID: state.runID, time: e.time,
                                   counts: (state.recordsIn, state.recordsOut, state.deadLettered), error: nil))
        }
        streams[e.stream] = state
        return out
    }

    func streamStopped(_ e: StreamStopped) -> [OpenLineageEvent] {
        guard let state = streams.removeValue(forKey: e.stream) else { return [] }
        return [streamEvent(e.error == nil ? .complete : .fail, state.started, runID: state.runID, time: e.time,
                            counts: (e.recordsIn, e.recordsOut, e.deadLettered), error: e.error?.message)]
    }
}
