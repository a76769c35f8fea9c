import Testing
import SluiceCore
import SluiceFormats
@testable import SluiceStream

/// The JSON Lines reader and the stream engine decode JSON objects with one decoder
/// and one set of typing rules: fed the same records, they must give the same typed
/// values and reject the same records at the same place.
@Suite("JSON decoding: JSON Lines reader vs stream engine")
struct JSONDecodingDifferentialTests {
    /// Typed fields (both paths declare the type) and as-written fields (JSON Lines
    /// `string` columns, stream fields without a type).
    static let typed: [(String, DataType)] = [("b", .bool), ("i", .int64), ("f", .float64), ("d", .date), ("t", .timestamp)]
    static let asWritten = ["s", "n"]

    /// One generated record: valid values of every type, nulls, missing keys, wrong
    /// types, unicode escapes, nested values, and broken JSON.
    static func record(_ random: inout SplitMix64, complete: Bool = false) -> [UInt8] {
        func pick<T>(_ options: [T]) -> T { options[Int(random.next() % UInt64(options.count))] }
        let values: [String: [String]] = [
            "b": ["true", "false", "null", "1", #""true""#],
            "i": ["0", "-0", "42", "-9223372036854775808", "9223372036854775807", "99999999999999999999", "1.5", "1e3", #""12""#, "null"],
            "f": ["1.5", "-2", "1e-7", "6.02E23", #""NaN""#, #""Infinity""#, #""-Infinity""#, "1e400", "true", #""1.5""#, "null"],
            "d": [#""2024-02-29""#, #""2023-02-29""#, #""1970-01-01""#, #""2024-01-01T00:00:00Z""#, "20240101", "null"],
            "t": [#""2024-01-01T10:20:30Z""#, #""2024-01-01 10:20:30.123456+02:00""#, #""2024-01-01""#, #""yesterday""#, "0", "null"],
            "s": [#""plain""#, #""\u00e9t\u00E9 \ud83d\ude00 \n\t\"\\\/""#, #""caf\#u{e9} 日本""#, "5", "true", "null",
                  #"{"a":[1,2,{"b":null}]}"#, #"[]"#, #""""#],
            "n": [#"{"x":{"y":[1,"two",3.0,false]}}"#, #"[[[]]]"#, #""\u0000""#, "-1.0e+2", "null"],
        ]
        var keys = typed.map(\.0) + asWritten
        if !complete {
            keys.shuffle(using: &random)
            keys = Array(keys.prefix(Int(random.next() % UInt64(keys.count + 1))))
        }
        var text = "{" + keys.map { key -> String in
            let shownKey = key == "i" && random.next() % 4 == 0 ? #""\u0069""# : "\"\(key)\""
            let value = complete ? values[key]![0] : pick(values[key]!)
            return shownKey + (random.next() % 2 == 0 ? ":" : " : ") + value
        }.joined(separator: ",") + "}"
        var bytes = Array(text.utf8)
        guard !complete else { return bytes }
        switch random.next() % 12 {
        case 0:   // truncated
            bytes = Array(bytes.prefix(1 + Int(random.next() % UInt64(bytes.count))))
        case 1:   // one byte replaced
            let at = Int(random.next() % UInt64(bytes.count))
            bytes[at] = pick([0x22, 0x5C, 0x7B, 0x7D, 0x2C, 0x3A, 0x00, 0xFF, 0xC3, 0x20, 0x30])
        case 2:
            text = pick([#"[1,2]"#, #"{"i":01}"#, #"{"s":"\x"}"#, #"{"s":"\ud800"}"#, #"{"s":"\udc00x"}"#, #"{"i":1}}"#, #"{"i":1,}"#,
                         #"{"i" 1}"#, #"{i:1}"#, #"  "x""#, #"{"s":tru}"#, #"{"i":-}"#, #"{"f":1.}"#, #"{"f":1e}"#,
                         "{\"s\":\"tab\there\"}", #"{"i":1} x"#])
            bytes = Array(text.utf8)
        case 3:   // not UTF-8 inside a string
            bytes = Array(#"{"s":"a"#.utf8) + [pick([0xFF, 0xC0, 0xED, 0xE0, 0xF5]), 0x80] + Array(#""}"#.utf8)
        case 4:   // deep nesting: over the limit or just under it
            let depth = pick([200, 255, 256, 300])
            bytes = Array(#"{"n":"#.utf8) + [UInt8](repeating: 0x5B, count: depth) + [UInt8](repeating: 0x5D, count: depth) + [0x7D]
        default:
            break
        }
        // A blank record is not a line of a file: both paths agree to reject it elsewhere.
        if bytes.allSatisfy({ $0 == 0x20 }) { bytes = Array("{}".utf8) }
        return bytes
    }

    enum Outcome: Equatable, CustomStringConvertible {
        case row([String])
        case syntax(offset: Int, message: String)
        case mismatch(field: String)
        /// A key outside the sampled schema: JSON Lines rejects it after the sample; a
        /// stream without a `map` passes it through as a new field (caller policy, not typing).
        case unknownKey(String)

        var description: String {
            switch self {
            case .row(let values): "row \(values)"
            case .syntax(let offset, let message): "syntax at \(offset): \(message)"
            case .mismatch(let field): "mismatch in \(field)"
            case .unknownKey(let key): "unknown key \(key)"
            }
        }
    }

    static func shown(_ column: Column, _ row: Int) -> String {
        guard let value = column.value(at: row) else { return "null" }
        if case .float64(let x) = value { return "float64 \(x.bitPattern)" }
        return "\(value)"
    }

    static let names = typed.map(\.0) + asWritten

    /// Reads the records as a JSON Lines file (the first line complete, so every key is sampled).
    static func viaJSONLines(_ records: [[UInt8]]) throws -> [Outcome] {
        var file: [UInt8] = []
        for r in records { file += r + [0x0A] }
        let schema = Schema(typed.map { Field($0.0, $0.1) })
        var reader = try JSONLinesReader(source: MemoryByteSource(file),
                                         options: .init(schemaOverride: schema, inferenceRows: 1, batchSize: 1, badLines: .error))
        var outcomes: [Outcome] = []
        while outcomes.count < records.count {
            do {
                guard let table = try reader.next() else { break }
                outcomes.append(.row(try names.map { shown(try table.column($0), 0) }))
            } catch let error as FormatError {
                switch error.code {
                case .unknownColumn:
                    outcomes.append(.unknownKey(String(error.message.dropFirst("key \"".count).prefix { $0 != "\"" })))
                case .typeMismatch:
                    let field = error.message.split(separator: "\"")[1]
                    outcomes.append(.mismatch(field: String(field)))
                default:
                    outcomes.append(.syntax(offset: error.column, message: error.message))
                }
            }
        }
        return outcomes
    }

    /// Decodes the records as a stream batch.
    static func viaStream(_ records: [[UInt8]]) -> (outcomes: [Outcome], fields: [String]) {
        let fields = typed.map { FieldPlan(name: $0.0, type: $0.1) } + asWritten.map { FieldPlan(name: $0, type: nil) }
        let decoder = RecordDecoder(fields: fields, keepsUnknownFields: true, typeOwner: [:])
        let batch = RawBatch(origin: "t", isKafka: false)
        for (i, r) in records.enumerated() { batch.append(r, offset: Int64(i)) }
        let decoded = decoder.decode(batch, maxRecordBytes: 1 << 20)
        let failures = Dictionary(uniqueKeysWithValues: decoded.failures.map { ($0.row, $0.message) })
        let outcomes: [Outcome] = records.indices.map { row in
            if let message = failures[row] {
                if message.hasPrefix("field \"") {
                    return .mismatch(field: String(message.split(separator: "\"")[1]))
                }
                // "invalid JSON at byte N: message"
                let rest = message.dropFirst("invalid JSON at byte ".count)
                let colon = rest.firstIndex(of: ":")!
                return .syntax(offset: Int(rest[..<colon])!,
                               message: String(rest[rest.index(colon, offsetBy: 2)...]).replacingOccurrences("record", "line"))
            }
            return .row(names.map { name in shown(decoded.columns[decoded.names.firstIndex(of: name)!], row) })
        }
        return (outcomes, decoded.names)
    }

    @Test("both paths give the same typed values and the same errors", arguments: [1, 2, 3, 4] as [UInt64])
    func sameOutcomes(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let records = [Self.record(&random, complete: true)] + (0..<1500).map { _ in Self.record(&random) }
        let lines = try Self.viaJSONLines(records)
        let (stream, streamFields) = Self.viaStream(records)
        #expect(lines.count == records.count)
        var differences = 0
        for (k, (a, b)) in zip(lines, stream).enumerated() where a != b {
            if case .unknownKey(let key) = a {
                #expect(streamFields.contains(key), "the stream saw the key \(key) too")
                continue
            }
            differences += 1
            if differences <= 5 {
                Issue.record("record \(k) \(String(decoding: records[k].prefix(120), as: UTF8.self)): JSON Lines \(a), stream \(b)")
            }
        }
        #expect(differences == 0)
        // The corpus exercises every outcome.
        #expect(lines.contains { if case .row = $0 { true } else { false } })
        #expect(lines.contains { if case .mismatch = $0 { true } else { false } })
        #expect(lines.contains { if case .syntax = $0 { true } else { false } })
    }

    @Test("a date string is a timestamp (midnight UTC) on both paths")
    func dateAsTimestamp() throws {
        let records = [Array(#"{"b":true,"i":1,"f":1,"d":"2024-01-01","t":"2024-01-01T00:00:00Z","s":"x","n":1}"#.utf8),
                       Array(#"{"t":"2024-03-01"}"#.utf8)]
        let lines = try Self.viaJSONLines(records)
        #expect(lines == Self.viaStream(records).outcomes)
        guard case .row(let values) = lines[1] else { Issue.record("expected a row, got \(lines[1])"); return }
        #expect(values[4] == "\(Value.timestamp(Int64(CivilCalendar.days(year: 2024, month: 3, day: 1)) * 86_400_000_000))")
    }
}

private extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
