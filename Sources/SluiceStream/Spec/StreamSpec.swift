import SluiceCore

/// A stream: records flow from ``input`` through ``processors`` to ``output`` (or a
/// named output chosen by a `route`), and records that fail go to ``deadLetter``.
///
/// Parse one from YAML with ``init(yaml:file:environment:)`` or build it in Swift:
///
/// ```swift
/// let spec = StreamSpec(
///     input: .file(path: "events.jsonl"),
///     processors: [
///         .validate(ValidateSpec(required: ["user_id", "event_type", "timestamp"])),
///         .enrich(EnrichSpec(fields: [("event_id", "user_id || '_' || timestamp")])),
///     ],
///     output: .file(path: "processed.jsonl"),
///     deadLetter: .file(path: "dlq.jsonl"))
/// ```
public struct StreamSpec: Sendable {
    /// The stream's name (for status lines and the DLQ envelope).
    public var name: String
    public var input: Endpoint
    public var processors: [ProcessorSpec]
    /// Where records go unless a `route` sends them elsewhere.
    public var output: Endpoint
    /// Further outputs a `route` processor can name.
    public var outputs: [(name: String, endpoint: Endpoint)]
    /// Where failed records go, wrapped in an envelope (see ``DeadLetterEnvelope``).
    public var deadLetter: Endpoint
    public var settings: StreamSettings
    /// The fields input records carry (`fields:`), which every processor reference is bound
    /// against; nil when not declared (then the fields validate and enrich defaults name are
    /// the record's fields, see ``declaredInputFields``).
    public var fields: [String]?
    /// Where each processor is written (set by the YAML parser; empty for specs built in
    /// Swift), so binding errors found when compiling are located too.
    public var processorLocations: [ErrorLocation] = []

    public init(name: String = "stream", input: Endpoint, processors: [ProcessorSpec], output: Endpoint,
                outputs: [(name: String, endpoint: Endpoint)] = [], deadLetter: Endpoint,
                settings: StreamSettings = StreamSettings(), fields: [String]? = nil) {
        self.fields = fields
        self.name = name
        self.input = input
        self.processors = processors
        self.output = output
        self.outputs = outputs
        self.deadLetter = deadLetter
        self.settings = settings
    }
}

/// Where records come from or go to.
public enum Endpoint: Sendable, Equatable {
    /// A JSON Lines file; `-` is standard input or standard output.
    case file(path: String)
    /// A Kafka topic.
    case kafka(KafkaEndpoint)

    /// The Kafka settings, when this is a Kafka endpoint.
    public var kafka: KafkaEndpoint? { if case .kafka(let k) = self { k } else { nil } }
}

/// A Kafka topic and the client properties to reach it.
public struct KafkaEndpoint: Sendable, Equatable {
    public var topic: String
    /// `bootstrap.servers`.
    public var brokers: String
    /// The consumer group (inputs only).
    public var group: String?
    /// librdkafka properties passed through unchanged (`auto.offset.reset`, `compression.type`, …).
    public var properties: [String: String]
    /// An expression over the output record giving each message's key (outputs only; nil: no key).
    public var key: String?
    /// Message headers, each an expression over the output record (outputs only; a null value
    /// leaves the header out).
    public var headers: [KafkaHeader] = []

    public init(topic: String, brokers: String, group: String? = nil, properties: [String: String] = [:]) {
        self.topic = topic
        self.brokers = brokers
        self.group = group
        self.properties = properties
    }
}

/// A Kafka message header of an output: its name and the expression that gives its value.
public struct KafkaHeader: Sendable, Equatable {
    public var name: String
    public var expression: String

    public init(name: String, expression: String) {
        self.name = name
        self.expression = expression
    }
}

/// One step of a stream.
public enum ProcessorSpec: Sendable {
    case validate(ValidateSpec)
    /// Adds or replaces fields; every other field stays.
    case enrich(EnrichSpec)
    /// Keeps exactly the given fields, in order.
    case map(EnrichSpec)
    /// Keeps records for which the condition is true (others are counted as filtered and acknowledged).
    case filter(String)
    /// Sends each record to the output of the first rule whose condition is true.
    case route([RouteRule])

    /// The processor's name as written in YAML and in DLQ envelopes.
    public var kind: String {
        switch self {
        case .validate: "validate"
        case .enrich: "enrich"
        case .map: "map"
        case .filter: "filter"
        case .route: "route"
        }
    }
}

/// Checks that send a record to the dead-letter output when they fail.
public struct ValidateSpec: Sendable {
    /// Fields that must be present and not null.
    public var required: [String]
    /// Declared JSON types; a value of another type fails the record.
    public var types: [(field: String, type: DataType)]
    /// A predicate every record must satisfy (false or null fails it).
    public var check: String?
    /// The error written to the envelope when ``check`` fails.
    public var message: String?

    public init(required: [String] = [], types: [(field: String, type: DataType)] = [], check: String? = nil, message: String? = nil) {
        self.required = required
        self.types = types
        self.check = check
        self.message = message
    }
}

/// Fields computed from expressions, and JSON defaults for null or missing fields.
public struct EnrichSpec: Sendable {
    /// `name: expression`; a bare field name keeps the field's JSON as written.
    public var fields: [(name: String, expression: String)]
    /// `name: JSON text` used where the field is null or missing (e.g. `metadata: {}`).
    public var defaults: [(name: String, json: String)]

    public init(fields: [(name: String, expression: String)] = [], defaults: [(name: String, json: String)] = []) {
        self.fields = fields
        self.defaults = defaults
    }
}

/// `when` a condition holds, send the record `to` a named output (`output` is the default one).
public struct RouteRule: Sendable {
    public var condition: String
    public var output: String

    public init(when condition: String, to output: String) {
        self.condition = condition
        self.output = output
    }
}

/// Tuning shared by every transport.
public struct StreamSettings: Sendable, Equatable {
    /// Records per batch.
    public var batchSize = 10_000
    /// Records larger than this go to the dead-letter output.
    public var maxRecordBytes = 1 << 20
    /// Delivery attempts of one output record before it is dead-lettered.
    public var maxAttempts = 5
    /// First retry delay, doubled on each attempt.
    public var retryBackoff: Duration = .milliseconds(100)
    /// How often offsets (or the file position) are committed.
    public var commitInterval: Duration = .seconds(1)
    /// How often a status line is printed (0: only at exit).
    public var statusInterval: Duration = .seconds(5)
    /// Batches in flight (sent, not yet acknowledged) before reading waits.
    public var maxInFlightBatches = 8
    /// Batches processed in parallel (each worker has its own decoder).
    public var workers = 2

    public init() {}
}
