#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import SluiceCore
import SluicePipeline
import SluiceQuality

/// Turns events into alerts per the ``AlertsSpec`` rules and delivers them to channels:
/// retried with backoff, de-duplicated per run and rule, throttled per rule
/// (`repeat_interval`), each outcome recorded in the state store (when given) and counted
/// in metrics. A notification that cannot be delivered is logged and counted; it never
/// fails or blocks a run — put this observer behind a ``BufferedObserver``
/// (``Observability/add(_:slow:)`` does).
///
/// ```swift
/// let alerts = try AlertObserver(spec: spec, environment: ProcessInfo.processInfo.environment, store: store)
/// observability.add(alerts, slow: true)
/// ```
public final class AlertObserver: EventObserver, @unchecked Sendable {   // mutable state guarded by `lock`; deliveries serialized by `delivering`
    public let spec: AlertsSpec
    let channels: [String: any AlertChannel]
    let store: StateStore?
    let metrics: SluiceMetrics?
    let log: @Sendable (String) -> Void
    let now: @Sendable () -> Int64
    let sleep: @Sendable (Double) -> Void

    private let lock = Lock()
    private let delivering = Lock()
    /// Runs in progress: when they started.
    private var active: [String: Int64] = [:]
    /// The last error of each task, per run, for failure details.
    private var taskErrors: [String: [String: String]] = [:]
    /// In-memory firing alerts (streams, and runs of this process), by subject + rule.
    private var firing: [String: (Alert, AlertRule)] = [:]
    private var lastSent: [String: Int64] = [:]
    private var sent: Set<String> = []

    /// - Parameters:
    ///   - channels: built from `spec.channels`, or given (tests, custom channels).
    ///   - store: where notifications are recorded and de-duplicated across processes.
    ///   - log: where undeliverable alerts are reported (default: standard error).
    public init(spec: AlertsSpec, channels: [String: any AlertChannel], store: StateStore? = nil, metrics: SluiceMetrics? = nil,
                log: @escaping @Sendable (String) -> Void = { message in FileHandle.standardError.write(Data((message + "\n").utf8)) },
                now: @escaping @Sendable () -> Int64 = currentMicroseconds,
                sleep: @escaping @Sendable (Double) -> Void = { seconds in usleep(UInt32(min(seconds, 60) * 1e6)) }) {
        self.spec = spec
        self.channels = channels
        self.store = store
        self.metrics = metrics
        self.log = log
        self.now = now
        self.sleep = sleep
    }

    /// Builds the channels from the spec, expanding `${VAR}`s from `environment`.
    ///
    /// - Throws: ``ObserveError`` `.invalidConfiguration` for a variable that is not set.
    public convenience init(spec: AlertsSpec, environment: [String: String], directory: String? = nil, store: StateStore? = nil,
                            metrics: SluiceMetrics? = nil) throws {
        var channels: [String: any AlertChannel] = [:]
        for (name, channel) in spec.channels {
            var made = try channel.makeChannel(environment: environment, name: name)
            if var command = made as? CommandChannel { command.directory = directory; made = command }
            channels[name] = made
        }
        self.init(spec: spec, channels: channels, store: store, metrics: metrics)
    }

    // MARK: Events

    public func runStarted(_ e: RunStarted) {
        let key = Self.runKey(e.run)
        lock.locked { active[key] = e.time }
        for rule in rules(.longRunning) {
            let after = rule.after ?? 0
            let delay = max(0, Double(e.time + Int64(after * 1e6) - now()) / 1e6)
            DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [self] in
                guard lock.locked({ active[key] == e.time }) else { return }
                var alert = base(rule, run: e.run, severity: "warning",
                                 summary: "\(e.run.pipeline) \(e.run.runID) is still running after \(Self.format(seconds: after))",
                                 details: "started \(formatTimestamp(microsecondsSinceEpoch: e.time)); trigger \(e.trigger)")
                alert.startedAt = e.time
                fire(alert, rule)
            }
        }
    }

    public func taskTryFinished(_ e: TaskTryFinished) {
        if let error = e.error?.message, e.outcome != .success {
            lock.locked { taskErrors[Self.runKey(e.run), default: [:]][e.task] = error }
        }
        guard e.willRetry else { return }
        for rule in rules(.retry) {
            var alert = base(rule, run: e.run, severity: "warning",
                             summary: "\(e.run.pipeline) \(e.run.runID): task \(e.task) try \(e.tryNumber) \(e.outcome.rawValue), retrying",
                             details: e.error?.message ?? "")
            alert.task = e.task
            fire(alert, rule, instance: "\(e.run.runID)/\(e.task)/\(e.tryNumber)")
        }
    }

    public func checkEvaluated(_ e: CheckEvaluated) {
        guard e.outcome == "failed", let severity = Severity(rawValue: e.severity) else { return }
        for rule in rules(.quality) where severity >= (Severity(rawValue: rule.severity) ?? .error) {
            let subject = e.run?.pipeline ?? e.task
            var alert = Alert(rule: rule.name, event: rule.event.rawValue, severity: e.severity, subjectKind: "pipeline", subject: subject,
                              runID: e.run?.runID, logicalDate: e.run?.logicalDate, task: e.run == nil ? nil : e.task, check: e.name,
                              summary: "\(subject)\(e.run.map { " " + $0.runID } ?? ""): check \(e.name) failed [\(e.severity)]",
                              details: e.message, startedAt: e.time, link: link(subject, runID: e.run?.runID))
            if let observed = e.observed { alert.details += "\nobserved \(observed)" + (e.threshold.map { ", threshold \($0)" } ?? "") }
            fire(alert, rule, instance: "\(e.run?.runID ?? "")/\(e.task)/\(e.name)")
        }
    }

    public func slaMissed(_ e: SLAMissed) {
        for rule in rules(.slaMiss) {
            fire(base(rule, run: e.run, severity: "critical",
                      summary: "\(e.run.pipeline) \(e.run.runID) missed its SLA (due \(formatTimestamp(microsecondsSinceEpoch: e.deadline)))",
                      details: "state when noticed: \(e.state)"), rule)
        }
    }

    public func runFinished(_ e: RunFinished) {
        let key = Self.runKey(e.run)
        let errors = lock.locked { () -> [String: String] in
            active[key] = nil
            return taskErrors.removeValue(forKey: key) ?? [:]
        }
        if e.outcome == .success {
            resolve(subject: e.run.pipeline, kind: "pipeline", runID: e.run.runID,
                    summary: "\(e.run.pipeline) \(e.run.runID) succeeded")
            return
        }
        for rule in rules(.failure) {
            let details = e.failedTasks.map { task in "\(task): " + (errors[task] ?? "not run (upstream failed)") }.joined(separator: "\n")
            fire(base(rule, run: e.run, severity: "critical",
                      summary: "\(e.run.pipeline) \(e.run.runID) failed (\(e.failedTasks.joined(separator: ", ")))",
                      details: details.isEmpty ? (e.error?.message ?? "") : details), rule)
        }
    }

    public func streamBatchCommitted(_ e: StreamBatchCommitted) {
        for rule in rules(.dlqRate) where e.recordsIn > 0 {
            let rate = Double(e.deadLettered) / Double(e.recordsIn)
            streamCondition(rule, stream: e.stream, value: rate, time: e.time,
                            summary: "stream \(e.stream): \(Self.percent(rate)) of records dead-lettered (above \(Self.percent(rule.above ?? 0)))",
                            details: "\(e.deadLettered) of \(e.recordsIn) records since the last commit went to the dead-letter output")
        }
        for rule in rules(.consumerLag) where !e.lagByPartition.isEmpty {
            let lag = Double(e.lagByPartition.values.reduce(0, +))
            let worst = e.lagByPartition.max { $0.value < $1.value }!
            streamCondition(rule, stream: e.stream, value: lag, time: e.time,
                            summary: "stream \(e.stream): consumer lag \(Int(lag)) records (above \(Int(rule.above ?? 0)))",
                            details: "largest on partition \(worst.key): \(worst.value) records")
        }
    }

    // MARK: Rules to notifications

    func rules(_ event: AlertRule.Event) -> [AlertRule] { spec.rules.filter { $0.event == event } }

    func link(_ subject: String, runID: String?, kind: String = "pipelines") -> String {
        (spec.linkBase ?? "sluice:/") + "/\(kind)/\(subject)" + (runID.map { "/runs/\($0)" } ?? "")
    }

    func base(_ rule: AlertRule, run: RunIdentity, severity: String, summary: String, details: String) -> Alert {
        Alert(rule: rule.name, event: rule.event.rawValue, severity: severity, subjectKind: "pipeline", subject: run.pipeline,
              runID: run.runID, logicalDate: run.logicalDate, summary: summary, details: details, startedAt: now(),
              link: link(run.pipeline, runID: run.runID))
    }

    func repeatInterval(_ rule: AlertRule, stream: Bool) -> Double {
        rule.repeatInterval ?? spec.repeatInterval ?? (stream ? 3600 : 0)
    }

    /// A stream condition above its threshold fires (again after repeat_interval); back below, it resolves.
    func streamCondition(_ rule: AlertRule, stream: String, value: Double, time: Int64, summary: String, details: String) {
        let key = stream + "|" + rule.name
        let current = lock.locked { firing[key] }
        if value > (rule.above ?? 0) {
            let interval = repeatInterval(rule, stream: true)
            if let (alert, _) = current, Double(now() - (lock.locked { lastSent[key] } ?? alert.startedAt)) / 1e6 < interval { return }
            var alert = Alert(rule: rule.name, event: rule.event.rawValue, severity: "error", subjectKind: "stream", subject: stream,
                              summary: summary, details: details, startedAt: current?.0.startedAt ?? time,
                              link: link(stream, runID: nil, kind: "streams"))
            alert.status = .firing
            deliver(alert, rule, instance: "\(time)", throttle: false)
            lock.locked { firing[key] = (alert, rule) }
        } else if let (alert, rule) = current, spec.resolve {
            lock.locked { firing[key] = nil }
            var resolved = alert
            resolved.status = .resolved
            resolved.summary = "stream \(stream): \(rule.event.rawValue) back to \(rule.event == .dlqRate ? Self.percent(value) : String(Int(value)))"
            deliver(resolved, rule, instance: "\(time)", throttle: false)
        }
    }

    func fire(_ alert: Alert, _ rule: AlertRule, instance: String? = nil) {
        deliver(alert, rule, instance: instance ?? alert.runID ?? "", throttle: true)
        lock.locked { firing[alert.subject + "|" + rule.name] = (alert, rule) }
    }

    /// Sends "resolved" for every rule of `subject` whose latest notification is a delivered "firing".
    func resolve(subject: String, kind: String, runID: String, summary: String) {
        guard spec.resolve else { return }
        var open: [String: (severity: String, summary: String)] = [:]
        let records = notifications(subject: subject, limit: 500)
        if let records {
            for record in records.reversed() where record.outcome == "delivered" {
                if record.status == "firing" { open[record.rule] = (record.severity, record.summary) } else { open[record.rule] = nil }
            }
        }
        let memory = lock.locked { () -> [(Alert, AlertRule)] in
            let prefix = subject + "|"
            let found = firing.filter { $0.key.hasPrefix(prefix) }.map(\.value)
            for key in firing.keys where key.hasPrefix(prefix) { firing[key] = nil }
            return found
        }
        for (alert, _) in memory where open[alert.rule] == nil && records == nil { open[alert.rule] = (alert.severity, alert.summary) }
        for (ruleName, last) in open.sorted(by: { $0.key < $1.key }) {
            guard let rule = spec.rules.first(where: { $0.name == ruleName }) else { continue }
            var alert = Alert(rule: ruleName, event: rule.event.rawValue, severity: last.severity, subjectKind: kind, subject: subject,
                              runID: runID, summary: "\(summary) (was: \(last.summary))", details: "", startedAt: now(),
                              link: link(subject, runID: runID))
            alert.status = .resolved
            deliver(alert, rule, instance: runID, throttle: false)
        }
    }

    /// To each of the rule's channels: dedupe, throttle, attempts with backoff, record, count.
    func deliver(_ alert: Alert, _ rule: AlertRule, instance: String, throttle: Bool) {
        delivering.locked {
            let names = rule.to.isEmpty ? channels.keys.sorted() : rule.to
            let dedupeKey = [alert.subject, alert.rule, instance, alert.status.rawValue].joined(separator: "|")
            let previous = notifications(subject: alert.subject, limit: 1000)
            if !alert.isTest {
                if lock.locked({ sent.contains(dedupeKey) }) { return }
                if previous?.contains(where: { $0.rule == alert.rule && $0.instance == instance && $0.status == alert.status.rawValue && $0.outcome == "delivered" }) == true {
                    return
                }
            }
            let throttleKey = alert.subject + "|" + alert.rule
            if throttle && !alert.isTest && alert.status == .firing {
                let interval = repeatInterval(rule, stream: alert.subjectKind == "stream")
                let last = lock.locked { lastSent[throttleKey] }
                    ?? previous?.first(where: { $0.rule == alert.rule && $0.status == "firing" && $0.outcome == "delivered" })?.time
                if interval > 0, let last, Double(now() - last) / 1e6 < interval {
                    for name in names { record(alert, instance: instance, channel: name, outcome: "throttled", attempts: 0, error: nil) }
                    lock.locked { _ = sent.insert(dedupeKey) }
                    return
                }
            }
            lock.locked { _ = sent.insert(dedupeKey) }
            var anyDelivered = false
            for name in names {
                guard let channel = channels[name] else { continue }
                var attempt = 0, lastError: String?
                var delay = spec.delivery.backoff
                while attempt < spec.delivery.attempts {
                    attempt += 1
                    do {
                        try channel.send(alert)
                        lastError = nil
                        break
                    } catch {
                        lastError = "\(error)"
                        if attempt < spec.delivery.attempts { sleep(delay); delay *= 2 }
                    }
                }
                let outcome = lastError == nil ? "delivered" : "failed"
                if lastError == nil { anyDelivered = true }
                metrics?.countNotification(channel: channel.kind, outcome: outcome)
                record(alert, instance: instance, channel: name, outcome: outcome, attempts: attempt, error: lastError)
                if let lastError {
                    log("warning: alert \(alert.rule) for \(alert.subject) not delivered to channel \(name) after \(attempt) attempt\(attempt == 1 ? "" : "s"): \(lastError)")
                }
            }
            if anyDelivered && alert.status == .firing { lock.locked { lastSent[throttleKey] = now() } }
        }
    }

    func record(_ alert: Alert, instance: String, channel: String, outcome: String, attempts: Int, error: String?) {
        guard let store else { return }
        do {
            try store.recordNotification(NotificationRecord(
                subject: alert.subject, runID: alert.runID ?? "", rule: alert.rule, instance: instance, status: alert.status.rawValue,
                channel: channel, outcome: outcome, attempts: attempts, error: error, severity: alert.severity, summary: alert.summary, time: now()))
        } catch {
            reportStateFailure(error, .recordNotification, subject: alert.subject)
        }
    }

    /// The notification history of `subject` (newest first), or nil without a store or when
    /// the store cannot be read (reported): dedupe and throttling then rely on this
    /// process's memory, and the alert is still sent.
    func notifications(subject: String, limit: Int) -> [NotificationRecord]? {
        guard let store else { return nil }
        do {
            return try store.notifications(subject: subject, limit: limit)
        } catch {
            reportStateFailure(error, .readNotifications, subject: subject)
            return nil
        }
    }

    /// Reports a failed state-store operation the way the runner and scheduler report theirs:
    /// a ``StateStoreFailed`` to metrics (`sluice_state_store_failures_total{pipeline,operation}`)
    /// and a warning on `log`. An observer never fails a run, so nothing is thrown.
    func reportStateFailure(_ error: any Error, _ operation: StateWrite, subject: String) {
        let failure = operation.failure(error, pipeline: subject, time: now())
        metrics?.observe(.stateStoreFailed(failure))
        log("warning: \(failure.error.message)")
    }

    /// Sends a sample alert of every rule to its channels (`sluice alerts test`), bypassing dedupe and throttling.
    ///
    /// - Returns: per rule and channel, nil when delivered, else the (masked) error.
    public func sendSamples(subject: String, kind: String) -> [(rule: String, channel: String, error: String?)] {
        var results: [(String, String, String?)] = []
        for rule in spec.rules {
            var alert = Alert(rule: rule.name, event: rule.event.rawValue, severity: rule.event == .retry ? "warning" : "critical",
                              subjectKind: kind, subject: subject, runID: kind == "pipeline" ? "test" : nil,
                              summary: "test alert: \(subject) rule \(rule.name)", details: "sent by `sluice alerts test`",
                              startedAt: now(), link: link(subject, runID: nil, kind: kind + "s"))
            alert.isTest = true
            for name in rule.to.isEmpty ? channels.keys.sorted() : rule.to {
                guard let channel = channels[name] else { continue }
                var error: String?
                var delay = spec.delivery.backoff
                for attempt in 1...spec.delivery.attempts {
                    do {
                        try channel.send(alert)
                        error = nil
                        break
                    } catch let failure {
                        error = "\(failure)"
                        if attempt < spec.delivery.attempts { sleep(delay); delay *= 2 }
                    }
                }
                results.append((rule.name, name, error))
            }
        }
        return results
    }

    static func runKey(_ run: RunIdentity) -> String { run.pipeline + "|" + run.runID }
    static func percent(_ v: Double) -> String { "\(Double(Int(v * 10_000)) / 100)%" }
    static func format(seconds: Double) -> String {
        seconds >= 3600 ? "\(Int(seconds / 3600)) h" : seconds >= 60 ? "\(Int(seconds / 60)) m" : "\(Int(seconds)) s"
    }
}
