import SluiceCore

/// What one key held on the object being decoded.
package struct JSONValueSlot {
    package enum Kind: UInt8 { case null, trueValue, falseValue, integer, number, string, object, array }
    /// The object stamp this slot was written for; older stamps mean "missing".
    package var stamp = -1
    package var kind = Kind.null
    /// The value's JSON text in the object's bytes: `start..<end`.
    package var start = 0
    package var end = 0
    /// A string's decoded bytes: in the object's bytes, or in the scratch buffer when escaped.
    package var textStart = 0
    package var textCount = 0
    package var inScratch = false
    /// The converted value, filled by ``JSONObjectDecoder/convert(_:to:in:)``.
    package var payload: UInt64 = 0

    package init() {}
}

/// The one JSON object decoder: decodes one JSON object (a JSON Lines line, a stream
/// record) into per-column ``JSONValueSlot``s, validating all of it first, so a bad
/// object leaves no trace in the columns; then converts values to column types by one
/// set of typing rules (``convert(_:to:in:)``, ``inferredType(_:in:)``).
///
/// Used by ``JSONLinesReader`` and by the stream engine's record decoder, so a record
/// types the same whether it is read from a file or consumed from Kafka.
///
/// Keys map to columns through a ``JSONKeyTable``. A key not in the table becomes a new
/// column, is skipped, or is a ``JSONLineProblem`` (``UnknownKeys``). A duplicate key
/// overwrites its slot (last wins). A class: it owns the reusable scratch memory, and
/// is used by one thread at a time.
package final class JSONObjectDecoder {
    /// What happens to a key the table does not have.
    package enum UnknownKeys {
        /// It becomes a new column (a slot is added).
        case addColumn
        /// It is validated and skipped.
        case skip
        /// The object is rejected with a ``JSONLineProblem`` of kind `.unknownKey`.
        case reject
    }

    @exclusivity(unchecked) package private(set) var keys = JSONKeyTable()
    /// One slot per column, in memory the decoder owns: writing a slot per value
    /// through a pointer costs no copy-on-write or exclusivity check.
    @exclusivity(unchecked) private var slotStorage = UnsafeMutablePointer<JSONValueSlot>.allocate(capacity: 16)
    @exclusivity(unchecked) private var slotCapacity = 16
    @exclusivity(unchecked) private var slotCount = 0
    /// The slots, one per column seen so far.
    package var slots: UnsafeMutableBufferPointer<JSONValueSlot> { UnsafeMutableBufferPointer(start: slotStorage, count: slotCount) }
    /// Decoded bytes of escaped strings on the current object.
    package let scratch = RawBuffer(capacity: 4096)
    private let keyScratch = RawBuffer(capacity: 256)
    /// Stamp of the current object.
    @exclusivity(unchecked) package private(set) var stamp = 0
    /// What happens to keys the table does not have.
    @exclusivity(unchecked) package var unknownKeys: UnknownKeys
    /// Whether ``keyOrder`` is recorded.
    @exclusivity(unchecked) package var tracksKeyOrder = false
    /// The columns of the current object's keys, in the order written (when ``tracksKeyOrder``).
    @exclusivity(unchecked) package private(set) var keyOrder: [Int] = []
    /// What one object is called in messages: `line` or `record`.
    private let unit: String

    /// - Parameters:
    ///   - columns: names of the columns known up front, in order.
    ///   - unknownKeys: what happens to other keys.
    ///   - unit: what one object is called in messages (`line`, `record`).
    package init(columns: [String] = [], unknownKeys: UnknownKeys = .addColumn, unit: String = "line") {
        self.unknownKeys = unknownKeys
        self.unit = unit
        for name in columns {
            var bytes = Array(name.utf8)
            let count = bytes.count
            bytes.withUnsafeMutableBufferPointer { b in
                if keys.index(of: b.baseAddress ?? UnsafeMutablePointer(bitPattern: 1)!, count, guess: 0) == nil {
                    _ = keys.insert(b.baseAddress ?? UnsafeMutablePointer(bitPattern: 1)!, count)
                    appendSlot()
                }
            }
        }
    }

    /// Stores a converted value for column `column` of the current object.
    @inline(__always) package func setPayload(_ payload: UInt64, column: Int) { slotStorage[column].payload = payload }

    deinit {
        slotStorage.deinitialize(count: slotCount)
        slotStorage.deallocate()
    }

    /// Adds a slot for a new column.
    private func appendSlot() {
        if slotCount == slotCapacity { doubleCapacity(&slotStorage, count: slotCount, capacity: &slotCapacity) }
        (slotStorage + slotCount).initialize(to: JSONValueSlot())
        slotCount += 1
    }

    /// The decoded text of a string slot.
    @inline(__always)
    package func text(_ slot: JSONValueSlot, line: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        slot.inScratch ? scratch.pointer.assumingMemoryBound(to: UInt8.self) + slot.textStart : line + slot.textStart
    }

    /// Whether the bytes hold only JSON whitespace.
    package static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        for c in line where !(c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A) { return false }
        return true
    }

    /// Decodes `line` (not blank) into the slots.
    ///
    /// - Throws: ``JSONLineProblem`` at the first offending byte.
    package func decode(_ line: UnsafeBufferPointer<UInt8>) throws(JSONLineProblem) {
        stamp &+= 1
        scratch.removeAll()
        if tracksKeyOrder { keyOrder.removeAll(keepingCapacity: true) }
        let s = JSONScanner(p: line.baseAddress ?? UnsafePointer(bitPattern: 1)!, n: line.count)
        let p = s.p, n = s.n
        var i = s.skipWhitespace(0)
        guard i < n, p[i] == 0x7B else {
            throw s.syntax(i, "expected `{` to start a JSON object, found \(s.found(i))")
        }
        i = s.skipWhitespace(i &+ 1)
        var column = -1
        if i < n && p[i] == 0x7D {
            i &+= 1
        } else {
            while true {
                guard i < n, p[i] == 0x22 else { throw s.syntax(i, "expected a string key, found \(s.found(i))") }
                let keyStart = i
                let (keyEnd, keyEscaped) = try s.scanString(at: i)
                var keyPointer = p + (i &+ 1)
                var keyCount = keyEnd &- i &- 2
                if keyEscaped {
                    keyScratch.removeAll()
                    s.decodeString(i &+ 1, keyEnd &- 1, into: keyScratch)
                    keyPointer = keyScratch.pointer.assumingMemoryBound(to: UInt8.self)
                    keyCount = keyScratch.count
                }
                var known = true
                if let index = keys.index(of: keyPointer, keyCount, guess: column &+ 1) {
                    column = index
                } else {
                    switch unknownKeys {
                    case .addColumn:
                        column = keys.insert(keyPointer, keyCount)
                        appendSlot()
                    case .skip:
                        known = false
                    case .reject:
                        let name = String(decoding: UnsafeBufferPointer(start: keyPointer, count: keyCount), as: UTF8.self)
                        throw JSONLineProblem(kind: .unknownKey(name), offset: keyStart, message: "")
                    }
                }
                i = s.skipWhitespace(keyEnd)
                guard i < n, p[i] == 0x3A else { throw s.syntax(i, "expected `:` after the key, found \(s.found(i))") }
                i = s.skipWhitespace(i &+ 1)
                guard i < n else { throw s.syntax(i, "expected a JSON value, found end of \(unit)") }
                var slot = JSONValueSlot()
                slot.stamp = stamp
                slot.start = i
                switch p[i] {
                case 0x22:
                    let (end, escaped) = try s.scanString(at: i)
                    slot.kind = .string
                    slot.end = end
                    if escaped && known {
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
                    slot.kind = isInteger ? .integer : .number
                    slot.end = end
                case 0x74:
                    slot.kind = .trueValue
                    slot.end = try s.scanLiteral("true", at: i)
                case 0x66:
                    slot.kind = .falseValue
                    slot.end = try s.scanLiteral("false", at: i)
                case 0x6E:
                    slot.kind = .null
                    slot.end = try s.scanLiteral("null", at: i)
                case 0x7B, 0x5B:
                    slot.kind = p[i] == 0x7B ? .object : .array
                    slot.end = try s.skipValue(at: i, depth: 1)
                default:
                    throw s.syntax(i, "expected a JSON value, found \(s.found(i))")
                }
                if known {
                    slotStorage[column] = slot
                    if tracksKeyOrder { keyOrder.append(column) }
                }
                i = s.skipWhitespace(slot.end)
                guard i < n else { throw s.syntax(i, "expected `,` or `}`, found end of \(unit)") }
                if p[i] == 0x7D { i &+= 1; break }
                guard p[i] == 0x2C else { throw s.syntax(i, "expected `,` or `}` after the value, found \(s.found(i))") }
                i = s.skipWhitespace(i &+ 1)
            }
        }
        i = s.skipWhitespace(i)
        guard i == n else {
            throw s.syntax(i, "unexpected \(s.found(i)) after the end of the object (one object per \(unit))")
        }
    }

    // MARK: typing rules

    /// The type a value suggests for its column; `nil` for null (no information).
    ///
    /// `true`/`false` → `bool`; an integer that fits in 64 bits → `int64`, other numbers
    /// → `float64`; the strings `"NaN"`, `"Infinity"`, `"-Infinity"` → `float64`; a
    /// string that is a whole `YYYY-MM-DD` date → `date`, an ISO timestamp →
    /// `timestamp`; other strings, objects and arrays → `string`.
    package func inferredType(_ slot: JSONValueSlot, line: UnsafePointer<UInt8>) -> DataType? {
        switch slot.kind {
        case .null: return nil
        case .trueValue, .falseValue: return .bool
        case .integer: return ScalarParser.int64(line + slot.start, slot.end - slot.start) != nil ? .int64 : .float64
        case .number: return .float64
        case .object, .array: return .string
        case .string:
            let text = self.text(slot, line: line)
            if slot.textCount == 10 && ScalarParser.date(text, 10) != nil { return .date }
            if slot.textCount >= 16 && ScalarParser.timestamp(text, slot.textCount) != nil { return .timestamp }
            if nonFiniteFloat(text, slot.textCount) != nil { return .float64 }
            return .string
        }
    }

    /// Converts a present, non-null value to `type` and stores the result in the slot's
    /// ``JSONValueSlot/payload`` (the value's bit pattern: `bool` 0/1, `int64`, `float64`
    /// bits, `date` days, `timestamp` microseconds); `false` when it does not fit.
    ///
    /// The one set of typing rules: `bool` takes `true`/`false`; `int64` an integer
    /// number that fits; `float64` any number, or `"NaN"`/`"Infinity"`/`"-Infinity"`;
    /// `date` a `YYYY-MM-DD` string; `timestamp` an ISO timestamp string, or a date
    /// string (midnight UTC); `decimal(p, s)` a number or a string, exactly; `binary` a
    /// base64 string; `string` a JSON string (callers that keep other values
    /// as their JSON text do so before asking).
    @inline(__always)
    package func convert(_ column: Int, to type: DataType, line: UnsafePointer<UInt8>) -> Bool {
        let slot = slotStorage[column]
        var payload: UInt64 = 0
        switch type {
        case .string:
            return slot.kind == .string
        case .decimal(let precision, let scale):
            // A JSON number or a string, read exactly (never through a double); parsed
            // again by `append` (a 128-bit value has no room in the payload).
            if slot.kind == .string {
                return Decimal128.parse(text(slot, line: line), slot.textCount, scale: scale, precision: precision) != nil
            }
            return (slot.kind == .integer || slot.kind == .number)
                && Decimal128.parse(line + slot.start, slot.end - slot.start, scale: scale, precision: precision) != nil
        case .binary:
            // Base64 text, decoded again by `append`.
            var bytes: [UInt8] = []
            return slot.kind == .string && BinaryText.decodeBase64(text(slot, line: line), slot.textCount, into: &bytes)
        case .bool:
            guard slot.kind == .trueValue || slot.kind == .falseValue else { return false }
            payload = slot.kind == .trueValue ? 1 : 0
        case .int64:
            guard slot.kind == .integer, let v = ScalarParser.int64(line + slot.start, slot.end - slot.start) else { return false }
            payload = UInt64(bitPattern: v)
        case .float64:
            if slot.kind == .string, let v = nonFiniteFloat(text(slot, line: line), slot.textCount) {
                payload = v.bitPattern
                break
            }
            guard slot.kind == .integer || slot.kind == .number,
                  let v = ScalarParser.float64(line + slot.start, slot.end - slot.start) else { return false }
            payload = v.bitPattern
        case .date:
            guard slot.kind == .string, let v = ScalarParser.date(text(slot, line: line), slot.textCount) else { return false }
            payload = UInt64(bitPattern: Int64(v))
        case .timestamp:
            guard slot.kind == .string else { return false }
            let text = self.text(slot, line: line)
            if let v = ScalarParser.timestamp(text, slot.textCount) {
                payload = UInt64(bitPattern: v)
            } else if let d = ScalarParser.date(text, slot.textCount) {
                payload = UInt64(bitPattern: Int64(d) * 86_400_000_000)
            } else {
                return false
            }
        }
        slotStorage[column].payload = payload
        return true
    }

    /// Appends the converted value of a slot (after ``convert(_:to:line:)`` said it fits) to a builder.
    @inline(__always)
    package func append(_ slot: JSONValueSlot, as type: DataType, line: UnsafePointer<UInt8>, to builder: inout ColumnBuilder) {
        switch type {
        case .bool: builder.append(bool: slot.payload != 0)
        case .int64: builder.append(int64: Int64(bitPattern: slot.payload))
        case .float64: builder.append(float64: Double(bitPattern: slot.payload))
        case .date: builder.append(date: Int32(truncatingIfNeeded: Int64(bitPattern: slot.payload)))
        case .timestamp: builder.append(timestamp: Int64(bitPattern: slot.payload))
        case .decimal(let precision, let scale):
            let parsed = slot.kind == .string
                ? Decimal128.parse(text(slot, line: line), slot.textCount, scale: scale, precision: precision)
                : Decimal128.parse(line + slot.start, slot.end - slot.start, scale: scale, precision: precision)
            builder.append(decimal: parsed ?? 0)
        case .binary:
            var bytes: [UInt8] = []
            _ = BinaryText.decodeBase64(text(slot, line: line), slot.textCount, into: &bytes)
            bytes.withUnsafeBytes { builder.append(bytes: $0) }
        case .string: preconditionFailure("strings are appended as text")
        }
    }
}

/// The value of the JSON strings `"NaN"`, `"Infinity"` and `"-Infinity"` — how Sluice,
/// pandas and Spark write floats that JSON numbers cannot hold — else `nil`.
@inline(__always)
package func nonFiniteFloat(_ text: UnsafePointer<UInt8>, _ count: Int) -> Double? {
    @inline(__always) func isInfinity(_ p: UnsafePointer<UInt8>) -> Bool {
        // "Infinity"
        p[0] == 0x49 && p[1] == 0x6E && p[2] == 0x66 && p[3] == 0x69 && p[4] == 0x6E && p[5] == 0x69 && p[6] == 0x74 && p[7] == 0x79
    }
    switch count {
    case 3 where text[0] == 0x4E && text[1] == 0x61 && text[2] == 0x4E: return .nan
    case 8 where isInfinity(text): return .infinity
    case 9 where text[0] == 0x2D && isInfinity(text + 1): return -.infinity
    default: return nil
    }
}
