import SluiceCore
import Foundation

/// Runs a stream: reads batches from the input, processes them, sends the results
/// to the outputs and the dead-letter output, and moves the input position only
/// past records that every destination has acknowledged — at-least-once delivery.
///
/// ```swift
/// let runner = try StreamRunner(spec: spec, options: .init(follow: false))
/// let counters = try runner.run()        // until the input ends or stop() is called
/// ```
///
/// Shutdown (``stop()``, e.g. on SIGINT/SIGTERM): stop reading, deliver everything
/// in flight, commit, return. A crash at any point loses nothing: records whose
/// position was not committed are read and delivered again (duplicates only of
/// that uncommitted tail).
public final class StreamRunner: @unchecked Sendable {   // `stopFlag` is guarded by `lock`; everything else is used by the run() thread
    /// How a run behaves.
    public struct Options: Sendable {
        /// Files: wait at the end of the input for more lines.
        public var follow: Bool
        /// Kafka: stop once every assigned partition has been read to its end.
        public var stopAtEnd: Bool
        /// Where a file input's position is stored (default: `<input>.<stream>.position`).
        public var positionPath: String?
        /// Kafka: this consumer's `group.instance.id` (static membership): a restarted
        /// consumer with the same id is given its partitions back at once, not after the
        /// session timeout (~45 s). Unique per consumer in the group; a `group.instance.id`
        /// property in the spec wins.
        public var instanceID: String?
        /// Receives the periodic and the final status.
        public var status: (@Sendable (StreamStatus) -> Void)?

        public init(follow: Bool = false, stopAtEnd: Bool = false, positionPath: String? = nil, instanceID: String? = nil,
                    status: (@Sendable (StreamStatus) -> Void)? = nil) {
            self.instanceID = instanceID
            self.follow = follow
            self.stopAtEnd = stopAtEnd
            self.positionPath = positionPath
            self.status = status
        }
    }

    public let spec: StreamSpec
    let options: Options
    /// Receives typed events (start, commits, dead letters, retries, stop); called on the run() thread.
    @Synchronized public var observer: (any EventObserver)?
    /// What the observer has not yet been told: counts and batch latencies since the last commit.
    var reported = StreamCounters()
    var latencies: [Double] = []
    /// One compiled processor per worker (a processor is used by one thread at a time).
    let processors: [StreamProcessor]
    let tracker = DeliveryTracker()
    private let lock = Lock()
    private var stopFlag = false
    public private(set) var counters = StreamCounters()
    /// Seconds from the first record read to the end of ``run()`` (excludes waiting for
    /// the first record, e.g. a Kafka group join).
    public private(set) var activeSeconds = 0.0
    private var firstRecordAt: ContinuousClock.Instant?
    /// Sinks: outputs in route order, then the dead-letter output (last).
    private var sinks: [RecordSink] = []
    private var source: RecordSource!
    /// Held while this runner reads a file input: a second runner of the same input and position refuses to start.
    private var inputLock: PositionLock?
    private var deadLetterIndex: Int { sinks.count - 1 }
    /// Whether a sink can fail a record after it was sent (and so needs the batch's bytes for the DLQ).
    private var hasKafkaSink = false

    /// Compiles the spec; transports open when ``run()`` starts.
    ///
    /// - Throws: ``StreamError`` `.invalidSpec`.
    public init(spec: StreamSpec, options: Options = Options()) throws {
        self.spec = spec
        self.options = options
        let workers = Swift.max(1, Swift.min(spec.settings.workers, 8))
        processors = try (0..<workers).map { _ in try StreamProcessor(spec) }
        tracker.backoff = spec.settings.retryBackoff
    }

    /// Asks a running ``run()`` to stop after the current batch (thread-safe).
    public func stop() {
        lock.locked { stopFlag = true }
    }

    private var isStopping: Bool {
        lock.locked { stopFlag }
    }

    private func open() throws {
        let endpoints = [spec.output] + spec.outputs.map(\.endpoint) + [spec.deadLetter]
        let names = ["output"] + spec.outputs.map(\.name) + ["dead_letter"]
        var positionPath: String?
        if case .file(let path) = spec.input {
            positionPath = options.positionPath ?? (path == "-" ? nil : "\(path).\(spec.name).position")
            // Before any output is opened (opening one trims a torn last line the holder may be writing).
            inputLock = try positionPath.map { try PositionFile(path: $0).lock() }
        }
        for (i, (endpoint, name)) in zip(endpoints, names).enumerated() {
            switch endpoint {
            case .file(let path): sinks.append(try FileSink(name: name, path: path, tracker: tracker, index: i))
            case .kafka(let k):
                sinks.append(try KafkaSink(name: name, k, tracker: tracker, index: i))
                hasKafkaSink = true
            }
        }
        switch spec.input {
        case .file(let path):
            source = try FileSource(path: path, follow: options.follow, position: positionPath.map(PositionFile.init))
        case .kafka(let k):
            let kafka = try KafkaSource(k, stopAtEnd: options.stopAtEnd, instanceID: options.instanceID)
            kafka.beforeRevoke = { [unowned self] in try? self.drain() }
            kafka.onIdle = { [unowned self] in
                for sink in self.sinks { try? sink.checkpoint() }
                try? self.pump()
            }
            source = kafka
        }
    }

    /// Runs until the input ends (files without `follow`, Kafka with `stopAtEnd`) or
    /// ``stop()`` is called; then delivers what is in flight and commits.
    ///
    /// - Returns: the final counts.
    /// - Throws: ``StreamError`` for I/O and unrecoverable Kafka errors. Bad records
    ///   never throw: they go to the dead-letter output.
    @discardableResult
    public func run() throws -> StreamCounters {
        let began = ContinuousClock.now
        do {
            let counters = try runUntilDone()
            notifyStopped(since: began, error: nil)
            return counters
        } catch {
            notifyStopped(since: began, error: error)
            throw error
        }
    }

    private func runUntilDone() throws -> StreamCounters {
        try open()
        notifyStarted()
        defer {
            source?.close()
            sinks.forEach { $0.close() }
        }
        let settings = spec.settings
        let started = ContinuousClock.now
        var lastCommit = started, lastStatus = started, inputAtLastStatus = 0
        var sentBatches = 0
        while !isStopping {
            // Backpressure: at most max_in_flight_batches unacknowledged batches. File outputs
            // acknowledge on fsync, at each commit; their batches hold no record bytes meanwhile.
            while tracker.inFlight >= settings.maxInFlightBatches && !isStopping && hasKafkaSink {
                for sink in sinks { try sink.poll(timeout: .milliseconds(sinks.count > 1 ? 2 : 10)) }
                try pump()
            }
            if source.isFinished { break }
            // Read up to one batch per worker, process them in parallel, send them in order.
            var batches: [RawBatch] = []
            if let first = try source.read(max: settings.batchSize, timeout: .milliseconds(200)) {
                if firstRecordAt == nil { firstRecordAt = .now }
                batches.append(first)
                while batches.count < processors.count, batches.count + tracker.inFlight < settings.maxInFlightBatches || !hasKafkaSink,
                      !source.isFinished, let next = try source.read(max: settings.batchSize, timeout: .zero) {
                    batches.append(next)
                }
            }
            let readAt = ContinuousClock.now
            for (batch, result) in zip(batches, process(batches)) {
                if observer != nil { notifyDeadLetters(result, batch: batch) }
                counters.input += batch.count
                counters.filtered += result.filtered
                let sent = result.outputs.reduce(0) { $0 + $1.count } + result.deadLetters.count
                let ticket = tracker.register(batch, expecting: sent)
                for (i, records) in result.outputs.enumerated() { try sinks[i].send(records, ticket: ticket) }
                try sinks[deadLetterIndex].send(result.deadLetters, ticket: ticket)
                if !hasKafkaSink { batch.releaseRecords() }
                sentBatches += 1
                if observer != nil { latencies.append(Self.seconds(ContinuousClock.now - readAt)) }
                if let observer {
                    observer.observe(.streamBatchSent(StreamBatchSent(stream: spec.name, sequence: sentBatches, records: batch.count,
                                                                      recordsInTotal: counters.input, time: currentMicroseconds())))
                }
            }
            try pump()
            let now = ContinuousClock.now
            if now - lastCommit >= settings.commitInterval {
                for sink in sinks { try sink.checkpoint() }
                try pump()
                try source.commit(final: false)
                notifyCommitted(lag: source.lagByPartition)
                lastCommit = now
            }
            if settings.statusInterval > .zero, now - lastStatus >= settings.statusInterval, let report = options.status {
                let seconds = Self.seconds(now - lastStatus)
                report(status(rate: Double(counters.input - inputAtLastStatus) / seconds, started: started, isFinal: false))
                lastStatus = now
                inputAtLastStatus = counters.input
            }
        }
        try drain()
        try source.commit(final: true)
        notifyCommitted(lag: source.lagByPartition)
        activeSeconds = firstRecordAt.map { Self.seconds(ContinuousClock.now - $0) } ?? 0
        options.status?(status(rate: 0, started: started, isFinal: true))
        return counters
    }

    /// Processes batches, one per worker, in parallel; results in the batches' order.
    private func process(_ batches: [RawBatch]) -> [ProcessedBatch] {
        if batches.count <= 1 { return batches.map { self.processors[0].process($0) } }
        let workers = self.processors
        return concurrentMap(batches.count) { i in workers[i].process(batches[i]) }
    }

    /// Waits until every batch sent is acknowledged (retrying failures), acknowledging them to the source.
    func drain() throws {
        while tracker.inFlight > 0 {
            for sink in sinks { try sink.drain(timeout: .milliseconds(100)) }
            try pump()
            if tracker.inFlight > 0 && !tracker.retries.isEmpty { usleep(10_000) }
        }
    }

    /// Retries failed deliveries that are due and acknowledges completed batches to the source.
    private func pump() throws {
        for retry in tracker.dueRetries() {
            counters.retries += 1
            let gaveUp = retry.attempts >= spec.settings.maxAttempts && retry.sink != deadLetterIndex
            observer?.observe(.deliveryRetried(DeliveryRetried(stream: spec.name, output: sinks[retry.sink].name, attempt: retry.attempts,
                                                               error: retry.error, gaveUp: gaveUp, time: currentMicroseconds())))
            if retry.attempts >= spec.settings.maxAttempts && retry.sink != deadLetterIndex,
               let batch = tracker.batch(retry.ticket) {
                // Gave up on this output: the record goes to the dead-letter output instead.
                tracker.forget(retry)
                if let observer {
                    observer.observe(.recordDeadLettered(RecordDeadLettered(
                        stream: spec.name, processor: "output", step: spec.processors.count + 1,
                        error: "delivery to \(sinks[retry.sink].name) failed after \(retry.attempts) attempts: \(retry.error)",
                        origin: batch.origin, partition: batch.isKafka ? batch.partitions[retry.row] : nil,
                        offset: batch.offsets[retry.row], time: currentMicroseconds())))
                }
                let envelope = EncodedRecords()
                DeadLetterEnvelope.write(into: envelope, batch: batch, row: retry.row, processor: "output",
                                         step: spec.processors.count + 1,
                                         error: "delivery to \(sinks[retry.sink].name) failed after \(retry.attempts) attempts: \(retry.error)",
                                         time: currentMicroseconds())
                try sinks[deadLetterIndex].send(envelope, ticket: retry.ticket)
            } else {
                try sinks[retry.sink].send(record: retry.payload, ticket: retry.ticket, row: retry.row)
            }
        }
        for batch in tracker.popCompleted() { source.acknowledge(batch) }
        let delivered = tracker.delivered
        counters.output = delivered.prefix(sinks.count - 1).reduce(0, +)
        counters.deadLettered = delivered.count > deadLetterIndex ? delivered[deadLetterIndex] : 0
    }

    private func status(rate: Double, started: ContinuousClock.Instant, isFinal: Bool) -> StreamStatus {
        let elapsed = Self.seconds(ContinuousClock.now - started)
        return StreamStatus(counters: counters, inputPerSecond: rate,
                            averagePerSecond: elapsed > 0 ? Double(counters.input) / elapsed : 0,
                            lag: source?.lag, isFinal: isFinal)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
