#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SluiceCore
import SluiceQuality

/// What a task sees while it runs: the run's values, its input table, a log, and
/// whether it has been cancelled (timeout or shutdown).
public final class TaskContext: @unchecked Sendable {   // log, cancellation and handlers are guarded by `lock`; `upstream` is set before the try starts
    public let pipeline: Pipeline
    public let task: PipelineTask
    public let variables: RunVariables
    /// 1 for the first try.
    public let tryNumber: Int
    let tables: @Sendable (String) throws -> Table
    /// The upstream tasks' states and errors when the task started (for `one_failed` and
    /// other failure-handling tasks; shell tasks get them as `SLUICE_UPSTREAM_*` variables).
    public internal(set) var upstream: [UpstreamState] = []
    /// Earlier runs' metrics of a dataset identity, for change and anomaly checks (from the state store).
    var checkHistory: (@Sendable (Suite, String) throws -> RunHistory)?
    private let lock = Lock()
    private var lines: [String] = []
    private var logBytes = 0
    private var cancelled = false
    private var cancelHandlers: [@Sendable () -> Void] = []
    /// Log kept per try (the newest part when a task writes more).
    static let logLimit = 256 * 1024

    init(pipeline: Pipeline, task: PipelineTask, variables: RunVariables, tryNumber: Int, tables: @escaping @Sendable (String) throws -> Table) {
        self.pipeline = pipeline
        self.task = task
        self.variables = variables
        self.tryNumber = tryNumber
        self.tables = tables
    }

    /// The table of the task's input (its `input:` or only table-producing upstream).
    public func input() throws -> Table {
        try tables(try pipeline.inputTask(of: task))
    }

    /// The table another task (one this task runs after) produced in this run.
    public func table(of task: String) throws -> Table {
        guard pipeline.ancestors(of: self.task).contains(task) else {
            throw PipelineError(.missingReference, message: "task \"\(self.task.name)\" reads the table of \"\(task)\" but does not run after it",
                                hint: "add \"\(task)\" to its `after:` list")
        }
        return try tables(task)
    }

    /// Adds a line to this try's log (kept in the state store; `sluice logs`).
    public func log(_ message: String) {
        let message = Secrets.mask(message)
        lock.locked {
            lines.append(message)
            logBytes += message.utf8.count + 1
            while logBytes > Self.logLimit, lines.count > 1 { logBytes -= lines.removeFirst().utf8.count + 1 }
        }
    }

    var logText: String { lock.locked { lines.joined(separator: "\n") } }

    /// Whether the try has been cancelled; long loops should stop when it is.
    public var isCancelled: Bool { lock.locked { cancelled } }

    /// Throws ``PipelineError`` `.cancelled` once the try has been cancelled.
    public func checkCancelled() throws {
        if isCancelled { throw PipelineError(.cancelled, message: "task \"\(task.name)\" was cancelled") }
    }

    /// Runs `handler` when the try is cancelled (at once if it already is).
    func onCancel(_ handler: @escaping @Sendable () -> Void) {
        let now: Bool = lock.locked {
            if cancelled { return true }
            cancelHandlers.append(handler)
            return false
        }
        if now { handler() }
    }

    func cancel() {
        let handlers: [@Sendable () -> Void] = lock.locked {
            guard !cancelled else { return [] }
            cancelled = true
            defer { cancelHandlers = [] }
            return cancelHandlers
        }
        for handler in handlers { handler() }
    }
}

/// What a try produced.
public struct TaskOutput: Sendable {
    /// The table downstream tasks read (stored as the run's artifact).
    public var table: Table?
    public var rowsIn: Int?
    public var rowsOut: Int?
    /// Quality results to record with the try.
    public var checks: [CheckResult]
    /// The table is this task's input, unchanged (its artifact is shared, not copied).
    var passthroughOf: String?
    /// The schema of what a task without an output table wrote (a load's table), for events.
    var outputSchema: Schema?

    public init(table: Table? = nil, rowsIn: Int? = nil, rowsOut: Int? = nil, checks: [CheckResult] = []) {
        self.table = table
        self.rowsIn = rowsIn
        self.rowsOut = rowsOut ?? table?.rowCount
        self.checks = checks
    }
}

/// A quality gate that failed: the try fails (and is not retried — the data would not
/// change), and its check results are still recorded.
public struct QualityGateFailure: SluiceError {
    public var results: [CheckResult]
    public var failOn: Severity
    /// Rows the checked table had (stored with the results).
    public var rowCount: Int = 0
    public var message: String {
        let failed = results.filter { $0.fails(atOrAbove: failOn) }
        return "\(failed.count) check\(failed.count == 1 ? "" : "s") at \(failOn.rawValue) or above failed: "
            + failed.map { "\($0.name) (\($0.message))" }.joined(separator: "; ")
    }
    /// A failed gate is about the data: the same data fails again, so it is never retried.
    public var category: ErrorCategory { .data }
    public var location: ErrorLocation? { nil }
    public var hint: String? { nil }
    public var codeName: String { "qualityGateFailed" }
    public var description: String { ErrorFormatter.format(self) }
}

/// Runs blocking work on its own thread so the async runner is never blocked;
/// cancelling the awaiting task cancels `context`.
func onThread<T: Sendable>(_ context: TaskContext, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            do {
                try WorkerThread.start(name: "task \(context.task.name)", detached: true, stackSize: 8 << 20) {
                    continuation.resume(with: Result { try body() })
                }
            } catch {
                continuation.resume(throwing: error)   // no thread: the try fails with a ThreadStartError
            }
        }
    } onCancel: {
        context.cancel()
    }
}
