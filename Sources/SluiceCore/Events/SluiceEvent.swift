/// One thing that happened in a pipeline run or a stream, as data.
///
/// The pipeline runner, the scheduler and the stream engine emit these to an
/// ``EventObserver``; metrics, alerts, lineage and the state store's live views
/// subscribe. Times are microseconds since the Unix epoch (UTC); durations are seconds.
///
/// ```swift
/// let recorder = RecordingObserver()
/// runner.observer = recorder
/// _ = try await runner.run(RunRequest(logicalDate: date))
/// #expect(recorder.events.contains { if case .runFinished(let e) = $0 { e.outcome == .success } else { false } })
/// ```
public enum SluiceEvent: Sendable, Equatable {
    case runClaimed(RunClaimed)
    case runStarted(RunStarted)
    case runFinished(RunFinished)
    case taskTryStarted(TaskTryStarted)
    case taskTryFinished(TaskTryFinished)
    case checkEvaluated(CheckEvaluated)
    case slaMissed(SLAMissed)
    case streamStarted(StreamStarted)
    case streamBatchSent(StreamBatchSent)
    case streamBatchCommitted(StreamBatchCommitted)
    case streamStopped(StreamStopped)
    case recordDeadLettered(RecordDeadLettered)
    case deliveryRetried(DeliveryRetried)
    case stateStoreFailed(StateStoreFailed)

    /// A stable name for logs and payloads (`run_finished`, `task_try_finished`, …).
    public var name: String {
        switch self {
        case .runClaimed: "run_claimed"
        case .runStarted: "run_started"
        case .runFinished: "run_finished"
        case .taskTryStarted: "task_try_started"
        case .taskTryFinished: "task_try_finished"
        case .checkEvaluated: "check_evaluated"
        case .slaMissed: "sla_missed"
        case .streamStarted: "stream_started"
        case .streamBatchSent: "stream_batch_sent"
        case .streamBatchCommitted: "stream_batch_committed"
        case .streamStopped: "stream_stopped"
        case .recordDeadLettered: "record_dead_lettered"
        case .deliveryRetried: "delivery_retried"
        case .stateStoreFailed: "state_store_failed"
        }
    }
}

/// Which run an event belongs to: a pipeline and a logical date with its data interval.
public struct RunIdentity: Sendable, Hashable {
    public var pipeline: String
    /// `2024-01-02`, or an ISO timestamp for sub-daily schedules.
    public var runID: String
    public var logicalDate: Int64
    public var intervalStart: Int64
    public var intervalEnd: Int64

    public init(pipeline: String, runID: String, logicalDate: Int64, intervalStart: Int64, intervalEnd: Int64) {
        self.pipeline = pipeline
        self.runID = runID
        self.logicalDate = logicalDate
        self.intervalStart = intervalStart
        self.intervalEnd = intervalEnd
    }
}

/// How a run or a task try ended (`upstream_failed` only for tasks that never ran).
public enum EventOutcome: String, Sendable, Hashable, CaseIterable {
    case success, failed
    case timedOut = "timed_out"
    case cancelled
    case upstreamFailed = "upstream_failed"
    case skipped
}

/// An error as events carry it: its message (secrets already masked) and, when known, its category.
public struct EventError: Sendable, Hashable {
    public var message: String
    /// `spec`, `data`, `transient_io`, `permanent_io`, `internal`, when the error says.
    public var category: String?

    public init(message: String, category: String? = nil) {
        self.message = message
        self.category = category
    }
}

/// A dataset a task reads or writes.
public struct EventDataset: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// A table on a connection.
        case table
        /// A query's result on a connection.
        case query
        /// A file.
        case file
    }
    public var kind: Kind
    /// The connection URL with its password masked (`postgres://app:***@db/app`), for tables and queries.
    public var connection: String?
    /// The table name, the query text, or the file path.
    public var name: String
    /// The columns, when known (a load's table, an extract's result).
    public var schema: Schema?

    public init(kind: Kind, connection: String? = nil, name: String, schema: Schema? = nil) {
        self.kind = kind
        self.connection = connection
        self.name = name
        self.schema = schema
    }
}

/// A run's lease was taken by this process.
public struct RunClaimed: Sendable, Equatable {
    public var run: RunIdentity
    /// `manual`, `scheduled` or `backfill`.
    public var trigger: String
    public var owner: String
    public var time: Int64
    public init(run: RunIdentity, trigger: String, owner: String, time: Int64) {
        self.run = run; self.trigger = trigger; self.owner = owner; self.time = time
    }
}

/// A run began executing tasks.
public struct RunStarted: Sendable, Equatable {
    public var run: RunIdentity
    public var trigger: String
    /// It continues an earlier, interrupted or failed invocation.
    public var resumed: Bool
    /// The pipeline's owner from its spec, if any.
    public var owner: String?
    public var time: Int64
    public init(run: RunIdentity, trigger: String, resumed: Bool, owner: String? = nil, time: Int64) {
        self.run = run; self.trigger = trigger; self.resumed = resumed; self.owner = owner; self.time = time
    }
}

/// A run ended (after every retry).
public struct RunFinished: Sendable, Equatable {
    public var run: RunIdentity
    public var trigger: String
    public var outcome: EventOutcome
    public var durationSeconds: Double
    /// Tasks that did not succeed, in DAG order.
    public var failedTasks: [String]
    public var error: EventError?
    public var time: Int64
    public init(run: RunIdentity, trigger: String, outcome: EventOutcome, durationSeconds: Double,
                failedTasks: [String] = [], error: EventError? = nil, time: Int64) {
        self.run = run; self.trigger = trigger; self.outcome = outcome; self.durationSeconds = durationSeconds
        self.failedTasks = failedTasks; self.error = error; self.time = time
    }
}

/// One try of a task began.
public struct TaskTryStarted: Sendable, Equatable {
    public var run: RunIdentity
    public var task: String
    /// `extract`, `sql`, `transform`, `check`, `load`, `shell`, `swift`.
    public var kind: String
    public var tryNumber: Int
    public var inputs: [EventDataset]
    public var outputs: [EventDataset]
    public var time: Int64
    public init(run: RunIdentity, task: String, kind: String, tryNumber: Int, inputs: [EventDataset] = [],
                outputs: [EventDataset] = [], time: Int64) {
        self.run = run; self.task = task; self.kind = kind; self.tryNumber = tryNumber
        self.inputs = inputs; self.outputs = outputs; self.time = time
    }
}

/// One try of a task ended.
public struct TaskTryFinished: Sendable, Equatable {
    public var run: RunIdentity
    public var task: String
    public var kind: String
    public var tryNumber: Int
    public var outcome: EventOutcome
    /// Another try follows (the failure was retryable and tries remain).
    public var willRetry: Bool
    public var rowsIn: Int?
    public var rowsOut: Int?
    /// Bytes written, where known (file outputs).
    public var bytesOut: Int?
    public var durationSeconds: Double
    public var error: EventError?
    public var inputs: [EventDataset]
    /// With the output table's schema when the task produced or loaded one.
    public var outputs: [EventDataset]
    public var time: Int64
    public init(run: RunIdentity, task: String, kind: String, tryNumber: Int, outcome: EventOutcome, willRetry: Bool = false,
                rowsIn: Int? = nil, rowsOut: Int? = nil, bytesOut: Int? = nil, durationSeconds: Double,
                error: EventError? = nil, inputs: [EventDataset] = [], outputs: [EventDataset] = [], time: Int64) {
        self.run = run; self.task = task; self.kind = kind; self.tryNumber = tryNumber; self.outcome = outcome
        self.willRetry = willRetry; self.rowsIn = rowsIn; self.rowsOut = rowsOut; self.bytesOut = bytesOut
        self.durationSeconds = durationSeconds; self.error = error; self.inputs = inputs; self.outputs = outputs; self.time = time
    }
}

/// A quality check's result, in a pipeline's check task (or `sluice check`: `run` is nil).
public struct CheckEvaluated: Sendable, Equatable {
    public var run: RunIdentity?
    /// The task that ran the suite, or the checked file for `sluice check`.
    public var task: String
    public var name: String
    /// `not_null`, `unique`, `range`, …
    public var kind: String
    public var columns: [String]
    /// `warning`, `error`, `critical`.
    public var severity: String
    /// `passed`, `failed`, `not_evaluated`.
    public var outcome: String
    public var observed: Double?
    public var threshold: Double?
    public var message: String
    public var time: Int64
    public init(run: RunIdentity?, task: String, name: String, kind: String, columns: [String], severity: String,
                outcome: String, observed: Double?, threshold: Double?, message: String, time: Int64) {
        self.run = run; self.task = task; self.name = name; self.kind = kind; self.columns = columns
        self.severity = severity; self.outcome = outcome; self.observed = observed; self.threshold = threshold
        self.message = message; self.time = time
    }
}

/// A run was not finished by its SLA deadline (interval end + `sla`).
public struct SLAMissed: Sendable, Equatable {
    public var run: RunIdentity
    public var deadline: Int64
    /// The run's state when the miss was noticed (`running`, `failed`, `success` late, or `none`).
    public var state: String
    public var time: Int64
    public init(run: RunIdentity, deadline: Int64, state: String, time: Int64) {
        self.run = run; self.deadline = deadline; self.state = state; self.time = time
    }
}

/// A stream started reading.
public struct StreamStarted: Sendable, Equatable {
    public var stream: String
    public var input: EventDataset
    public var outputs: [EventDataset]
    public var deadLetter: EventDataset
    public var time: Int64
    public init(stream: String, input: EventDataset, outputs: [EventDataset], deadLetter: EventDataset, time: Int64) {
        self.stream = stream; self.input = input; self.outputs = outputs; self.deadLetter = deadLetter; self.time = time
    }
}

/// A stream handed one batch's results to its outputs and dead-letter output (not yet
/// acknowledged by them, nor committed): emitted once per batch, in the order batches are read.
public struct StreamBatchSent: Sendable, Equatable {
    public var stream: String
    /// 1 for the first batch of this run, then 2, 3, …
    public var sequence: Int
    /// Records read in the batch.
    public var records: Int
    /// Records read by this run so far, this batch included.
    public var recordsInTotal: Int
    public var time: Int64
    public init(stream: String, sequence: Int, records: Int, recordsInTotal: Int, time: Int64) {
        self.stream = stream; self.sequence = sequence; self.records = records; self.recordsInTotal = recordsInTotal; self.time = time
    }
}

/// Stream counts up to a commit of the input position (deltas since the previous commit).
public struct StreamBatchCommitted: Sendable, Equatable {
    public var stream: String
    public var recordsIn: Int
    public var recordsOut: Int
    public var deadLettered: Int
    public var filtered: Int
    /// Seconds from reading each batch to handing its results to the outputs, one per batch.
    public var batchLatencies: [Double]
    /// Records not yet read, per input partition (Kafka; empty for files).
    public var lagByPartition: [Int32: Int64]
    public var time: Int64
    public init(stream: String, recordsIn: Int, recordsOut: Int, deadLettered: Int, filtered: Int,
                batchLatencies: [Double], lagByPartition: [Int32: Int64], time: Int64) {
        self.stream = stream; self.recordsIn = recordsIn; self.recordsOut = recordsOut; self.deadLettered = deadLettered
        self.filtered = filtered; self.batchLatencies = batchLatencies; self.lagByPartition = lagByPartition; self.time = time
    }
}

/// A stream stopped: its input ended, it was asked to stop, or it failed.
public struct StreamStopped: Sendable, Equatable {
    public var stream: String
    public var recordsIn: Int
    public var recordsOut: Int
    public var deadLettered: Int
    public var filtered: Int
    public var retries: Int
    public var durationSeconds: Double
    public var error: EventError?
    public var time: Int64
    public init(stream: String, recordsIn: Int, recordsOut: Int, deadLettered: Int, filtered: Int, retries: Int,
                durationSeconds: Double, error: EventError?, time: Int64) {
        self.stream = stream; self.recordsIn = recordsIn; self.recordsOut = recordsOut; self.deadLettered = deadLettered
        self.filtered = filtered; self.retries = retries; self.durationSeconds = durationSeconds; self.error = error; self.time = time
    }
}

/// A record went to the dead-letter output.
public struct RecordDeadLettered: Sendable, Equatable {
    public var stream: String
    /// The processor kind that rejected it (`parse`, `validate`, …, or `output` after failed deliveries).
    public var processor: String
    /// 0 = parse, 1… = the processor's position; past the last = delivery.
    public var step: Int
    public var error: String
    /// Topic or file it came from, and its partition (Kafka) and offset (Kafka offset or file line).
    public var origin: String
    public var partition: Int32?
    public var offset: Int64?
    public var time: Int64
    public init(stream: String, processor: String, step: Int, error: String, origin: String, partition: Int32?,
                offset: Int64?, time: Int64) {
        self.stream = stream; self.processor = processor; self.step = step; self.error = error
        self.origin = origin; self.partition = partition; self.offset = offset; self.time = time
    }
}

/// A failed delivery to a stream output was tried again.
public struct DeliveryRetried: Sendable, Equatable {
    public var stream: String
    /// The output's name (`output`, a route's output, `dead_letter`).
    public var output: String
    /// Attempts so far, this one included.
    public var attempt: Int
    public var error: String
    /// The record went to the dead-letter output instead (attempts exhausted).
    public var gaveUp: Bool
    public var time: Int64
    public init(stream: String, output: String, attempt: Int, error: String, gaveUp: Bool, time: Int64) {
        self.stream = stream; self.output = output; self.attempt = attempt; self.error = error; self.gaveUp = gaveUp; self.time = time
    }
}

/// A write to the pipeline state store failed (or a read the run or the scheduler needed).
/// The run goes on where the write only records progress (a heartbeat, a task's state,
/// check results, a fingerprint); a try that cannot be claimed or whose end cannot be
/// recorded fails, and is retried when the error is transient.
public struct StateStoreFailed: Sendable, Equatable {
    public var pipeline: String
    /// The run, when the operation belongs to one (the scheduler's SLA scan does not).
    public var run: RunIdentity?
    /// The task the operation was for; nil for run-level ones (the heartbeat).
    public var task: String?
    /// `heartbeat`, `set_task_state`, `start_try`, `finish_try`, `record_checks`,
    /// `record_fingerprint`, `read_task_instances`, `read_runs`, `read_notifications`,
    /// `record_notification`.
    public var operation: String
    public var error: EventError
    public var time: Int64
    public init(pipeline: String, run: RunIdentity?, task: String?, operation: String, error: EventError, time: Int64) {
        self.pipeline = pipeline; self.run = run; self.task = task; self.operation = operation; self.error = error; self.time = time
    }
}
