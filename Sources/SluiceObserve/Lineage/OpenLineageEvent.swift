import SluiceCore

/// An OpenLineage RunEvent (spec 2-0-2): a run of a job changed state, with the datasets
/// it read and wrote and the facets that describe all three.
///
/// ```swift
/// var event = OpenLineageEvent(.start, time: now, runID: id, job: .init(namespace: "sluice", name: "user_analytics"))
/// event.runFacets.append(.nominalTime(start: intervalStart, end: intervalEnd))
/// print(event.json().rendered())
/// ```
public struct OpenLineageEvent: Sendable {
    public enum EventType: String, Sendable, CaseIterable {
        case start = "START", running = "RUNNING", complete = "COMPLETE", abort = "ABORT", fail = "FAIL", other = "OTHER"
    }

    /// A job: namespace and name.
    public struct JobName: Sendable, Hashable {
        public var namespace: String
        public var name: String
        public init(namespace: String, name: String) {
            self.namespace = namespace
            self.name = name
        }
    }

    /// A dataset in an event, with its facets; `extraFacets` are `inputFacets` on inputs
    /// and `outputFacets` on outputs.
    public struct Dataset: Sendable {
        public var name: DatasetName
        public var facets: [Facet]
        public var extraFacets: [Facet]
        public init(_ name: DatasetName, facets: [Facet] = [], extraFacets: [Facet] = []) {
            self.name = name
            self.facets = facets
            self.extraFacets = extraFacets
        }
    }

    /// The spec this encoder follows.
    public static let schemaURL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
    /// Who produced the event.
    public static let producer = "https://github.com/sluice-data/sluice"

    public var eventType: EventType
    /// µs since the epoch.
    public var eventTime: Int64
    /// A UUID (see ``OpenLineageEvent/makeRunID(time:random:)``).
    public var runID: String
    public var runFacets: [Facet] = []
    public var job: JobName
    public var jobFacets: [Facet] = []
    public var inputs: [Dataset] = []
    public var outputs: [Dataset] = []

    public init(_ eventType: EventType, time: Int64, runID: String, job: JobName) {
        self.eventType = eventType
        self.eventTime = time
        self.runID = runID
        self.job = job
    }

    /// The event as JSON, in the spec's field names.
    public func json() -> JSONValue {
        func facets(_ list: [Facet]) -> JSONValue { .object(list.map { ($0.name, $0.json) }) }
        func dataset(_ d: Dataset, extraKey: String) -> JSONValue {
            var pairs: [(String, JSONValue)] = [("namespace", .string(d.name.namespace)), ("name", .string(d.name.name))]
            if !d.facets.isEmpty { pairs.append(("facets", facets(d.facets))) }
            if !d.extraFacets.isEmpty { pairs.append((extraKey, facets(d.extraFacets))) }
            return .object(pairs)
        }
        return .object([
            ("eventTime", .string(Self.timestamp(eventTime))),
            ("producer", .string(Self.producer)),
            ("schemaURL", .string(Self.schemaURL)),
            ("eventType", .string(eventType.rawValue)),
            ("run", .object([("runId", .string(runID)), ("facets", facets(runFacets))])),
            ("job", .object([("namespace", .string(job.namespace)), ("name", .string(job.name)), ("facets", facets(jobFacets))])),
            ("inputs", .array(inputs.map { dataset($0, extraKey: "inputFacets") })),
            ("outputs", .array(outputs.map { dataset($0, extraKey: "outputFacets") })),
        ])
    }

    /// `2024-06-01T02:00:00.000000Z`: RFC 3339 with microseconds, UTC.
    public static func timestamp(_ micros: Int64) -> String {
        var date = formatTimestamp(microsecondsSinceEpoch: micros).replacing(" ", with: "T")   // 2024-06-01T02:00:00[.ffffff]Z
        if date.hasSuffix("Z") { date.removeLast() }
        if let dot = date.firstIndex(of: ".") {
            date += String(repeating: "0", count: max(0, 6 - date[date.index(after: dot)...].count))
        } else {
            date += ".000000"
        }
        return date + "Z"
    }

    /// A version 7 UUID: the time in milliseconds, then random bits, so ids sort by start time.
    public static func makeRunID(time: Int64, random: inout SplitMix64) -> String {
        let millis = UInt64(max(0, time / 1000)) & 0xFFFF_FFFF_FFFF
        let a = random.next(), b = random.next()
        let high = (millis << 16) | 0x7000 | (a & 0x0FFF)
        let low = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        func hex(_ value: UInt64, _ digits: Int) -> String {
            let s = String(value, radix: 16)
            return String(repeating: "0", count: max(0, digits - s.count)) + s
        }
        let h = hex(high, 16), l = hex(low, 16)
        return "\(h.prefix(8))-\(h.dropFirst(8).prefix(4))-\(h.suffix(4))-\(l.prefix(4))-\(l.suffix(12))"
    }
}

/// One facet: its key in the facets map, the schema it follows and its fields.
/// `_producer` and `_schemaURL` are added when it is encoded.
public struct Facet: Sendable, Equatable {
    public var name: String
    public var schemaURL: String
    public var fields: [(String, JSONValue)]

    public init(name: String, schemaURL: String, fields: [(String, JSONValue)]) {
        self.name = name
        self.schemaURL = schemaURL
        self.fields = fields
    }

    public static func == (a: Facet, b: Facet) -> Bool { a.name == b.name && a.json == b.json }

    public var json: JSONValue {
        .object([("_producer", .string(OpenLineageEvent.producer)), ("_schemaURL", .string(schemaURL))] + fields)
    }
}
