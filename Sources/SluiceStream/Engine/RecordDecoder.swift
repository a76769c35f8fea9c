import SluiceCore
import SluiceFormats
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A field of the records: a declared type, or "as written" (`nil`): JSON strings
/// become their text, other JSON values keep their JSON text and are written back
/// unquoted.
struct FieldPlan: Sendable {
    var name: String
    var type: DataType?
}

/// Parses JSON objects from record bytes straight into columns, one batch at a
/// time, without Foundation: keys are matched byte-wise against the fields, values
/// validated and converted in place. A record that is not a JSON object, or whose
/// declared field has the wrong JSON type, becomes a failure for the dead-letter
/// output and a row of nulls.
final class RecordDecoder {
    /// One value seen on the current record.
    struct Slot {
        var stamp = -1
        var kind: UInt8 = 0      // 0 null, 1 true, 2 false, 3 integer, 4 number, 5 string, 6 object, 7 array
        var start = 0, end = 0   // JSON text in the record
        var textStart = 0, textCount = 0
        var inScratch = false
    }

    @exclusivity(unchecked) private(set) var fields: [FieldPlan]
    /// Name bytes of each field, for matching keys.
    @exclusivity(unchecked) private var names: [[UInt8]]
    @exclusivity(unchecked) private var slots: [Slot]
    @exclusivity(unchecked) private var stamp = 0
    /// Which fields the batch's records had, and in what order they first appeared.
    @exclusivity(unchecked) private var seen: [Bool] = []
    @exclusivity(unchecked) private var order: [Int] = []
    private let scratch = RawBuffer(capacity: 4096)
    private let keyScratch = RawBuffer(capacity: 256)
    /// Whether keys not among the fields become new fields (records pass through whole).
    let keepsUnknownFields: Bool
    /// The processor that declared each typed field (for the error's `processor`).
    let typeOwner: [String: Int]

    init(fields: [FieldPlan], keepsUnknownFields: Bool, typeOwner: [String: Int]) {
        self.fields = fields
        self.names = fields.map { Array($0.name.utf8) }
        self.slots = Array(repeating: Slot(), count: fields.count)
        self.keepsUnknownFields = keepsUnknownFields
        self.typeOwner = typeOwner
    }

    /// The decoded batch: columns in field order, "as written" flags, and failures.
    struct Decoded {
        var names: [String]
        var columns: [Column]
        /// Per column, per row: ``RecordDecoder/asWritten`` when the string holds JSON text to
        /// write unquoted, ``RecordDecoder/presentNull`` when the record held the key with `null`
        /// (a null row without it: the record lacked the key).
        var raw: [[UInt8]?]
        var failures: [(row: Int, step: Int, message: String)]
    }

    /// Row flag: the string is JSON text (an object, array, number or literal) to write unquoted.
    static let asWritten: UInt8 = 1
    /// Row flag: the record had the key, with the value `null` (the row is null).
    static let presentNull: UInt8 = 2

    /// Decodes every record of `batch`.
    func decode(_ batch: RawBatch, maxRecordBytes: Int) -> Decoded {
        let count = batch.count
        var builders = fields.map { ColumnBuilder(type: $0.type ?? .string, capacity: count) }
        var raw: [[UInt8]?] = fields.map { _ in [UInt8](repeating: 0, count: count) }
        var failures: [(row: Int, step: Int, message: String)] = []
        seen = [Bool](repeating: false, count: fields.count)
        order = []
        for row in 0..<count {
            let record = batch.record(row)
            stamp &+= 1
            var failure: (Int, String)?
            if record.count > maxRecordBytes {
                failure = (0, "record is \(record.count) bytes, more than max_record_bytes (\(maxRecordBytes))")
            } else if isBlank(record) {
                failure = (0, "empty record")
            } else {
                do throws(JSONLineProblem) {
                    try scan(record)
                } catch {
                    failure = (0, "invalid JSON at byte \(error.offset + 1): \(error.message)")
                }
            }
            if failure == nil { failure = checkTypes(record) }
            // New fields found on this record get null rows for the records before it.
            while builders.count < fields.count {
                var b = ColumnBuilder(type: .string, capacity: count)
                for _ in 0..<row { b.appendNull() }
                builders.append(b)
                raw.append([UInt8](repeating: 0, count: count))
            }
            if let (step, message) = failure {
                failures.append((row, step, message))
                for f in builders.indices { builders[f].appendNull() }
                continue
            }
            append(record, to: &builders, raw: &raw, row: row)
        }
        // Fields in the order records first had them (so records pass through as written), then the rest.
        order += fields.indices.filter { !seen[$0] }
        let columns = builders.map { $0.finish() }
        return Decoded(names: order.map { fields[$0].name }, columns: order.map { columns[$0] }, raw: order.map { raw[$0] }, failures: failures)
    }

    private func isBlank(_ r: UnsafeBufferPointer<UInt8>) -> Bool {
        for c in r where !(c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A) { return false }
        return true
    }

    @inline(__always)
    private func fieldIndex(_ key: UnsafePointer<UInt8>, _ n: Int, guess: Int) -> Int? {
        if guess < names.count, names[guess].count == n,
           n == 0 || names[guess].withUnsafeBufferPointer({ memcmp($0.baseAddress!, key, n) == 0 }) { return guess }
        for i in names.indices where names[i].count == n {
            if n == 0 || names[i].withUnsafeBufferPointer({ memcmp($0.baseAddress!, key, n) == 0 }) { return i }
        }
        return nil
    }

    /// Validates the whole object and fills the slots of known fields.
    private func scan(_ record: UnsafeBufferPointer<UInt8>) throws(JSONLineProblem) {
        scratch.removeAll()
        let s = JSONScanner(p: record.baseAddress!, n: record.count)
        let p = s.p, n = s.n
        var i = s.skipWhitespace(0)
        guard i < n, p[i] == 0x7B else { throw s.syntax(i, "expected `{` to start a JSON object, found \(s.found(i))") }
        i = s.skipWhitespace(i &+ 1)
        var last = -1
        if i < n && p[i] == 0x7D { i &+= 1 } else {
            while true {
                guard i < n, p[i] == 0x22 else { throw s.syntax(i, "expected a string key, found \(s.found(i))") }
                let (keyEnd, escaped) = try s.scanString(at: i)
                var keyPointer = p + (i &+ 1), keyCount = keyEnd &- i &- 2
                if escaped {
                    keyScratch.removeAll()
                    s.decodeString(i &+ 1, keyEnd &- 1, into: keyScratch)
                    keyPointer = keyScratch.pointer.assumingMemoryBound(to: UInt8.self)
                    keyCount = keyScratch.count
                }
                var field = fieldIndex(keyPointer, keyCount, guess: last &+ 1)
                if field == nil && keepsUnknownFields {
                    let name = String(decoding: UnsafeBufferPointer(start: keyPointer, count: keyCount), as: UTF8.self)
                    fields.append(FieldPlan(name: name, type: nil))
                    names.append(Array(UnsafeBufferPointer(start: keyPointer, count: keyCount)))
                    slots.append(Slot())
                    field = fields.count - 1
                }
                i = s.skipWhitespace(keyEnd)
                guard i < n, p[i] == 0x3A else { throw s.syntax(i, "expected `:` after the key, found \(s.found(i))") }
                i = s.skipWhitespace(i &+ 1)
                guard i < n else { throw s.syntax(i, "expected a JSON value, found end of record") }
                var slot = Slot()
                slot.stamp = stamp
                slot.start = i
                switch p[i] {
                case 0x22:
                    let (end, esc) = try s.scanString(at: i)
                    slot.kind = 5
                    slot.end = end
                    if esc && field != nil {
                        slot.inScratch = true
                        slot.textStart = scratch.count
                        s.decodeString(i &+ 1, end &- 1, into: scratch)
                        slot.textCount = scratch.count &- slot.textStart
                    } else {
                        slot.textStart = i &+ 1
                        slot.textCount = end &- i &- 2
                    }
                case 0x2D, 0x30...0x39:
                    let (end, isInteger) = try s.scanNumber(at: i)
                    slot.kind = isInteger ? 3 : 4
                    slot.end = end
                case 0x74: slot.kind = 1; slot.end = try s.scanLiteral("true", at: i)
                case 0x66: slot.kind = 2; slot.end = try s.scanLiteral("false", at: i)
                case 0x6E: slot.kind = 0; slot.end = try s.scanLiteral("null", at: i)
                case 0x7B, 0x5B:
                    slot.kind = p[i] == 0x7B ? 6 : 7
                    slot.end = try s.skipValue(at: i, depth: 1)
                default: throw s.syntax(i, "expected a JSON value, found \(s.found(i))")
                }
                if let field {
                    slots[field] = slot
                    last = field
                    while seen.count <= field { seen.append(false) }
                    if !seen[field] { seen[field] = true; order.append(field) }
                }
                i = s.skipWhitespace(slot.end)
                guard i < n else { throw s.syntax(i, "expected `,` or `}`, found end of record") }
                if p[i] == 0x7D { i &+= 1; break }
                guard p[i] == 0x2C else { throw s.syntax(i, "expected `,` or `}` after the value, found \(s.found(i))") }
                i = s.skipWhitespace(i &+ 1)
            }
        }
        i = s.skipWhitespace(i)
        guard i == n else { throw s.syntax(i, "unexpected \(s.found(i)) after the end of the object (one object per record)") }
    }

    private static let kindNames = ["null", "true", "false", "number", "number", "string", "object", "array"]

    /// The first declared field whose value has the wrong JSON type.
    private func checkTypes(_ record: UnsafeBufferPointer<UInt8>) -> (Int, String)? {
        let p = record.baseAddress!
        for f in fields.indices {
            guard let type = fields[f].type else { continue }
            let slot = slots[f]
            guard slot.stamp == stamp, slot.kind != 0 else { continue }
            let ok: Bool
            switch type {
            case .string: ok = slot.kind == 5
            case .bool: ok = slot.kind == 1 || slot.kind == 2
            case .int64: ok = slot.kind == 3 && ScalarParser.int64(p + slot.start, slot.end - slot.start) != nil
            case .float64: ok = slot.kind == 3 || slot.kind == 4 || (slot.kind == 5 && nonFiniteFloat(text(slot, p), slot.textCount) != nil)
            case .date: ok = slot.kind == 5 && ScalarParser.date(text(slot, p), slot.textCount) != nil
            case .timestamp: ok = slot.kind == 5 && ScalarParser.timestamp(text(slot, p), slot.textCount) != nil
            case .decimal(let precision, let scale):
                ok = slot.kind == 5 ? Decimal128.parse(text(slot, p), slot.textCount, scale: scale, precision: precision) != nil
                    : (slot.kind == 3 || slot.kind == 4) && Decimal128.parse(p + slot.start, slot.end - slot.start, scale: scale, precision: precision) != nil
            case .binary:
                var bytes: [UInt8] = []
                ok = slot.kind == 5 && BinaryText.decodeBase64(text(slot, p), slot.textCount, into: &bytes)
            }
            if !ok {
                let shown = String(decoding: UnsafeBufferPointer(start: p + slot.start, count: Swift.min(slot.end - slot.start, 60)), as: UTF8.self)
                return (typeOwner[fields[f].name] ?? 0,
                        "field \"\(fields[f].name)\": expected \(type), found \(Self.kindNames[Int(slot.kind)]) \(shown)")
            }
        }
        return nil
    }

    @inline(__always)
    private func text(_ slot: Slot, _ record: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        slot.inScratch ? scratch.pointer.assumingMemoryBound(to: UInt8.self) + slot.textStart : record + slot.textStart
    }

    private func append(_ record: UnsafeBufferPointer<UInt8>, to builders: inout [ColumnBuilder], raw: inout [[UInt8]?], row: Int) {
        let p = record.baseAddress!
        for f in builders.indices {
            let slot = slots[f]
            guard slot.stamp == stamp, slot.kind != 0 else {
                builders[f].appendNull()
                if slot.stamp == stamp { raw[f]![row] = Self.presentNull }
                continue
            }
            guard let type = fields[f].type else {
                if slot.kind == 5 {
                    builders[f].append(utf8: UnsafeRawBufferPointer(start: text(slot, p), count: slot.textCount))
                } else {
                    builders[f].append(utf8: UnsafeRawBufferPointer(start: p + slot.start, count: slot.end - slot.start))
                    raw[f]![row] = Self.asWritten
                }
                continue
            }
            switch type {
            case .string: builders[f].append(utf8: UnsafeRawBufferPointer(start: text(slot, p), count: slot.textCount))
            case .bool: builders[f].append(bool: slot.kind == 1)
            case .int64: builders[f].append(int64: ScalarParser.int64(p + slot.start, slot.end - slot.start)!)
            case .float64:
                let value = slot.kind == 5 ? nonFiniteFloat(text(slot, p), slot.textCount)
                                           : ScalarParser.float64(p + slot.start, slot.end - slot.start)
                builders[f].append(float64: value ?? .nan)
            case .date: builders[f].append(date: ScalarParser.date(text(slot, p), slot.textCount)!)
            case .timestamp: builders[f].append(timestamp: ScalarParser.timestamp(text(slot, p), slot.textCount)!)
            case .decimal(let precision, let scale):
                let parsed = slot.kind == 5 ? Decimal128.parse(text(slot, p), slot.textCount, scale: scale, precision: precision)
                    : Decimal128.parse(p + slot.start, slot.end - slot.start, scale: scale, precision: precision)
                builders[f].append(decimal: parsed!)
            case .binary:
                var bytes: [UInt8] = []
                _ = BinaryText.decodeBase64(text(slot, p), slot.textCount, into: &bytes)
                bytes.withUnsafeBytes { builders[f].append(bytes: $0) }
            }
        }
    }
}
