/// Subscribes to ``SluiceEvent``s. Every method has a no-op default: implement the ones you need.
///
/// Emitters call observers synchronously on their own threads, so an observer must be
/// cheap and must never block or fail: anything slow (network, disk) goes through a
/// ``BufferedObserver``, which hands events to a thread of its own.
///
/// ```swift
/// struct FailurePrinter: EventObserver {
///     func runFinished(_ event: RunFinished) {
///         if event.outcome != .success { print("\(event.run.pipeline) \(event.run.runID) failed") }
///     }
/// }
/// runner.observer = FailurePrinter()
/// ```
public protocol EventObserver: Sendable {
    /// Receives every event; the default dispatches to the method for its kind.
    func observe(_ event: SluiceEvent)
    func runClaimed(_ event: RunClaimed)
    func runStarted(_ event: RunStarted)
    func runFinished(_ event: RunFinished)
    func taskTryStarted(_ event: TaskTryStarted)
    func taskTryFinished(_ event: TaskTryFinished)
    func checkEvaluated(_ event: CheckEvaluated)
    func slaMissed(_ event: SLAMissed)
    func streamStarted(_ event: StreamStarted)
    func streamBatchSent(_ event: StreamBatchSent)
    func streamBatchCommitted(_ event: StreamBatchCommitted)
    func streamStopped(_ event: StreamStopped)
    func recordDeadLettered(_ event: RecordDeadLettered)
    func deliveryRetried(_ event: DeliveryRetried)
    func stateStoreFailed(_ event: StateStoreFailed)
}

extension EventObserver {
    public func observe(_ event: SluiceEvent) {
        switch event {
        case .runClaimed(let e): runClaimed(e)
        case .runStarted(let e): runStarted(e)
        case .runFinished(let e): runFinished(e)
        case .taskTryStarted(let e): taskTryStarted(e)
        case .taskTryFinished(let e): taskTryFinished(e)
        case .checkEvaluated(let e): checkEvaluated(e)
        case .slaMissed(let e): slaMissed(e)
        case .streamStarted(let e): streamStarted(e)
        case .streamBatchSent(let e): streamBatchSent(e)
        case .streamBatchCommitted(let e): streamBatchCommitted(e)
        case .streamStopped(let e): streamStopped(e)
        case .recordDeadLettered(let e): recordDeadLettered(e)
        case .deliveryRetried(let e): deliveryRetried(e)
        case .stateStoreFailed(let e): stateStoreFailed(e)
        }
    }
    public func runClaimed(_ event: RunClaimed) {}
    public func runStarted(_ event: RunStarted) {}
    public func runFinished(_ event: RunFinished) {}
    public func taskTryStarted(_ event: TaskTryStarted) {}
    public func taskTryFinished(_ event: TaskTryFinished) {}
    public func checkEvaluated(_ event: CheckEvaluated) {}
    public func slaMissed(_ event: SLAMissed) {}
    public func streamStarted(_ event: StreamStarted) {}
    public func streamBatchSent(_ event: StreamBatchSent) {}
    public func streamBatchCommitted(_ event: StreamBatchCommitted) {}
    public func streamStopped(_ event: StreamStopped) {}
    public func recordDeadLettered(_ event: RecordDeadLettered) {}
    public func deliveryRetried(_ event: DeliveryRetried) {}
    public func stateStoreFailed(_ event: StateStoreFailed) {}
}

/// Sends each event to several observers, in order.
public struct EventFanOut: EventObserver {
    public var observers: [any EventObserver]
    public init(_ observers: [any EventObserver]) { self.observers = observers }
    public func observe(_ event: SluiceEvent) {
        for observer in observers { observer.observe(event) }
    }
}

/// Records every event (for tests and for callers that inspect a run's events afterwards).
public final class RecordingObserver: EventObserver, @unchecked Sendable {   // `recorded` is guarded by `lock`
    private let lock = Lock()
    private var recorded: [SluiceEvent] = []
    public init() {}
    public func observe(_ event: SluiceEvent) { lock.locked { recorded.append(event) } }
    /// The events so far, in the order they were observed.
    public var events: [SluiceEvent] { lock.locked { recorded } }
    /// The names of the events so far (`run_started`, …).
    public var names: [String] { events.map(\.name) }
}

/// Hands events to a slow observer on a thread of its own, through a bounded buffer, so
/// the emitter never waits: when the buffer is full the event is dropped and counted.
///
/// ```swift
/// let alerts = BufferedObserver(AlertObserver(...), capacity: 1024)
/// runner.observer = alerts
/// ...
/// alerts.flush()       // before the process exits: waits until the buffer is empty
/// ```
public final class BufferedObserver: EventObserver, @unchecked Sendable {   // queue state guarded by `changed`
    private let wrapped: any EventObserver
    private let capacity: Int
    private var queue: [SluiceEvent] = []
    private var head = 0
    private var busy = false
    private var closed = false
    private var droppedCount = 0
    private let onDrop: (@Sendable () -> Void)?
    private let changed = Condition()
    private var thread: WorkerThread?

    /// - Parameters:
    ///   - observer: the slow observer; it runs on this buffer's own thread, one event at a time.
    ///   - capacity: events held at most; more are dropped (``dropped`` counts them).
    ///   - onDrop: called for each dropped event (e.g. to count it in a metric); must be cheap
    ///     and must not call back into this observer.
    public init(_ observer: any EventObserver, capacity: Int = 4096, onDrop: (@Sendable () -> Void)? = nil) {
        precondition(capacity > 0, "capacity must be positive")
        wrapped = observer
        self.capacity = capacity
        self.onDrop = onDrop
        // No thread to be had: `observe` delivers in place (an observer never fails a run).
        thread = try? WorkerThread.start(name: "a buffered observer", detached: true) { [self] in drainLoop() }
    }

    public func observe(_ event: SluiceEvent) {
        enum Outcome { case queued, dropped, inPlace }
        let outcome: Outcome = changed.locked {
            if thread == nil { return .inPlace }
            if queue.count - head >= capacity || closed {
                droppedCount += 1
                return .dropped
            }
            queue.append(event)
            changed.broadcast()
            return .queued
        }
        switch outcome {
        case .queued: break
        case .dropped: onDrop?()
        case .inPlace: wrapped.observe(event)       // no thread could be started: deliver in place
        }
    }

    /// Events dropped because the buffer was full.
    public var dropped: Int {
        changed.locked { droppedCount }
    }

    /// Waits until every event observed so far has been handed to the wrapped observer
    /// (at most `timeoutSeconds`). Returns false on timeout.
    @discardableResult
    public func flush(timeoutSeconds: Double = 30) -> Bool {
        let deadline = Condition.Deadline(secondsFromNow: timeoutSeconds)
        return changed.locked {
            while head < queue.count || busy {
                if !changed.wait(until: deadline) { return head >= queue.count && !busy }
            }
            return true
        }
    }

    /// Flushes, then stops the thread; later events are dropped.
    public func close(timeoutSeconds: Double = 30) {
        flush(timeoutSeconds: timeoutSeconds)
        changed.locked {
            closed = true
            changed.broadcast()
        }
    }

    private func drainLoop() {
        while true {
            let next: SluiceEvent? = changed.locked {
                while head >= queue.count && !closed { changed.wait() }
                if head >= queue.count && closed { return nil }
                let event = queue[head]
                head += 1
                if head > 1024 && head * 2 > queue.count { queue.removeFirst(head); head = 0 }
                busy = true
                return event
            }
            guard let event = next else { return }
            wrapped.observe(event)
            changed.locked {
                busy = false
                changed.broadcast()
            }
        }
    }
}
