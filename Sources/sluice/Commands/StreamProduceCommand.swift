import ArgumentParser
import SluiceCore
import SluiceStream

extension StreamCommand {
    /// `sluice stream produce`: sends each line of a file to a Kafka topic.
    struct Produce: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "produce",
            abstract: "Send each line of a file to a Kafka topic as one message.",
            discussion: """
            Bad lines (malformed JSON, empty lines) are sent too, so a stream's
            dead-letter path sees real bad records. Waits for every delivery report; exits
            1 if any failed.
            Example:
              sluice stream produce examples/user_events/data/events.jsonl \\
                  --brokers "$KAFKA_BROKERS" --topic user-events-raw
            """)

        @Argument(help: ArgumentHelp("The file to send (- for standard input).", valueName: "file"))
        var file: String

        @Option(help: ArgumentHelp("bootstrap.servers: the broker addresses.", valueName: "host:port,..."))
        var brokers: String

        @Option(help: ArgumentHelp("Kafka topic to produce to.", valueName: "topic"))
        var topic: String

        @Option(name: .customLong("property"), help: ArgumentHelp("A librdkafka producer property (repeatable).", valueName: "key=value"))
        var properties: [String] = []

        func run() throws {
            var pairs: [String: String] = [:]
            for property in properties {
                guard let equals = property.firstIndex(of: "="), equals != property.startIndex else {
                    throw CommandError.usage("--property expects key=value, found '\(property)'")
                }
                pairs[String(property[..<equals])] = String(property[property.index(after: equals)...])
            }
            let producer = KafkaFileProducer(endpoint: KafkaEndpoint(topic: topic, brokers: brokers, properties: pairs))
            let counts: KafkaFileProducer.Counts
            counts = try producer.produce(path: file)
            print("produced \(grouped(counts.delivered)) messages to \(topic)" + (counts.failed > 0 ? ", \(grouped(counts.failed)) failed: \(counts.firstError ?? "?")" : ""))
            if counts.failed > 0 { throw CommandError(.notDelivered, "\(counts.failed) messages were not delivered", category: .transientIO) }
        }
    }
}
