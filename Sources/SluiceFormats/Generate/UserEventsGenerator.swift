import SluiceCore

/// Writes reproducible user events as JSON Lines — the input of the seed's
/// `UserEventProcessor` stream — with a few percent of bad records a stream
/// processor has to dead-letter without stopping.
///
/// A good event (about 200 bytes):
///
/// ```json
/// {"user_id":"u0004217","event_type":"page_view","timestamp":"2024-05-01T10:00:03.250Z","session_id":"s-1f0c9a7e","page":"/products/812","metadata":{"browser":"firefox","os":"linux","referrer":"search"}}
/// ```
///
/// | share | dirt |
/// |---|---|
/// | ~20% of good events | no `metadata` (the processor defaults it to `{}`) |
/// | ~1% | `user_id` missing |
/// | ~0.5% | `timestamp` missing |
/// | ~0.5% | `event_type` is a number |
/// | ~0.5% | malformed JSON (the line is cut short) |
/// | ~0.2% | an empty line |
///
/// ```swift
/// let summary = try UserEventsGenerator(events: 10_000, seed: 42).write(to: "events.jsonl")
/// summary.bad   // records a validating processor must dead-letter
/// ```
public struct UserEventsGenerator: Sendable, Equatable {
    public var events: Int
    public var seed: UInt64

    public init(events: Int, seed: UInt64 = 42) {
        self.events = events
        self.seed = seed
    }

    /// What was written.
    public struct Summary: Sendable, Equatable {
        public var path: String
        /// Lines written (events, bad ones included).
        public var events: Int
        public var bytes: Int
        public var missingUserID = 0
        public var missingTimestamp = 0
        public var numericEventType = 0
        public var malformed = 0
        public var empty = 0
        /// Records without any of the problems above.
        public var good: Int { events - bad }
        /// Records the seed's rules (user_id, event_type and timestamp present) dead-letter.
        /// A numeric event_type is valid JSON the seed accepts; a spec that declares
        /// `types: { event_type: string }` dead-letters those too.
        public var bad: Int { missingUserID + missingTimestamp + malformed + empty }
    }

    static let eventTypes = ["page_view", "page_view", "page_view", "click", "click", "add_to_cart", "purchase", "login", "logout", "search"]
    static let browsers = ["firefox", "chrome", "safari", "edge"]
    static let systems = ["linux", "windows", "macos", "android", "ios"]
    static let referrers = ["search", "direct", "email", "social", "ads"]
    static let pages = ["/", "/products/", "/cart", "/checkout", "/search?q=", "/account"]

    /// Writes the events to `path` (atomically; `-` for standard output).
    ///
    /// - Throws: ``FormatError`` `.io`.
    public func write(to path: String) throws -> Summary {
        let output = try OutputFile(path: path)
        var summary = Summary(path: path, events: events, bytes: 0)
        var random = SplitMix64(seed: seed)
        var text = ByteWriter(capacity: 1 << 20)
        defer { text.deallocate() }
        var line = ByteWriter(capacity: 1024)
        defer { line.deallocate() }
        // 2024-05-01T00:00:00Z in milliseconds; events ~40 ms apart on average.
        var millis: Int64 = 1_714_521_600_000
        for _ in 0..<events {
            millis += Int64(random.next(below: 80))
            line.count = 0
            let dirt = random.next(below: 1000)
            if dirt < 2 {
                summary.empty += 1
                text.reserve(1)
                text.put(0x0A)
                continue
            }
            let user = random.next(below: 50_000)
            let type = Self.eventTypes[random.next(below: Self.eventTypes.count)]
            line.put("{")
            if dirt >= 12 {
                line.put("\"user_id\":\"u")
                line.reserve(20)
                line.putDigits(UInt64(user), minimumWidth: 7)
                line.put("\",")
            } else { summary.missingUserID += 1 }
            if (12..<17).contains(dirt) {
                summary.numericEventType += 1
                line.put("\"event_type\":")
                line.put(int64: Int64(random.next(below: 10)))
                line.put(",")
            } else {
                line.put("\"event_type\":")
                line.putJSONText(type)
                line.put(",")
            }
            if (17..<22).contains(dirt) { summary.missingTimestamp += 1 } else {
                line.put("\"timestamp\":\"")
                line.put(timestamp: millis * 1000)
                line.put("\",")
            }
            line.put("\"session_id\":\"s-")
            line.reserve(16)
            let session = random.next() & 0xFFFF_FFFF
            for shift in stride(from: 28, through: 0, by: -4) {
                line.put(Array("0123456789abcdef".utf8)[Int(session >> UInt64(shift) & 15)])
            }
            line.put("\",\"page\":")
            let page = Self.pages[random.next(below: Self.pages.count)]
            line.putJSONText(page.hasSuffix("/") && page.count > 1 || page.hasSuffix("=") ? page + String(random.next(below: 1000)) : page)
            if random.next(below: 10) >= 2 {
                line.put(",\"metadata\":{\"browser\":")
                line.putJSONText(Self.browsers[random.next(below: Self.browsers.count)])
                line.put(",\"os\":")
                line.putJSONText(Self.systems[random.next(below: Self.systems.count)])
                line.put(",\"referrer\":")
                line.putJSONText(Self.referrers[random.next(below: Self.referrers.count)])
                line.put("}")
            }
            line.put("}")
            var length = line.count
            if (22..<27).contains(dirt) {
                summary.malformed += 1
                length = Swift.max(1, length / 2)   // cut short: never valid JSON
            }
            text.reserve(length + 1)
            text.put(line.base, length)
            text.put(0x0A)
            if text.count >= 1 << 20 { summary.bytes += text.count; try text.drain(to: output) }
        }
        summary.bytes += text.count
        try text.drain(to: output)
        try output.commit()
        return summary
    }
}

extension ByteWriter {
    /// Appends an ASCII string without escapes as a JSON string.
    mutating func putJSONText(_ text: String) {
        var text = text
        text.withUTF8 { putJSONString($0, into: &self) }
    }
}
