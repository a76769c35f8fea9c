import CRdKafka

/// librdkafka's in-process mock cluster: real Kafka protocol on loopback, no
/// external broker. Other clients — in this process or others — reach it through
/// ``bootstrapServers`` for as long as this object lives.
///
/// ```swift
/// let cluster = try KafkaMockCluster(brokers: 3)
/// try cluster.createTopic("events", partitions: 4)
/// print(cluster.bootstrapServers)       // 127.0.0.1:39251,127.0.0.1:…
/// ```
///
/// It keeps only the newest 5 MiB (or 100,000 message sets) per partition: consume
/// while producing, or spread records over partitions.
public final class KafkaMockCluster: @unchecked Sendable {   // the librdkafka handle is thread-safe
    private let rk: OpaquePointer
    private let cluster: OpaquePointer
    /// `host:port,…` of the brokers.
    public let bootstrapServers: String

    /// Starts `brokers` mock brokers on a dedicated client handle.
    ///
    /// - Throws: ``StreamError`` `.kafka` when the cluster cannot start.
    public init(brokers: Int = 3) throws {
        let conf = try KafkaConfiguration.make([("log_level", "3")])
        rk = try KafkaConfiguration.client(RD_KAFKA_PRODUCER, conf)
        guard let cluster = rd_kafka_mock_cluster_new(rk, Int32(brokers)) else {
            rd_kafka_destroy(rk)
            throw StreamError(.kafka, message: "cannot start the Kafka mock cluster")
        }
        self.cluster = cluster
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(rk)
    }

    /// Creates a topic.
    public func createTopic(_ name: String, partitions: Int) throws {
        let err = rd_kafka_mock_topic_create(cluster, name, Int32(partitions), 1)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw StreamError(.kafka, message: "cannot create topic \(name): \(kafkaErrorText(err))")
        }
    }

    /// Makes the next requests of API `apiKey` (Produce 0, Fetch 1, OffsetCommit 8 …)
    /// fail with the given Kafka error codes, one per request.
    public func injectErrors(apiKey: Int16, errors: [Int32]) {
        let codes = errors.map { rd_kafka_resp_err_t(rawValue: $0) }
        codes.withUnsafeBufferPointer { rd_kafka_mock_push_request_errors_array(cluster, apiKey, $0.count, $0.baseAddress) }
    }
}
