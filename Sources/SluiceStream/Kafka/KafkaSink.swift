import CRdKafka

/// Produces records to a topic with an idempotent producer. Each message carries
/// its batch ticket and row; the delivery report acknowledges it to the
/// ``DeliveryTracker``, or reports it failed so the runner retries it (and after
/// `max_attempts`, dead-letters it).
final class KafkaSink: RecordSink {
    let name: String
    let topic: String
    private var rk: OpaquePointer!
    private var rkt: OpaquePointer!
    private let tracker: DeliveryTracker
    private let index: Int

    init(name: String, _ endpoint: KafkaEndpoint, tracker: DeliveryTracker, index: Int) throws {
        self.name = name
        self.topic = endpoint.topic
        self.tracker = tracker
        self.index = index
        let conf = try KafkaConfiguration.make(KafkaConfiguration.properties(endpoint, defaults: [
            ("enable.idempotence", "true"),
            ("linger.ms", "5"),
            ("batch.num.messages", "10000"),
            ("message.timeout.ms", "30000"),
            ("queue.buffering.max.messages", "200000"),
        ]))
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_dr_msg_cb(conf) { _, message, opaque in
            let sink = Unmanaged<KafkaSink>.fromOpaque(opaque!).takeUnretainedValue()
            sink.delivered(message!.pointee)
        }
        rk = try KafkaConfiguration.client(RD_KAFKA_PRODUCER, conf)
        rkt = rd_kafka_topic_new(rk, topic, nil)
    }

    /// A message's opaque: the ticket and the row (rows are below 2^20).
    private static func opaque(ticket: Int, row: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(bitPattern: UInt(ticket) << 20 | UInt(row))!
    }

    private func delivered(_ m: rd_kafka_message_t) {
        let bits = UInt(bitPattern: m._private)
        let ticket = Int(bits >> 20), row = Int(bits & 0xFFFFF)
        if m.err == RD_KAFKA_RESP_ERR_NO_ERROR {
            tracker.acknowledge(ticket, sink: index)
        } else {
            let payload = m.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: m.len)) } ?? []
            tracker.fail(ticket, row: row, sink: index, payload: payload, error: kafkaErrorText(m.err))
        }
    }

    private func produce(_ p: UnsafeRawPointer?, _ n: Int, ticket: Int, row: Int) throws {
        while true {
            let rc = rd_kafka_produce(rkt, sluice_kafka_partition_unassigned, RD_KAFKA_MSG_F_COPY,
                                      UnsafeMutableRawPointer(mutating: p), n, nil, 0, Self.opaque(ticket: ticket, row: row))
            if rc == 0 { return }
            let err = rd_kafka_last_error()
            if err == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                rd_kafka_poll(rk, 20)   // backpressure: wait for deliveries
                continue
            }
            // Refused outright (e.g. larger than message.max.bytes): a failed delivery.
            tracker.fail(ticket, row: row, sink: index,
                         payload: Array(UnsafeRawBufferPointer(start: p, count: n)), error: kafkaErrorText(err))
            return
        }
    }

    func send(_ records: EncodedRecords, ticket: Int) throws {
        for i in 0..<records.count {
            let r = records.record(i)
            try produce(r.baseAddress, r.count, ticket: ticket, row: Int(records.rows[i]))
        }
        rd_kafka_poll(rk, 0)
    }

    func send(record: [UInt8], ticket: Int, row: Int) throws {
        try record.withUnsafeBytes { try produce($0.baseAddress, $0.count, ticket: ticket, row: row) }
    }

    func checkpoint() throws { rd_kafka_poll(rk, 0) }

    func poll(timeout: Duration) throws {
        rd_kafka_poll(rk, Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000))
    }

    func drain(timeout: Duration) throws {
        let ms = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        _ = rd_kafka_flush(rk, ms)
    }

    func close() {
        guard let rk else { return }
        _ = rd_kafka_flush(rk, 10_000)
        rd_kafka_topic_destroy(rkt)
        rd_kafka_destroy(rk)
        self.rk = nil
    }
}
