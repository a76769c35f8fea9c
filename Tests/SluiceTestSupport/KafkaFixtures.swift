import CRdKafka
import Foundation
import SluiceCore
import SluiceStream

// Kafka fixtures: librdkafka's mock cluster on 127.0.0.1 and plain produce/consume helpers.

/// One mock Kafka cluster for the whole suite (each test uses its own topics and group).
public enum TestCluster {
    public static let shared: KafkaMockCluster = try! KafkaMockCluster(brokers: 3)

    /// A topic name unique to this run.
    public static func topic(_ base: String, partitions: Int) throws -> String {
        let name = "\(base)-\(UUID().uuidString.prefix(8))"
        try shared.createTopic(name, partitions: partitions)
        return name
    }
}

/// A plain producer for test input.
public func produce(_ records: [[UInt8]], to topic: String, brokers: String = TestCluster.shared.bootstrapServers) throws {
    let conf = try KafkaConfiguration.make([("bootstrap.servers", brokers), ("linger.ms", "5"), ("log_level", "3"),
                                            ("sticky.partitioning.linger.ms", "0")])   // spread keyless records over every partition
    let rk = try KafkaConfiguration.client(RD_KAFKA_PRODUCER, conf)
    defer { rd_kafka_destroy(rk) }
    let rkt = rd_kafka_topic_new(rk, topic, nil)
    defer { rd_kafka_topic_destroy(rkt) }
    for record in records {
        while true {
            let rc = record.withUnsafeBytes {
                rd_kafka_produce(rkt, sluice_kafka_partition_unassigned, RD_KAFKA_MSG_F_COPY,
                                 UnsafeMutableRawPointer(mutating: $0.baseAddress), $0.count, nil, 0, nil)
            }
            if rc == 0 { break }
            rd_kafka_poll(rk, 10)
        }
    }
    _ = rd_kafka_flush(rk, 30_000)
}

/// One message read back.
public struct ReadMessage: Equatable, Sendable {
    public var partition: Int32
    public var offset: Int64
    public var text: String
    /// The message key as text; nil when it has none.
    public var key: String?
    /// The message headers (name → value as text).
    public var headers: [String: String]

    public init(partition: Int32, offset: Int64, text: String, key: String? = nil, headers: [String: String] = [:]) {
        self.partition = partition
        self.offset = offset
        self.text = text
        self.key = key
        self.headers = headers
    }
}

/// Every message of `topic`, read with an assigned (group-less) consumer up to the end of each partition.
public func readAll(_ topic: String, partitions: Int, brokers: String = TestCluster.shared.bootstrapServers) throws -> [ReadMessage] {
    let conf = try KafkaConfiguration.make([("bootstrap.servers", brokers), ("group.id", "reader-\(UUID().uuidString)"),
                                            ("enable.partition.eof", "true"), ("auto.offset.reset", "earliest"),
                                            ("enable.auto.commit", "false"), ("log_level", "3")])
    let rk = try KafkaConfiguration.client(RD_KAFKA_CONSUMER, conf)
    defer { rd_kafka_consumer_close(rk); rd_kafka_destroy(rk) }
    let list = rd_kafka_topic_partition_list_new(Int32(partitions))!
    defer { rd_kafka_topic_partition_list_destroy(list) }
    for p in 0..<partitions { rd_kafka_topic_partition_list_add(list, topic, Int32(p))!.pointee.offset = -2 /* beginning */ }
    rd_kafka_assign(rk, list)
    var result: [ReadMessage] = []
    var ended = Set<Int32>()
    let deadline = Date().addingTimeInterval(60)
    while ended.count < partitions && Date() < deadline {
        guard let m = rd_kafka_consumer_poll(rk, 200) else { continue }
        defer { rd_kafka_message_destroy(m) }
        if m.pointee.err == RD_KAFKA_RESP_ERR__PARTITION_EOF { ended.insert(m.pointee.partition); continue }
        guard m.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
        ended.remove(m.pointee.partition)
        let bytes = UnsafeRawBufferPointer(start: m.pointee.payload, count: m.pointee.len)
        let key = m.pointee.key.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: m.pointee.key_len), as: UTF8.self) }
        var headers: [String: String] = [:]
        var list: OpaquePointer? = nil
        if rd_kafka_message_headers(m, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list {
            var index = 0, name: UnsafePointer<CChar>? = nil, value: UnsafeRawPointer? = nil, size = 0
            while rd_kafka_header_get_all(list, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                headers[String(cString: name!)] = value.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: size), as: UTF8.self) } ?? ""
                index += 1
            }
        }
        result.append(ReadMessage(partition: m.pointee.partition, offset: m.pointee.offset, text: String(decoding: bytes, as: UTF8.self),
                                  key: key, headers: headers))
    }
    return result
}

/// Committed offsets of `group` on `topic`, per partition (-1001 when none).
public func committedOffsets(group: String, topic: String, partitions: Int) throws -> [Int32: Int64] {
    let conf = try KafkaConfiguration.make([("bootstrap.servers", TestCluster.shared.bootstrapServers), ("group.id", group), ("log_level", "3")])
    let rk = try KafkaConfiguration.client(RD_KAFKA_CONSUMER, conf)
    defer { rd_kafka_destroy(rk) }
    let list = rd_kafka_topic_partition_list_new(Int32(partitions))!
    defer { rd_kafka_topic_partition_list_destroy(list) }
    for p in 0..<partitions { rd_kafka_topic_partition_list_add(list, topic, Int32(p)) }
    let err = rd_kafka_committed(rk, list, 10_000)
    guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw StreamError(.kafka, message: kafkaErrorText(err)) }
    var result: [Int32: Int64] = [:]
    for i in 0..<Int(list.pointee.cnt) { result[list.pointee.elems[i].partition] = list.pointee.elems[i].offset }
    return result
}
