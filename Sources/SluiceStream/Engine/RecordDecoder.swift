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

/// Decodes a batch of records (one JSON object each) into columns with SluiceFormats'
/// ``JSONObjectDecoder`` — the decoder and typing rules the JSON Lines reader uses —
/// one batch at a time. A record that is not a JSON object, or whose declared field
/// has a value that does not convert to its type, becomes a failure for the
/// dead-letter output and a row of nulls.
final class RecordDecoder {
    @exclusivity(unchecked) private(set) var fields: [FieldPlan]
    private let json: JSONObjectDecoder
    /// Which fields the batch's records had, and in what order they first appeared.
    @exclusivity(unchecked) private var seen: [Bool] = []
    @exclusivity(unchecked) private var order: [Int] = []
    /// The processor that declared each typed field (for the error's `processor`).
    let typeOwner: [String: Int]

    /// - Parameters:
    ///   - fields: the fields the processors name, with declared types.
    ///   - keepsUnknownFields: whether keys not among the fields become new fields
    ///     (records pass through whole); otherwise they are validated and skipped.
    init(fields: [FieldPlan], keepsUnknownFields: Bool, typeOwner: [String: Int]) {
        self.fields = fields
        self.json = JSONObjectDecoder(columns: fields.map(\.name), unknownKeys: keepsUnknownFields ? .addColumn : .skip, unit: "record")
        json.tracksKeyOrder = true
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
            var failure: (Int, String)?
            if record.count > maxRecordBytes {
                failure = (0, "record is \(record.count) bytes, more than max_record_bytes (\(maxRecordBytes))")
            } else if JSONObjectDecoder.isBlank(record) {
                failure = (0, "empty record")
            } else {
                do throws(JSONLineProblem) {
                    try json.decode(record)
                } catch {
                    failure = (0, "invalid JSON at byte \(error.offset + 1): \(error.message)")
                }
                // Keys that became fields on this record (and are kept even when it fails).
                while fields.count < json.keys.count {
                    fields.append(FieldPlan(name: json.keys.names[fields.count], type: nil))
                }
                for field in json.keyOrder {
                    while seen.count <= field { seen.append(false) }
                    if !seen[field] { seen[field] = true; order.append(field) }
                }
                if failure == nil { failure = checkTypes(record) }
            }
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
        while seen.count < fields.count { seen.append(false) }
        order += fields.indices.filter { !seen[$0] }
        let columns = builders.map { $0.finish() }
        return Decoded(names: order.map { fields[$0].name }, columns: order.map { columns[$0] }, raw: order.map { raw[$0] }, failures: failures)
    }

    private static func kindName(_ kind: JSONValueSlot.Kind) -> String {
        switch kind {
        case .null: "null"
        case .trueValue: "true"
        case .falseValue: "false"
        case .integer, .number: "number"
        case .string: "string"
        case .object: "object"
        case .array: "array"
        }
    }

    /// The first declared field whose value does not convert to its type (the decoder's typing rules).
    private func checkTypes(_ record: UnsafeBufferPointer<UInt8>) -> (Int, String)? {
        let p = record.baseAddress!
        let slots = json.slots, stamp = json.stamp
        for f in fields.indices {
            guard let type = fields[f].type else { continue }
            let slot = slots[f]
            guard slot.stamp == stamp, slot.kind != .null else { continue }
            if !json.convert(f, to: type, line: p) {
                let shown = String(decoding: UnsafeBufferPointer(start: p + slot.start, count: Swift.min(slot.end - slot.start, 60)), as: UTF8.self)
                return (typeOwner[fields[f].name] ?? 0,
                        "field \"\(fields[f].name)\": expected \(type), found \(Self.kindName(slot.kind)) \(shown)")
            }
        }
        return nil
    }

    private func append(_ record: UnsafeBufferPointer<UInt8>, to builders: inout [ColumnBuilder], raw: inout [[UInt8]?], row: Int) {
        let p = record.baseAddress!
        let slots = json.slots, stamp = json.stamp
        for f in builders.indices {
            let slot = slots[f]
            guard slot.stamp == stamp, slot.kind != .null else {
                builders[f].appendNull()
                if slot.stamp == stamp { raw[f]![row] = Self.presentNull }
                continue
            }
            let type = fields[f].type
            if type == nil || type == .string {
                if slot.kind == .string {
                    builders[f].append(utf8: UnsafeRawBufferPointer(start: json.text(slot, line: p), count: slot.textCount))
                } else {
                    builders[f].append(utf8: UnsafeRawBufferPointer(start: p + slot.start, count: slot.end - slot.start))
                    raw[f]![row] = Self.asWritten
                }
                continue
            }
            json.append(slot, as: type!, line: p, to: &builders[f])
        }
    }
}
