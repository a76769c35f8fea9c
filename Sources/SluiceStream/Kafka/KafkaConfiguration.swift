import CRdKafka
import SluiceCore

/// Builds librdkafka configurations: Sluice's settings first, then the user's
/// pass-through properties (which win).
package enum KafkaConfiguration {
    /// A new `rd_kafka_conf_t` with `properties` set.
    ///
    /// - Throws: ``StreamError`` `.kafka` naming the property librdkafka rejected.
    package static func make(_ properties: [(String, String)]) throws -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        var errbuf = [CChar](repeating: 0, count: 512)
        for (key, value) in properties where Secrets.isSecretKey(key) { Secrets.register(value) }
        for (key, value) in properties {
            let result = rd_kafka_conf_set(conf, key, value, &errbuf, errbuf.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                throw StreamError(.kafka, message: Secrets.mask("Kafka property \(key)=\(value): \(String(cString: errbuf))"),
                                  hint: "see librdkafka's CONFIGURATION.md for the property names")
            }
        }
        return conf
    }

    /// Sluice's defaults, then the endpoint's brokers and properties.
    static func properties(_ endpoint: KafkaEndpoint, defaults: [(String, String)]) -> [(String, String)] {
        var result = defaults
        if !endpoint.brokers.isEmpty { result.append(("bootstrap.servers", endpoint.brokers)) }
        result += endpoint.properties.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return result
    }

    /// Creates a client handle from `conf` (which it takes over).
    package static func client(_ type: rd_kafka_type_t, _ conf: OpaquePointer) throws -> OpaquePointer {
        var errbuf = [CChar](repeating: 0, count: 512)
        guard let rk = rd_kafka_new(type, conf, &errbuf, errbuf.count) else {
            throw StreamError(.kafka, message: "cannot create the Kafka client: \(String(cString: errbuf))")
        }
        return rk
    }
}

/// The text of a librdkafka error code.
package func kafkaErrorText(_ err: rd_kafka_resp_err_t) -> String {
    String(cString: rd_kafka_err2str(err))
}
