/// The Arrow schema a Parquet file may carry in its `ARROW:schema` key-value entry
/// (base64 of an Arrow IPC message holding a `Schema` flatbuffer, as Arrow writers
/// store it), read just far enough to restore what the Parquet types leave open: each
/// top-level field's name, Arrow type id, time unit and time zone.
///
/// Parsed by hand from the public Arrow format (`Message.fbs`, `Schema.fbs`): every
/// offset is checked against the bytes, and a damaged entry is ignored (`nil`), since
/// the Parquet schema alone still reads the file.
struct ParquetArrowSchema: Sendable, Equatable {
    /// Arrow's `Type` union tags that matter here.
    enum TypeID: UInt8, Sendable {
        case int = 2, date = 8, time = 9, timestamp = 10, duration = 18
    }
    /// Arrow's `TimeUnit`.
    enum TimeUnit: Int16, Sendable {
        case second = 0, millisecond = 1, microsecond = 2, nanosecond = 3

        var name: String { ["s", "ms", "us", "ns"][Int(rawValue)] }
    }

    struct Field: Sendable, Equatable {
        var name: String
        /// The `Type` union tag (see ``TypeID`` for those Sluice uses).
        var typeID: UInt8
        /// Timestamps, times and durations: their unit.
        var unit: TimeUnit?
        /// Timestamps: the zone (`UTC`, `Europe/Berlin`); `nil` for local (naive) time.
        var timeZone: String?
    }

    var fields: [Field]

    /// The schema in `metadata`'s `ARROW:schema` entry, or `nil` when there is none or
    /// it does not parse.
    init?(metadata: [(key: String, value: String?)]) {
        guard let text = metadata.first(where: { $0.key == "ARROW:schema" })?.value,
              let bytes = Self.base64Decoded(text),
              let fields = try? Self.parse(bytes) else { return nil }
        self.fields = fields
    }

    init(fields: [Field]) {
        self.fields = fields
    }

    // MARK: IPC message and flatbuffers

    private struct Malformed: Error {}

    /// A bounds-checked view of one flatbuffer table.
    private struct Table {
        let bytes: [UInt8]
        let position: Int
        let vtable: Int
        let vtableSize: Int

        init(_ bytes: [UInt8], at position: Int) throws {
            self.bytes = bytes
            self.position = position
            let offset = Int(try Table.i32(bytes, position))
            vtable = position - offset
            guard vtable >= 0, vtable + 4 <= bytes.count else { throw Malformed() }
            vtableSize = Int(try Table.u16(bytes, vtable))
            guard vtableSize >= 4, vtable + vtableSize <= bytes.count else { throw Malformed() }
        }

        static func u16(_ bytes: [UInt8], _ at: Int) throws -> UInt16 {
            guard at >= 0, at + 2 <= bytes.count else { throw Malformed() }
            return UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
        }

        static func i32(_ bytes: [UInt8], _ at: Int) throws -> Int32 {
            guard at >= 0, at + 4 <= bytes.count else { throw Malformed() }
            return Int32(bitPattern: UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24)
        }

        /// Where field `id` lives, or `nil` when it is absent (its default).
        func field(_ id: Int) throws -> Int? {
            let slot = 4 + 2 * id
            guard slot + 2 <= vtableSize else { return nil }
            let offset = Int(try Table.u16(bytes, vtable + slot))
            return offset == 0 ? nil : position + offset
        }

        func u8(_ id: Int) throws -> UInt8? {
            guard let at = try field(id) else { return nil }
            guard at < bytes.count else { throw Malformed() }
            return bytes[at]
        }

        func i16(_ id: Int) throws -> Int16? {
            guard let at = try field(id) else { return nil }
            return Int16(bitPattern: try Table.u16(bytes, at))
        }

        /// The object an offset field points at.
        func target(_ id: Int) throws -> Int? {
            guard let at = try field(id) else { return nil }
            let offset = Int(UInt32(bitPattern: try Table.i32(bytes, at)))
            guard at + offset < bytes.count else { throw Malformed() }
            return at + offset
        }

        func table(_ id: Int) throws -> Table? {
            try target(id).map { try Table(bytes, at: $0) }
        }

        func string(_ id: Int) throws -> String? {
            guard let at = try target(id) else { return nil }
            let length = Int(UInt32(bitPattern: try Table.i32(bytes, at)))
            guard length <= bytes.count - at - 4 else { throw Malformed() }
            return String(decoding: bytes[(at + 4)..<(at + 4 + length)], as: UTF8.self)
        }

        func tables(_ id: Int) throws -> [Table] {
            guard let at = try target(id) else { return [] }
            let count = Int(UInt32(bitPattern: try Table.i32(bytes, at)))
            guard count <= (bytes.count - at - 4) / 4 else { throw Malformed() }
            return try (0..<count).map { i in
                let slot = at + 4 + 4 * i
                return try Table(bytes, at: slot + Int(UInt32(bitPattern: try Table.i32(bytes, slot))))
            }
        }
    }

    private static func parse(_ message: [UInt8]) throws -> [Field] {
        // An encapsulated IPC message: [0xFFFFFFFF] length, then the Message flatbuffer.
        var start = 0
        if message.count >= 8 && message[0..<4] == [0xFF, 0xFF, 0xFF, 0xFF] { start = 4 }
        let length = Int(try Table.i32(message, start))
        guard length > 0, length <= message.count - start - 4 else { throw Malformed() }
        let buffer = Array(message[(start + 4)..<(start + 4 + length)])
        let root = try Table(buffer, at: Int(UInt32(bitPattern: try Table.i32(buffer, 0))))
        // Message { version: short; header_type: ubyte; header: MessageHeader; … }, Schema = 1.
        guard try root.u8(1) == 1, let schema = try root.table(2) else { throw Malformed() }
        // Schema { endianness; fields: [Field]; … }
        return try schema.tables(1).map { field in
            // Field { name; nullable; type_type; type; dictionary; children; custom_metadata }
            let typeID = try field.u8(2) ?? 0
            var result = Field(name: try field.string(0) ?? "", typeID: typeID)
            if let type = try field.table(3) {
                switch TypeID(rawValue: typeID) {
                case .timestamp:   // Timestamp { unit = SECOND; timezone }
                    result.unit = TimeUnit(rawValue: try type.i16(0) ?? 0)
                    result.timeZone = try type.string(1)
                case .time, .duration:   // unit = MILLISECOND by default
                    result.unit = TimeUnit(rawValue: try type.i16(0) ?? 1)
                default: break
                }
            } else if TypeID(rawValue: typeID) == .timestamp {
                result.unit = .second
            }
            return result
        }
    }

    /// Standard base64 (padding optional); `nil` on any other character.
    static func base64Decoded(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count * 3 / 4)
        var accumulator: UInt32 = 0, bits = 0
        for byte in text.utf8 {
            let value: UInt8
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0") + 52
            case UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "/"): value = 63
            case UInt8(ascii: "="), UInt8(ascii: "\n"), UInt8(ascii: "\r"): continue
            default: return nil
            }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return output
    }
}

extension ParquetColumnPlan {
    /// Restores from the Arrow schema what the Parquet types leave open: an INT64 without
    /// a logical type that Arrow calls a timestamp is read as one; INT96 timestamps Arrow
    /// keeps in s/ms/µs lose no digits (no note); durations and local-time timestamps
    /// behind a legacy UTC annotation get a note saying so.
    mutating func refine(with field: ParquetArrowSchema.Field, legacyTimestamp: Bool) {
        guard nested == nil, let id = ParquetArrowSchema.TypeID(rawValue: field.typeID) else { return }
        switch (kind, id) {
        case (.int96, .timestamp):
            if let unit = field.unit, unit != .nanosecond { note = nil }
            else { note = "column \"\(name)\": INT96 timestamps (nanoseconds in the Arrow schema) read as microseconds (digits below a microsecond are dropped)" }
        case (.int64, .timestamp):
            switch field.unit {
            case .millisecond?: kind = .timestamp(.millis)
            case .microsecond?: kind = .timestamp(.micros)
            case .nanosecond?: kind = .timestamp(.nanos)
            default: return   // seconds: Parquet cannot say so; left as the integers they are
            }
            type = .timestamp
            note = "column \"\(name)\": INT64 without a Parquet timestamp type read as timestamp[\(field.unit!.name)] as its Arrow schema says"
        case (.int64, .duration):
            note = "column \"\(name)\": an Arrow duration, read as int64 \(field.unit?.name ?? "ms")"
        case (.timestamp, .timestamp) where field.timeZone == nil && legacyTimestamp:
            note = "column \"\(name)\": local (time-zone-less) timestamps per the Arrow schema, read as they are"
        default:
            break
        }
    }
}
