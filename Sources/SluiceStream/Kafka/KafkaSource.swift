import CRdKafka
#if canImport(Glibc)
import Glibc
#endif

/// Reads a topic as a member of a consumer group, with
/// `enable.auto.commit=false` and `enable.auto.offset.store=false`: an offset is
/// stored only when the runner acknowledges the batch holding it (every record up
/// to it delivered), and the acknowledged offsets are committed — explicitly and
/// synchronously — every commit interval, before a partition is revoked, and at shutdown.
final class KafkaSource: RecordSource {
    let topic: String
    private var rk: OpaquePointer!
    private let stopAtEnd: Bool
    private var assignment: Set<Int32> = []
    private var atEnd: Set<Int32> = []
    /// The next offset to commit per partition: one past the last acknowledged record.
    private var acknowledged: [Int32: Int64] = [:]
    /// Called when partitions are about to be revoked: deliver and acknowledge what
    /// is in flight so its offsets can be committed before another member takes over.
    var beforeRevoke: (() -> Void)?
    /// Rebalances that took partitions away (a batch being filled drops their records).
    private var revocations = 0
    /// Called while waiting for messages (the runner serves delivery reports meanwhile).
    var onIdle: (() -> Void)?
    /// `stopAtEnd` and the group had already read every partition to its end when this
    /// source opened: nothing to read, so the group is never joined.
    private(set) var wasCaughtUp = false

    init(_ endpoint: KafkaEndpoint, stopAtEnd: Bool, instanceID: String? = nil) throws {
        topic = endpoint.topic
        self.stopAtEnd = stopAtEnd
        let conf = try KafkaConfiguration.make(KafkaConfiguration.properties(endpoint, defaults: (instanceID.map { [("group.instance.id", $0)] } ?? []) + [
            ("group.id", endpoint.group ?? "sluice"),
            ("enable.auto.commit", "false"),
            ("enable.auto.offset.store", "false"),
            ("auto.offset.reset", "earliest"),
            ("enable.partition.eof", stopAtEnd ? "true" : "false"),
            ("queued.min.messages", "1000000"),        // prefetch deep; memory stays bounded by:
            ("queued.max.messages.kbytes", "65536"),
        ]))
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_rebalance_cb(conf) { rk, err, partitions, opaque in
            let source = Unmanaged<KafkaSource>.fromOpaque(opaque!).takeUnretainedValue()
            source.rebalance(rk!, err, partitions!)
        }
        rk = try KafkaConfiguration.client(RD_KAFKA_CONSUMER, conf)
        rd_kafka_poll_set_consumer(rk)
        // A caught-up group has nothing to read: say so without joining it. Joining costs a
        // rebalance (3 s on a broker, group.initial.rebalance.delay.ms; in librdkafka's mock
        // cluster up to session.timeout.ms when the group's last member left moments ago).
        if stopAtEnd, isCaughtUp() {
            wasCaughtUp = true
            return
        }
        let list = rd_kafka_topic_partition_list_new(1)!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        rd_kafka_topic_partition_list_add(list, topic, sluice_kafka_partition_unassigned)
        let err = rd_kafka_subscribe(rk, list)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw StreamError(.kafka, message: "cannot subscribe to \(topic): \(kafkaErrorText(err))")
        }
    }

    private func rebalance(_ rk: OpaquePointer, _ err: rd_kafka_resp_err_t, _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        if err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS {
            let list = partitions.pointee
            for i in 0..<Int(list.cnt) { assignment.insert(list.elems[i].partition) }
            rd_kafka_assign(rk, partitions)
        } else {
            // Revoke: finish what is in flight, commit, then let go.
            beforeRevoke?()
            _ = commitAcknowledged(async: false)
            revocations += 1
            rd_kafka_assign(rk, nil)
            acknowledged.removeAll()
            assignment.removeAll()
            atEnd.removeAll()
        }
    }

    var isFinished: Bool {
        wasCaughtUp || (stopAtEnd && !assignment.isEmpty && assignment.isSubset(of: atEnd))
    }

    /// Whether the group's committed offset (or, with none, the earliest offset) is at the end
    /// of every partition of the topic. Asks the brokers (metadata, committed offsets,
    /// watermarks), each bounded; any failure answers false and the group is joined as usual.
    private func isCaughtUp() -> Bool {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let topicHandle = rd_kafka_topic_new(rk, topic, nil)
        defer { rd_kafka_topic_destroy(topicHandle) }
        guard rd_kafka_metadata(rk, 0, topicHandle, &metadata, 5_000) == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { return false }
        defer { rd_kafka_metadata_destroy(metadata) }
        guard metadata.pointee.topic_cnt == 1, metadata.pointee.topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR else { return false }
        let count = Int(metadata.pointee.topics[0].partition_cnt)
        guard count > 0 else { return false }
        let list = rd_kafka_topic_partition_list_new(Int32(count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for i in 0..<count { rd_kafka_topic_partition_list_add(list, topic, metadata.pointee.topics[0].partitions[i].id) }
        guard rd_kafka_committed(rk, list, 5_000) == RD_KAFKA_RESP_ERR_NO_ERROR else { return false }
        for i in 0..<Int(list.pointee.cnt) {
            let e = list.pointee.elems[i]
            guard e.err == RD_KAFKA_RESP_ERR_NO_ERROR else { return false }
            var low: Int64 = 0, high: Int64 = 0
            guard rd_kafka_query_watermark_offsets(rk, topic, e.partition, &low, &high, 5_000) == RD_KAFKA_RESP_ERR_NO_ERROR else { return false }
            let position = e.offset >= 0 ? e.offset : low
            if position < high { return false }
        }
        return true
    }

    func read(max: Int, timeout: Duration) throws -> RawBatch? {
        var batch = RawBatch(origin: topic, isKafka: true, capacity: max)
        let revocationsBefore = revocations
        // Fill the batch for at most `timeout` (a full batch returns at once). Messages
        // already fetched are taken without waiting; the clock is read only when none is ready.
        let deadline = ContinuousClock.now + timeout
        var wait: Int32 = 0
        while batch.count < max {
            guard let message = rd_kafka_consumer_poll(rk, wait) else {
                let left = deadline - ContinuousClock.now
                if left <= .zero { break }
                wait = Int32(Swift.max(1, Swift.min(20, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)))
                onIdle?()
                continue
            }
            wait = 0
            defer { rd_kafka_message_destroy(message) }
            let m = message.pointee
            if m.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                batch.append(UnsafeRawBufferPointer(start: m.payload, count: m.len), partition: m.partition, offset: m.offset)
                atEnd.remove(m.partition)
            } else if m.err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
                atEnd.insert(m.partition)
                if isFinished { break }
            } else {
                printWarning("Kafka consumer: \(kafkaErrorText(m.err))")
                if m.err == RD_KAFKA_RESP_ERR__FATAL {
                    throw StreamError(.kafka, message: "Kafka consumer failed: \(kafkaErrorText(m.err))")
                }
            }
        }
        if revocations != revocationsBefore && batch.count > 0 {
            // Records of partitions revoked while filling belong to their new owner, which reads
            // them again from the committed offset: keeping them would only duplicate them.
            let kept = RawBatch(origin: topic, isKafka: true, capacity: batch.count)
            for i in 0..<batch.count where assignment.contains(batch.partitions[i]) {
                kept.append(UnsafeRawBufferPointer(batch.record(i)), partition: batch.partitions[i], offset: batch.offsets[i])
            }
            batch = kept
        }
        return batch.count > 0 ? batch : nil
    }

    func acknowledge(_ batch: RawBatch) {
        var next: [Int32: Int64] = [:]
        for i in 0..<batch.count { next[batch.partitions[i]] = Swift.max(next[batch.partitions[i]] ?? 0, batch.offsets[i] + 1) }
        let list = rd_kafka_topic_partition_list_new(Int32(next.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for (partition, offset) in next {
            rd_kafka_topic_partition_list_add(list, topic, partition)!.pointee.offset = offset
        }
        // Partitions revoked meanwhile are refused (their records will be read again by the new owner).
        _ = rd_kafka_offsets_store(rk, list)
        for (partition, offset) in next where assignment.contains(partition) {
            acknowledged[partition] = Swift.max(acknowledged[partition] ?? 0, offset)
        }
    }

    /// Commits the acknowledged offsets given explicitly, so a commit that failed
    /// earlier is simply repeated by the next one.
    private func commitAcknowledged(async: Bool) -> rd_kafka_resp_err_t {
        guard !acknowledged.isEmpty else { return RD_KAFKA_RESP_ERR__NO_OFFSET }
        let list = rd_kafka_topic_partition_list_new(Int32(acknowledged.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for (partition, offset) in acknowledged {
            rd_kafka_topic_partition_list_add(list, topic, partition)!.pointee.offset = offset
        }
        return rd_kafka_commit(rk, list, async ? 1 : 0)
    }

    func commit(final: Bool) throws {
        guard final else {
            // Synchronous (one loopback round trip per commit interval): an asynchronous commit
            // that librdkafka retries could land after a newer one and move the offset back.
            let err = commitAcknowledged(async: false)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET {
                printWarning("committing offsets failed (will retry): \(kafkaErrorText(err))")
            }
            return
        }
        // At shutdown: synchronously, retrying transient failures with backoff.
        var err = RD_KAFKA_RESP_ERR_NO_ERROR
        for attempt in 0..<14 {   // ~9 s: outlasts a group rebalance (REBALANCE_IN_PROGRESS)
            err = commitAcknowledged(async: false)
            if err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET { return }
            printWarning("committing offsets failed (attempt \(attempt + 1)): \(kafkaErrorText(err))")
            usleep(UInt32(50_000 << Swift.min(attempt, 4)))
        }
        throw StreamError(.kafka, message: "committing offsets failed: \(kafkaErrorText(err))",
                          hint: "the records were delivered; a restart reads the uncommitted ones again (duplicates, no loss)")
    }

    var lag: Int64? { assignment.isEmpty ? nil : lagByPartition.values.reduce(0, +) }

    var lagByPartition: [Int32: Int64] {
        guard !assignment.isEmpty else { return [:] }
        let list = rd_kafka_topic_partition_list_new(Int32(assignment.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for p in assignment { rd_kafka_topic_partition_list_add(list, topic, p) }
        rd_kafka_position(rk, list)
        var lags: [Int32: Int64] = [:]
        for i in 0..<Int(list.pointee.cnt) {
            let e = list.pointee.elems[i]
            var low: Int64 = 0, high: Int64 = 0
            guard rd_kafka_get_watermark_offsets(rk, topic, e.partition, &low, &high) == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
            // Nothing read yet in this session: the group's committed offset is where reading starts.
            let position = e.offset >= 0 ? e.offset : (acknowledged[e.partition] ?? committedOffset(e.partition) ?? low)
            lags[e.partition] = Swift.max(0, high - position)
        }
        return lags
    }

    /// The group's committed offset of `partition` (asked once, then remembered).
    private var committedCache: [Int32: Int64?] = [:]
    private func committedOffset(_ partition: Int32) -> Int64? {
        if let known = committedCache[partition] { return known }
        let list = rd_kafka_topic_partition_list_new(1)!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        rd_kafka_topic_partition_list_add(list, topic, partition)
        let ok = rd_kafka_committed(rk, list, 2_000) == RD_KAFKA_RESP_ERR_NO_ERROR && list.pointee.elems[0].offset >= 0
        let offset: Int64? = ok ? list.pointee.elems[0].offset : nil
        committedCache[partition] = .some(offset)   // none committed is remembered too
        return offset
    }

    func close() {
        guard let rk else { return }
        if wasCaughtUp {   // never joined
            rd_kafka_destroy(rk)
            self.rk = nil
            return
        }
        // Leave the group through the normal revoke path first (served by polling here),
        // then close: closing while a rebalance is under way can wait forever in 2.0.2.
        _ = rd_kafka_unsubscribe(rk)
        var polls = 0
        while !assignment.isEmpty && polls < 50 {
            if let message = rd_kafka_consumer_poll(rk, 100) { rd_kafka_message_destroy(message) }
            polls += 1
        }
        _ = rd_kafka_consumer_close(rk)
        rd_kafka_destroy(rk)
        self.rk = nil
    }
}
