import SluiceCore

/// What one key held on the line being decoded.
struct JSONValueSlot {
    enum Kind: UInt8 { case null, trueValue, falseValue, integer, number, string, object, array }
    /// The line stamp this slot was written for; older stamps mean "missing".
    var stamp = -1
    var kind = Kind.null
    /// The value's JSON text in the line: `start..<end`.
    var start = 0
    var end = 0
    /// A string's decoded bytes: in the line, or in the scratch buffer when escaped.
    var textStart = 0
    var textCount = 0
    var inScratch = false
    /// The converted value, filled by the reader's check pass.
    var payload: UInt64 = 0
}

/// Decodes one line holding one JSON object into per-column ``JSONValueSlot``s,
/// validating all of it first, so a bad line leaves no trace in the columns.
///
/// Keys map to columns through a ``JSONKeyTable``; while sampling, unknown keys
/// become new columns; afterwards they are a ``JSONLineProblem``. A duplicate key
/// overwrites its slot (last wins). A class: it owns the reusable scratch memory.
final class JSONRowDecoder {
    @exclusivity(unchecked) private(set) var keys = JSONKeyTable()
    /// One slot per column, in memory the decoder owns: writing a slot per value
    /// through a pointer costs no copy-on-write or exclusivity check.
    @exclusivity(unchecked) private var slotStorage = UnsafeMutablePointer<JSONValueSlot>.allocate(capacity: 16)
    @exclusivity(unchecked) private var slotCapacity = 16
    @exclusivity(unchecked) private var slotCount = 0
    /// The slots, one per column seen so far.
    var slots: UnsafeMutableBufferPointer<JSONValueSlot> { UnsafeMutableBufferPointer(start: slotStorage, count: slotCount) }
    /// Decoded bytes of escaped strings on the current line.
    let scratch = RawBuffer(capacity: 4096)
    private let keyScratch = RawBuffer(capacity: 256)
    /// Stamp of the current line.
    @exclusivity(unchecked) private(set) var stamp = 0
    /// Whether unseen keys become columns (while sampling).
    @exclusivity(unchecked) var acceptsNewKeys = true

    /// Stores the converted value of column `column` for the current line.
    @inline(__always) func setPayload(_ payload: UInt64, column: Int) { slotStorage[column].payload = payload }

    deinit {
        slotStorage.deinitialize(count: slotCount)
        slotStorage.deallocate()
    }

    /// Adds a slot for a new column.
    private func appendSlot() {
        if slotCount == slotCapacity {
            let bigger = UnsafeMutablePointer<JSONValueSlot>.allocate(capacity: slotCapacity * 2)
            bigger.moveInitialize(from: slotStorage, count: slotCount)
            slotStorage.deallocate()
            slotStorage = bigger
            slotCapacity *= 2
        }
        (slotStorage + slotCount).initialize(to: JSONValueSlot())
        slotCount += 1
    }

    /// The decoded text of a string slot.
    @inline(__always)
    func text(_ slot: JSONValueSlot, line: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        slot.inScratch ? scratch.pointer.assumingMemoryBound(to: UInt8.self) + slot.textStart : line + slot.textStart
    }

    /// Whether the line holds only JSON whitespace.
    static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        for c in line where !(c == 0x20 || c == 0x09 || c == 0x0D) { return false }
        return true
    }

    /// Decodes `line` (not blank) into the slots.
    ///
    /// - Throws: ``JSONLineProblem`` at the first offending byte.
    func decode(_ line: UnsafeBufferPointer<UInt8>) throws(JSONLineProblem) {
        stamp &+= 1
        scratch.removeAll()
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
                if let found = keys.index(of: keyPointer, keyCount, guess: column &+ 1) {
                    column = found
                } else if acceptsNewKeys {
                    column = keys.insert(keyPointer, keyCount)
                    appendSlot()
                } else {
                    let name = String(decoding: UnsafeBufferPointer(start: keyPointer, count: keyCount), as: UTF8.self)
                    throw JSONLineProblem(kind: .unknownKey(name), offset: keyStart, message: "")
                }
                i = s.skipWhitespace(keyEnd)
                guard i < n, p[i] == 0x3A else { throw s.syntax(i, "expected `:` after the key, found \(s.found(i))") }
                i = s.skipWhitespace(i &+ 1)
                guard i < n else { throw s.syntax(i, "expected a JSON value, found end of line") }
                var slot = JSONValueSlot()
                slot.stamp = stamp
                slot.start = i
                switch p[i] {
                case 0x22:
                    let (end, escaped) = try s.scanString(at: i)
                    slot.kind = .string
                    slot.end = end
                    if escaped {
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
                slotStorage[column] = slot
                i = s.skipWhitespace(slot.end)
                guard i < n else { throw s.syntax(i, "expected `,` or `}`, found end of line") }
                if p[i] == 0x7D { i &+= 1; break }
                guard p[i] == 0x2C else { throw s.syntax(i, "expected `,` or `}` after the value, found \(s.found(i))") }
                i = s.skipWhitespace(i &+ 1)
            }
        }
        i = s.skipWhitespace(i)
        guard i == n else {
            throw s.syntax(i, "unexpected \(s.found(i)) after the end of the object (one object per line)")
        }
    }

    /// The type a value suggests for its column; `nil` for null (no information).
    func inferredType(_ slot: JSONValueSlot, line: UnsafePointer<UInt8>) -> DataType? {
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
