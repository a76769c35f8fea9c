import SluiceCore

/// Turns ``SluiceEvent``s into Prometheus metrics: an ``EventObserver`` over a
/// ``MetricsRegistry``. Cheap and synchronous (a lock and a dictionary update per event).
///
/// Labels are bounded: pipeline, task, task kind, outcome, check name and kind, severity,
/// stream, output, processor, partition. Run ids, paths and error messages never are.
///
/// ```swift
/// let metrics = SluiceMetrics()
/// runner.observer = metrics
/// _ = try await runner.run(request)
/// try MetricsExport.writeTextfile(metrics.registry, to: "/var/lib/node_exporter/sluice.prom")
/// ```
public final class SluiceMetrics: EventObserver, @unchecked Sendable {   // state lives in `registry`, which locks
    public let registry: MetricsRegistry

    let taskDuration, taskTries, taskRetries, rowsIn, rowsOut, bytesWritten: MetricsRegistry.Family
    let runs, runDuration, lastSuccess, lastRun, runsInProgress: MetricsRegistry.Family
    let checks, checkObserved, checkThreshold, slaMisses: MetricsRegistry.Family
    let streamIn, streamOut, streamDLQ, streamFiltered, streamLatency, streamLag, streamRetries, streamUp: MetricsRegistry.Family
    let alertsSent, eventsDropped, stateStoreFailures: MetricsRegistry.Family

    public init(registry: MetricsRegistry = MetricsRegistry()) {
        self.registry = registry
        let r = registry
        taskDuration = r.histogram("sluice_task_duration_seconds", help: "Duration of task tries, by outcome.", labels: ["pipeline", "task", "kind", "outcome"])
        taskTries = r.counter("sluice_task_tries_total", help: "Task tries, by outcome.", labels: ["pipeline", "task", "kind", "outcome"])
        taskRetries = r.counter("sluice_task_retries_total", help: "Failed task tries followed by another try.", labels: ["pipeline", "task"])
        rowsIn = r.counter("sluice_task_rows_in_total", help: "Rows read by succeeded task tries.", labels: ["pipeline", "task"])
        rowsOut = r.counter("sluice_task_rows_out_total", help: "Rows produced or loaded by succeeded task tries.", labels: ["pipeline", "task"])
        bytesWritten = r.counter("sluice_task_written_bytes_total", help: "Bytes of files written by succeeded task tries.", labels: ["pipeline", "task"])
        runs = r.counter("sluice_pipeline_runs_total", help: "Finished pipeline runs, by outcome (after retries).", labels: ["pipeline", "outcome"])
        runDuration = r.histogram("sluice_pipeline_run_duration_seconds", help: "Duration of pipeline runs, by outcome.", labels: ["pipeline", "outcome"])
        lastSuccess = r.gauge("sluice_pipeline_last_success_timestamp_seconds", help: "When a run of the pipeline last succeeded (Unix time), for freshness alerts.", labels: ["pipeline"])
        lastRun = r.gauge("sluice_pipeline_last_run_timestamp_seconds", help: "When a run of the pipeline last finished (Unix time).", labels: ["pipeline"])
        runsInProgress = r.gauge("sluice_pipeline_runs_in_progress", help: "Runs started and not yet finished.", labels: ["pipeline"])
        checks = r.counter("sluice_check_results_total", help: "Quality check results, by severity and outcome.", labels: ["pipeline", "check", "kind", "severity", "outcome"])
        checkObserved = r.gauge("sluice_check_observed_value", help: "The value a check last measured (a fraction, a count, seconds).", labels: ["pipeline", "check", "kind"])
        checkThreshold = r.gauge("sluice_check_threshold", help: "The threshold a check last compared against.", labels: ["pipeline", "check", "kind"])
        slaMisses = r.counter("sluice_sla_misses_total", help: "Runs not finished by their SLA deadline.", labels: ["pipeline"])
        streamIn = r.counter("sluice_stream_records_in_total", help: "Records read by a stream.", labels: ["stream"])
        streamOut = r.counter("sluice_stream_records_out_total", help: "Records delivered to a stream's outputs.", labels: ["stream"])
        streamDLQ = r.counter("sluice_stream_records_dead_lettered_total", help: "Records sent to the dead-letter output, by the processor that rejected them.", labels: ["stream", "processor"])
        streamFiltered = r.counter("sluice_stream_records_filtered_total", help: "Records a filter dropped.", labels: ["stream"])
        streamLatency = r.histogram("sluice_stream_batch_latency_seconds", help: "Time from reading a batch to handing its records to the outputs.", labels: ["stream"],
                                    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])
        streamLag = r.gauge("sluice_stream_consumer_lag_records", help: "Records not yet read, per input partition.", labels: ["stream", "partition"])
        streamRetries = r.counter("sluice_stream_delivery_retries_total", help: "Deliveries to a stream output tried again.", labels: ["stream", "output"])
        streamUp = r.gauge("sluice_stream_running", help: "1 while the stream runs, 0 after it stopped.", labels: ["stream"])
        eventsDropped = r.counter("sluice_events_dropped_total", help: "Events an observer dropped because its buffer was full (backpressure), by observer.", labels: ["observer"])
        stateStoreFailures = r.counter("sluice_state_store_failures_total", help: "Pipeline state store writes (and reads the run depends on) that failed, by operation.", labels: ["pipeline", "operation"])
        alertsSent = r.counter("sluice_alert_notifications_total", help: "Alert notifications, by channel kind and delivery outcome.", labels: ["channel", "outcome"])
    }

    public func runStarted(_ e: RunStarted) { registry.add(runsInProgress, 1, [e.run.pipeline]) }

    public func runFinished(_ e: RunFinished) {
        let p = e.run.pipeline
        registry.add(runsInProgress, -1, [p])
        registry.add(runs, 1, [p, e.outcome.rawValue])
        registry.observe(runDuration, e.durationSeconds, [p, e.outcome.rawValue])
        registry.set(lastRun, Double(e.time) / 1e6, [p])
        if e.outcome == .success { registry.set(lastSuccess, Double(e.time) / 1e6, [p]) }
    }

    public func taskTryFinished(_ e: TaskTryFinished) {
        let p = e.run.pipeline
        registry.add(taskTries, 1, [p, e.task, e.kind, e.outcome.rawValue])
        registry.observe(taskDuration, e.durationSeconds, [p, e.task, e.kind, e.outcome.rawValue])
        if e.willRetry { registry.add(taskRetries, 1, [p, e.task]) }
        guard e.outcome == .success else { return }
        if let n = e.rowsIn { registry.add(rowsIn, Double(n), [p, e.task]) }
        if let n = e.rowsOut { registry.add(rowsOut, Double(n), [p, e.task]) }
        if let n = e.bytesOut { registry.add(bytesWritten, Double(n), [p, e.task]) }
    }

    public func checkEvaluated(_ e: CheckEvaluated) {
        let p = e.run?.pipeline ?? e.task   // `sluice check`: the suite's name
        registry.add(checks, 1, [p, e.name, e.kind, e.severity, e.outcome])
        if let v = e.observed { registry.set(checkObserved, v, [p, e.name, e.kind]) }
        if let v = e.threshold { registry.set(checkThreshold, v, [p, e.name, e.kind]) }
    }

    public func slaMissed(_ e: SLAMissed) { registry.add(slaMisses, 1, [e.run.pipeline]) }

    public func streamStarted(_ e: StreamStarted) {
        registry.set(streamUp, 1, [e.stream])
        // Zero-valued series from the start, so rate() and alerts see them before the first record.
        for family in [streamIn, streamOut, streamFiltered] { registry.add(family, 0, [e.stream]) }
    }

    public func streamBatchCommitted(_ e: StreamBatchCommitted) {
        registry.add(streamIn, Double(e.recordsIn), [e.stream])
        registry.add(streamOut, Double(e.recordsOut), [e.stream])
        registry.add(streamFiltered, Double(e.filtered), [e.stream])
        for latency in e.batchLatencies { registry.observe(streamLatency, latency, [e.stream]) }
        if !e.lagByPartition.isEmpty {
            registry.removeSeries(streamLag) { $0[0] == e.stream }
            for (partition, lag) in e.lagByPartition { registry.set(streamLag, Double(lag), [e.stream, String(partition)]) }
        }
    }

    public func streamStopped(_ e: StreamStopped) { registry.set(streamUp, 0, [e.stream]) }

    public func recordDeadLettered(_ e: RecordDeadLettered) { registry.add(streamDLQ, 1, [e.stream, e.processor]) }

    public func deliveryRetried(_ e: DeliveryRetried) { registry.add(streamRetries, 1, [e.stream, e.output]) }

    public func stateStoreFailed(_ e: StateStoreFailed) { registry.add(stateStoreFailures, 1, [e.pipeline, e.operation]) }

    /// Makes the observer's dropped-events series exist (at 0), so alerts can watch it from the start.
    public func registerDroppingObserver(_ observer: String) { registry.add(eventsDropped, 0, [observer]) }

    /// Counts one event `observer` dropped under backpressure (``BufferedObserver``'s `onDrop`).
    public func countDroppedEvent(observer: String) { registry.add(eventsDropped, 1, [observer]) }

    /// Counts one alert notification (alert channels report through this).
    public func countNotification(channel: String, outcome: String) { registry.add(alertsSent, 1, [channel, outcome]) }
}
