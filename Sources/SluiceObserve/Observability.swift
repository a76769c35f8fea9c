import SluiceCore

/// What a command observes its runs and streams with: metrics, and the alert and other
/// observers added to it, combined into one ``EventObserver`` to hand to a runner.
///
/// ```swift
/// let observability = Observability()
/// let server = try observability.serveMetrics(host: "127.0.0.1", port: 9464)
/// runner.observer = observability.observer
/// ```
public final class Observability: @unchecked Sendable {   // `extra` is set up before any run, then only read
    public let metrics: SluiceMetrics
    /// More observers (alerts, lineage), called after metrics.
    public private(set) var extra: [any EventObserver] = []
    /// Buffered observers to flush before exit.
    private var buffered: [BufferedObserver] = []

    public init(metrics: SluiceMetrics = SluiceMetrics()) { self.metrics = metrics }

    /// Adds an observer; a slow one (network, processes) goes behind a bounded buffer, whose
    /// dropped events are counted in `sluice_events_dropped_total{observer="<name>"}`.
    ///
    /// - Parameters:
    ///   - name: the observer's kind for the metric label (`alerts`, `callbacks`, `lineage`): a bounded set.
    public func add(_ observer: any EventObserver, slow: Bool = false, name: String = "observer") {
        if slow {
            let b = buffered(observer, name: name)
            buffered.append(b)
            extra.append(b)
        } else {
            extra.append(observer)
        }
    }

    /// `observer` behind a bounded buffer whose drops are counted under `name`; flushed by ``flush(timeoutSeconds:)``.
    public func buffered(_ observer: any EventObserver, name: String, capacity: Int = 4096) -> BufferedObserver {
        let metrics = self.metrics
        metrics.registerDroppingObserver(name)
        return BufferedObserver(observer, capacity: capacity) { metrics.countDroppedEvent(observer: name) }
    }

    /// Metrics, then the added observers.
    public var observer: any EventObserver { extra.isEmpty ? metrics : EventFanOut([metrics] + extra) }

    /// Serves `/metrics` on `host:port` (port 0: a free one).
    ///
    /// - Throws: ``ObserveError`` when the address cannot be bound.
    public func serveMetrics(host: String, port: Int) throws -> MetricsServer {
        let registry = metrics.registry
        return try MetricsServer(host: host, port: port) { registry.exposition() }
    }

    /// Waits (bounded) until slow observers have handled everything observed so far.
    public func flush(timeoutSeconds: Double = 30) {
        for b in buffered { b.flush(timeoutSeconds: timeoutSeconds) }
    }

    /// Parses `HOST:PORT` (`127.0.0.1:9464`, `:9464`, `9464`).
    ///
    /// - Throws: ``ObserveError`` `.invalidConfiguration` naming `option`.
    public static func parseAddress(_ text: String, option: String) throws -> (host: String, port: Int) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        let host = parts.count == 2 ? (parts[0].isEmpty ? "127.0.0.1" : String(parts[0])) : "127.0.0.1"
        guard parts.count <= 2, let port = Int(parts.last ?? ""), (0...65_535).contains(port) else {
            throw ObserveError(.invalidConfiguration, location: option, message: "expects HOST:PORT, found '\(text)'",
                               hint: "e.g. 127.0.0.1:9464")
        }
        return (host, port)
    }
}

/// Passes on only the events of one pipeline or stream (several share a scheduler).
public struct SubjectFilter: EventObserver {
    public let wrapped: any EventObserver
    public let subject: String
    public init(_ wrapped: any EventObserver, subject: String) {
        self.wrapped = wrapped
        self.subject = subject
    }

    public func observe(_ event: SluiceEvent) {
        let name: String? = switch event {
        case .runClaimed(let e): e.run.pipeline
        case .runStarted(let e): e.run.pipeline
        case .runFinished(let e): e.run.pipeline
        case .taskTryStarted(let e): e.run.pipeline
        case .taskTryFinished(let e): e.run.pipeline
        case .checkEvaluated(let e): e.run?.pipeline ?? e.task
        case .slaMissed(let e): e.run.pipeline
        case .streamStarted(let e): e.stream
        case .streamBatchSent(let e): e.stream
        case .streamBatchCommitted(let e): e.stream
        case .streamStopped(let e): e.stream
        case .recordDeadLettered(let e): e.stream
        case .deliveryRetried(let e): e.stream
        case .stateStoreFailed(let e): e.pipeline
        }
        if name == subject { wrapped.observe(event) }
    }
}
