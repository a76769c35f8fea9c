import SluiceSpec

/// Every key of a stream spec, defined once: the stream parser's allowed keys and the
/// stream part of `docs/REFERENCE.md` come from here.
extension StreamSpec {
    public static let topSection = SpecSection("Stream", summary: "The top level of a stream spec (`sluice stream run spec.yaml`). `${VAR}` in any value is read from the environment.", keys: [
        SpecKey("stream", "name", default: "stream", doc: "The stream's name (status lines, the position file, the Kafka client id).", example: "stream: user_events"),
        SpecKey("input", "endpoint", required: true, doc: "Where records come from (see Endpoint).", example: "input: { file: data/events.jsonl }"),
        SpecKey("processors", "list of processors", required: true, doc: "What is done to each record, in order (see Processors).", example: "processors:\n  - validate: { required: [user_id] }"),
        SpecKey("output", "endpoint", required: true, doc: "Where processed records go.", example: "output: { file: processed.jsonl }"),
        SpecKey("outputs", "mapping of name: endpoint", doc: "More outputs that `route` sends records to by name.", example: "outputs: { purchases: { file: purchases.jsonl } }"),
        SpecKey("dead_letter", "endpoint", required: true, doc: "Where records that fail go, with the reason.", example: "dead_letter: { file: dlq.jsonl }"),
        SpecKey("fields", "list of field names", doc: "The fields input records carry (required or not). Every field a processor, route or Kafka key/header names is bound against them, and the fields processors add, at `sluice stream validate` and before `stream run`. Without it, the fields validate (`required`, `types`) and enrich `defaults` name are the record's fields; with neither, input field names are not checked.", example: "fields: [user_id, event_type, timestamp, country, metadata]"),
        SpecKey("settings", "mapping", doc: "Batching, retries and intervals (see Settings).", example: "settings: { batch_size: 10000 }"),
        SpecKey("kafka", "mapping", doc: "Defaults for every Kafka endpoint: `brokers` and `properties`.", example: "kafka: { brokers: \"${KAFKA_BROKERS}\" }"),
        SpecKey("alerts", "mapping", doc: "Alert rules and channels (over `sluice.yaml` defaults): DLQ rate, consumer lag.", example: "alerts: { rules: [{ dlq_rate: 0.05 }], channels: [{ command: ./notify.sh }] }"),
    ])

    public static let endpointSection = SpecSection("Endpoint", summary: "An input or output: exactly one of these keys.", keys: [
        SpecKey("file", "path or `-`", doc: "A JSON Lines file (`-`: standard input or output).", example: "input: { file: events.jsonl }"),
        SpecKey("kafka", "topic name or mapping", doc: "A Kafka topic (see Kafka endpoint).", example: "output: { kafka: { topic: processed } }"),
    ])

    public static let kafkaSection = SpecSection("Kafka endpoint", summary: "The mapping form of `kafka:` in an endpoint.", keys: [
        SpecKey("topic", "topic name", required: true, doc: "The topic.", example: "input: { kafka: { topic: raw_events, group: processor } }"),
        SpecKey("brokers", "host:port list", doc: "Bootstrap brokers (default: the top-level `kafka.brokers`).", example: "#   brokers: \"127.0.0.1:9092\""),
        SpecKey("group", "consumer group", doc: "The consumer group that owns the offsets (inputs only, required there).", example: "#   group: processor"),
        SpecKey("properties", "mapping of librdkafka property: value", doc: "Client properties, merged over the top-level ones.", example: "#   properties: { compression.type: zstd }"),
        SpecKey("key", "expression", doc: "Outputs only: each message's key, an expression over the output record (a string is written as its text, other values as JSON; null: no key). Bound at validate.", example: "output: { kafka: { topic: processed, key: user_id } }"),
        SpecKey("headers", "mapping of header name: expression", doc: "Outputs only: message headers (record batch v2), each an expression over the output record; a null value leaves that header out. Bound at validate.", example: "#   headers: { event_type: event_type, source: \"'sluice'\" }"),
    ])

    public static let settingsSection = SpecSection("Settings", summary: "How the stream batches, retries and reports.", keys: [
        SpecKey("batch_size", "integer 1…1000000", default: "10000", doc: "Records per batch.", example: "settings:\n  batch_size: 10000"),
        SpecKey("max_record_bytes", "integer 1…1073741824", default: "1048576", doc: "Larger records are dead-lettered.", example: "  max_record_bytes: 1048576"),
        SpecKey("max_attempts", "integer 1…1000", default: "5", doc: "Delivery attempts of one output record before it is dead-lettered.", example: "  max_attempts: 5"),
        SpecKey("retry_backoff", "duration", default: "100ms", doc: "First retry delay, doubled on each attempt.", example: "  retry_backoff: 100ms"),
        SpecKey("commit_interval", "duration", default: "1s", doc: "How often offsets or the file position are committed.", example: "  commit_interval: 1s"),
        SpecKey("status_interval", "duration", default: "5s", doc: "How often a status line is printed (0: only at exit).", example: "  status_interval: 5s"),
        SpecKey("max_in_flight_batches", "integer 1…1000", default: "8", doc: "Batches sent but not yet acknowledged before reading waits.", example: "  max_in_flight_batches: 8"),
        SpecKey("workers", "integer 1…8", default: "2", doc: "Batches processed in parallel.", example: "  workers: 2"),
    ])

    public static let processorsSection = SpecSection("Processors", summary: "Each item of `processors:` is one `name: settings` entry.", keys: [
        SpecKey("validate", "mapping: `required` (fields), `types` (field: type), `check` (expression), `message`", doc: "Records that fail go to the dead-letter output.", example: "- validate: { required: [user_id, event_type], check: \"user_id != ''\", message: bad user }"),
        SpecKey("enrich", "mapping: `fields` (field: expression), `defaults` (field: JSON value)", doc: "Adds fields; defaults fill fields the record lacks.", example: "- enrich: { fields: { event_id: \"user_id || '_' || timestamp\" }, defaults: { metadata: {} } }"),
        SpecKey("map", "mapping of field: expression", doc: "The output record: only these fields.", example: "- map: { id: event_id, user_id: user_id }"),
        SpecKey("filter", "boolean expression", doc: "Drops records where it is not true (counted as filtered).", example: "- filter: \"event_type != 'test'\""),
        SpecKey("route", "list of `{ when: expression, to: output name }`", doc: "Sends each record to the first matching output (default: `output`).", example: "- route:\n    - { when: \"event_type = 'purchase'\", to: purchases }"),
    ])

    /// The stream part of the reference.
    public static let reference = SpecReference(kind: "Stream", summary: "A stream spec: records from an input through processors to outputs, failures to a dead-letter output.",
                                                sections: [topSection, endpointSection, kafkaSection, settingsSection, processorsSection])
}
