import CRdKafka
import SluiceCore

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
    /// Header names (in attribute order after the key), when the output sets a key or headers.
    private let headerNames: [String]
    private let setsAttributes: Bool
    /// Key and headers of messages whose delivery failed, by (ticket, row), for their retry.
    private let retained = Lock()
    private var failedAttributes: [Int: [ArraySlice<UInt8>?]] = [:]   // guarded by `retained`

    init(name: String, _ endpoint: KafkaEndpoint, tracker: DeliveryTracker, index: Int) throws {
        self.name = name
        self.topic = endpoint.topic
        self.tracker = tracker
        self.index = index
        headerNames = endpoint.headers.map(\.name)
        setsAttributes = endpoint.key != nil || !endpoint.headers.isEmpty
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
            sink.delivered(message!)
        }
        rk = try KafkaConfiguration.client(RD_KAFKA_PRODUCER, conf)
        rkt = rd_kafka_topic_new(rk, topic, nil)
    }

    /// A message's opaque: the ticket and the row (rows are below 2^20).
    private static func opaque(ticket: Int, row: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(bitPattern: UInt(ticket) << 20 | UInt(row))!
    }

    private func delivered(_ message: UnsafePointer<rd_kafka_message_t>) {
        let m = message.pointee
        let bits = UInt(bitPattern: m._private)
        let ticket = Int(bits >> 20), row = Int(bits & 0xFFFFF)
        if m.err == RD_KAFKA_RESP_ERR_NO_ERROR {
            tracker.acknowledge(ticket, sink: index)
        } else {
            let payload = m.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: m.len)) } ?? []
            if setsAttributes { retain(message, ticket: ticket, row: row) }
            tracker.fail(ticket, row: row, sink: index, payload: payload, error: kafkaErrorText(m.err))
        }
    }

    /// Produces one message; `attributes` (when the output sets them) are its key, then each
    /// header. A full queue waits for deliveries; a message refused outright (e.g. larger than
    /// `message.max.bytes`) is a failed delivery.
    private func produce(_ p: UnsafeRawPointer?, _ n: Int, attributes: [ArraySlice<UInt8>?] = [], ticket: Int, row: Int) {
        while true {
            let err = attributes.isEmpty ? produceValue(p, n, ticket: ticket, row: row)
                                         : produceWithAttributes(p, n, attributes, ticket: ticket, row: row)
            if err == RD_KAFKA_RESP_ERR_NO_ERROR { return }
            if err == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                rd_kafka_poll(rk, 20)   // backpressure: wait for deliveries
                continue
            }
            tracker.fail(ticket, row: row, sink: index,
                         payload: Array(UnsafeRawBufferPointer(start: p, count: n)), error: kafkaErrorText(err))
            return
        }
    }

    private func produceValue(_ p: UnsafeRawPointer?, _ n: Int, ticket: Int, row: Int) -> rd_kafka_resp_err_t {
        let rc = rd_kafka_produce(rkt, sluice_kafka_partition_unassigned, RD_KAFKA_MSG_F_COPY,
                                  UnsafeMutableRawPointer(mutating: p), n, nil, 0, Self.opaque(ticket: ticket, row: row))
        return rc == 0 ? RD_KAFKA_RESP_ERR_NO_ERROR : rd_kafka_last_error()
    }

    private func produceWithAttributes(_ p: UnsafeRawPointer?, _ n: Int, _ attributes: [ArraySlice<UInt8>?], ticket: Int, row: Int) -> rd_kafka_resp_err_t {
        var headers: OpaquePointer? = nil
        if attributes.count > 1 {
            headers = rd_kafka_headers_new(attributes.count - 1)
            for (name, value) in zip(headerNames, attributes.dropFirst()) {
                guard let value else { continue }
                value.withUnsafeBytes { _ = rd_kafka_header_add(headers, name, -1, $0.baseAddress, $0.count) }
            }
        }
        let key = attributes.first ?? nil
        let err = (key ?? []).withUnsafeBytes { k in
            sluice_kafka_produce(rk, topic, p, n, key == nil ? nil : k.baseAddress, key == nil ? 0 : k.count, headers,
                                 Self.opaque(ticket: ticket, row: row))
        }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR, let headers { rd_kafka_headers_destroy(headers) }   // not taken over
        return err
    }

    /// Keeps a failed message's key and headers for its retry.
    private func retain(_ message: UnsafePointer<rd_kafka_message_t>, ticket: Int, row: Int) {
        let m = message.pointee
        var attributes: [ArraySlice<UInt8>?] = [m.key.map { ArraySlice(UnsafeRawBufferPointer(start: $0, count: m.key_len)) }]
        var headers: OpaquePointer? = nil
        _ = rd_kafka_message_headers(message, &headers)
        for name in headerNames {
            var value: UnsafeRawPointer? = nil, size = 0
            if let headers, rd_kafka_header_get_last(headers, name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR, let value {
                attributes.append(ArraySlice(UnsafeRawBufferPointer(start: value, count: size)))
            } else {
                attributes.append(nil)
            }
        }
        retained.locked { failedAttributes[ticket << 20 | row] = attributes }
    }

    func send(_ records: EncodedRecords, ticket: Int) throws {
        var attributes: [ArraySlice<UInt8>?] = []
        for i in 0..<records.count {
            let r = records.record(i)
            attributes.removeAll(keepingCapacity: true)
            for slot in 0..<records.attributeCount { attributes.append(records.attribute(slot, of: i)) }
            produce(r.baseAddress, r.count, attributes: attributes, ticket: ticket, row: Int(records.rows[i]))
        }
        rd_kafka_poll(rk, 0)
    }

    func send(record: [UInt8], ticket: Int, row: Int) throws {
        let attributes = setsAttributes ? retained.locked { failedAttributes.removeValue(forKey: ticket << 20 | row) } ?? [] : []
        record.withUnsafeBytes { produce($0.baseAddress, $0.count, attributes: attributes, ticket: ticket, row: row) }
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
