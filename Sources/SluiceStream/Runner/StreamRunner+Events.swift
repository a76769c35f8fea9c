import SluiceCore

extension Endpoint {
    /// The endpoint as events describe it: a Kafka topic (`kafka://brokers`) or a file.
    var dataset: EventDataset {
        switch self {
        case .file(let path): EventDataset(kind: .file, name: path)
        case .kafka(let k): EventDataset(kind: .table, connection: "kafka://" + k.brokers, name: k.topic)
        }
    }
}

extension StreamRunner {
    func notifyStarted() {
        guard let observer else { return }
        observer.observe(.streamStarted(StreamStarted(stream: spec.name, input: spec.input.dataset,
                                                      outputs: [spec.output.dataset] + spec.outputs.map(\.endpoint.dataset),
                                                      deadLetter: spec.deadLetter.dataset, time: currentMicroseconds())))
    }

    /// Counts since the last commit, with the batch latencies collected meanwhile.
    func notifyCommitted(lag: @autoclosure () -> [Int32: Int64]) {
        guard let observer else { return }
        let now = counters
        observer.observe(.streamBatchCommitted(StreamBatchCommitted(
            stream: spec.name, recordsIn: now.input - reported.input, recordsOut: now.output - reported.output,
            deadLettered: now.deadLettered - reported.deadLettered, filtered: now.filtered - reported.filtered,
            batchLatencies: latencies, lagByPartition: lag(), time: currentMicroseconds())))
        reported = now
        latencies.removeAll(keepingCapacity: true)
    }

    func notifyDeadLetters(_ result: ProcessedBatch, batch: RawBatch) {
        guard let observer, !result.deadLetterReasons.isEmpty else { return }
        let time = currentMicroseconds()
        for reason in result.deadLetterReasons {
            observer.observe(.recordDeadLettered(RecordDeadLettered(
                stream: spec.name, processor: reason.processor, step: reason.step, error: reason.message, origin: batch.origin,
                partition: batch.isKafka ? batch.partitions[reason.row] : nil, offset: batch.offsets[reason.row], time: time)))
        }
    }

    func notifyStopped(since began: ContinuousClock.Instant, error: (any Error)?) {
        guard let observer else { return }
        let c = counters
        observer.observe(.streamStopped(StreamStopped(
            stream: spec.name, recordsIn: c.input, recordsOut: c.output, deadLettered: c.deadLettered, filtered: c.filtered,
            retries: c.retries, durationSeconds: Self.seconds(ContinuousClock.now - began),
            error: error.map { EventError(message: "\($0)") }, time: currentMicroseconds())))
    }
}
