import CRdKafka
import SluiceFormats

/// Produces every line of a file (or standard input) to a Kafka topic as one message,
/// bytes as they are — malformed JSON and empty lines included, so a stream's dead-letter
/// path can be exercised with real bad records. Idempotent producer, waits for every
/// delivery report before it returns.
///
/// ```swift
/// let counts = try KafkaFileProducer(endpoint: KafkaEndpoint(topic: "user-events-raw", brokers: brokers))
///     .produce(path: "events.jsonl")
/// print(counts.delivered, counts.failed)
/// ```
public final class KafkaFileProducer {
    /// What a ``produce(path:)`` call sent.
    public struct Counts: Sendable, Equatable {
        public var delivered = 0
        public var failed = 0
        /// The first delivery error, if any.
        public var firstError: String?
    }

    private let endpoint: KafkaEndpoint
    private var counts = Counts()

    /// A producer for `endpoint` (its brokers and properties; `enable.idempotence` is on).
    public init(endpoint: KafkaEndpoint) {
        self.endpoint = endpoint
    }

    /// Sends each line of `path` (`-`: standard input) without its line break (`\r\n` too).
    ///
    /// - Throws: ``StreamError`` `.kafka` when the client cannot be created or the
    ///   deliveries do not finish within 60 s; ``FormatError`` when the file cannot be read.
    public func produce(path: String) throws -> Counts {
        counts = Counts()
        let conf = try KafkaConfiguration.make(KafkaConfiguration.properties(endpoint, defaults: [
            ("enable.idempotence", "true"),
            ("linger.ms", "5"),
            ("compression.type", "zstd"),
            ("queue.buffering.max.messages", "200000"),
        ]))
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_dr_msg_cb(conf) { _, message, opaque in
            let producer = Unmanaged<KafkaFileProducer>.fromOpaque(opaque!).takeUnretainedValue()
            if message!.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                producer.counts.delivered += 1
            } else {
                producer.counts.failed += 1
                if producer.counts.firstError == nil { producer.counts.firstError = kafkaErrorText(message!.pointee.err) }
            }
        }
        let rk = try KafkaConfiguration.client(RD_KAFKA_PRODUCER, conf)
        defer { rd_kafka_destroy(rk) }
        let rkt = rd_kafka_topic_new(rk, endpoint.topic, nil)
        defer { rd_kafka_topic_destroy(rkt) }
        let source = path == "-" ? FileByteSource.standardInput() : try FileByteSource(path: path)
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        func send(_ line: ArraySlice<UInt8>) {
            var line = line
            if line.last == 0x0D { line = line.dropLast() }
            line.withUnsafeBytes { bytes in
                while rd_kafka_produce(rkt, sluice_kafka_partition_unassigned, RD_KAFKA_MSG_F_COPY,
                                       UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count, nil, 0, nil) != 0 {
                    let err = rd_kafka_last_error()
                    guard err == RD_KAFKA_RESP_ERR__QUEUE_FULL else {
                        counts.failed += 1
                        if counts.firstError == nil { counts.firstError = kafkaErrorText(err) }
                        return
                    }
                    rd_kafka_poll(rk, 20)
                }
            }
        }
        while true {
            let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { break }
            pending += chunk[0..<n]
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                send(pending[start..<newline])
                start = newline + 1
            }
            pending.removeSubrange(..<start)
            rd_kafka_poll(rk, 0)
        }
        if !pending.isEmpty { send(pending[...]) }
        guard rd_kafka_flush(rk, 60_000) == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw StreamError(.kafka, message: "\(rd_kafka_outq_len(rk)) messages to \(endpoint.topic) not delivered after 60 s",
                              hint: "check that the brokers \(endpoint.brokers) are reachable")
        }
        return counts
    }
}
