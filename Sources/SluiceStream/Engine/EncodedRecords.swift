import SluiceCore
import SluiceFormats

/// Serialized records for one destination: JSON Lines bytes (each record ends
/// with `\n`), where each record ends, and which batch row it came from.
public final class EncodedRecords: @unchecked Sendable {   // written by one encoder, then only read
    @exclusivity(unchecked) var writer = ByteWriter(capacity: 1 << 16)
    /// End offset (exclusive, after the `\n`) of each record.
    @exclusivity(unchecked) public private(set) var ends: [Int] = []
    /// The batch row of each record.
    @exclusivity(unchecked) public private(set) var rows: [Int32] = []

    /// Kafka message attributes per record, when the output sets a key or headers:
    /// `attributeCount` slots per record (the key, then each header), each a span of
    /// ``attributeBytes``; a start of -1 is null (no key, header left out).
    public private(set) var attributeCount = 0
    @exclusivity(unchecked) public private(set) var attributeBytes: [UInt8] = []
    @exclusivity(unchecked) var attributeSpans: [(start: Int, end: Int)] = []

    init(attributes: Int = 0) { attributeCount = attributes }

    /// Appends the next attribute of the record being written (nil: null).
    func appendAttribute(_ bytes: UnsafeRawBufferPointer?) {
        guard let bytes else { attributeSpans.append((-1, -1)); return }
        let start = attributeBytes.count
        attributeBytes.append(contentsOf: bytes)
        attributeSpans.append((start, attributeBytes.count))
    }

    /// Attribute `slot` of record `i` (slot 0: the key, then the headers), nil when null.
    package func attribute(_ slot: Int, of i: Int) -> ArraySlice<UInt8>? {
        let span = attributeSpans[i * attributeCount + slot]
        return span.start < 0 ? nil : attributeBytes[span.start..<span.end]
    }

    deinit { writer.deallocate() }

    /// Number of records.
    public var count: Int { ends.count }

    /// All bytes.
    package var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: writer.base, count: writer.count) }

    /// Record `i` without its trailing `\n`.
    package func record(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let start = i == 0 ? 0 : ends[i - 1]
        return UnsafeBufferPointer(start: writer.base + start, count: ends[i] - start - 1)
    }

    /// Marks the bytes written since the last record as record of `row` (adds the `\n`).
    func finishRecord(row: Int) {
        writer.reserve(1)
        writer.put(0x0A)
        ends.append(writer.count)
        rows.append(Int32(row))
    }

    /// The records as text (for tests).
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

extension ByteWriter {
    /// Appends `text` as a JSON string.
    mutating func putJSONString(_ text: String) {
        var text = text
        text.withUTF8 { SluiceFormats.putJSONString($0, into: &self) }
    }

    /// Appends the value of `column` at `row` as JSON (`raw` rows are JSON text written as is).
    @inline(__always)
    mutating func putJSONValue(_ source: CellSource, _ validity: Bitmap?, _ raw: UnsafePointer<UInt8>?, row: Int) {
        if let validity, !validity.isValid(row) { put("null"); return }
        switch source {
        case .string(let strings):
            let bytes = strings[row]
            if let raw, raw[row] == RecordDecoder.asWritten {
                reserve(bytes.count)
                if bytes.count > 0 { put(bytes.baseAddress!, bytes.count) }
            } else {
                SluiceFormats.putJSONString(bytes, into: &self)
            }
        case .int64(let values): reserve(24); put(int64: values[row])
        case .float64(let values):
            put(jsonFloat64: values[row])
        case .bool(let values): put(values[row] != 0 ? "true" : "false")
        case .date(let values): reserve(16); put(0x22); put(date: values[row]); put(0x22)
        case .timestamp(let values): reserve(40); put(0x22); put(timestamp: values[row]); put(0x22)
        case .decimal(let values, let scale): put(decimal: values[row], scale: scale)   // a JSON number, exact text
        case .binary(let values): put("\""); put(base64: values[row]); put("\"")
        }
    }
}

extension ByteWriter {
    /// Appends a Kafka key or header value: a string as its text (JSON as written stays
    /// JSON), anything else as its JSON text without quotes.
    mutating func putAttributeText(_ source: CellSource, _ raw: [UInt8]?, row: Int) {
        if case .string(let strings) = source, raw?[row] != RecordDecoder.asWritten {
            let bytes = strings[row]
            reserve(bytes.count)
            if bytes.count > 0 { put(bytes.baseAddress!, bytes.count) }
            return
        }
        let start = count
        raw.withUnsafeBufferPointerIfPresent { putJSONValue(source, nil, $0, row: row) }
        // Dates, timestamps and bytes are JSON strings: their text goes without the quotes.
        if count - start >= 2, base[start] == 0x22, base[count - 1] == 0x22, !(raw?[row] == RecordDecoder.asWritten) {
            (base + start).update(from: base + start + 1, count: count - start - 2)
            count -= 2
        }
    }
}

extension Optional where Wrapped == [UInt8] {
    /// Calls `body` with a pointer to the bytes, or nil.
    func withUnsafeBufferPointerIfPresent<R>(_ body: (UnsafePointer<UInt8>?) -> R) -> R {
        switch self {
        case .some(let array): array.withUnsafeBufferPointer { body($0.baseAddress) }
        case .none: body(nil)
        }
    }
}
