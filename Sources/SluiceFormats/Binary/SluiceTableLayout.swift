import SluiceCore

#if !_endian(little)
#error(".sluice files are little-endian and are read and written by copying memory: port the reader and writer to swap bytes first")
#endif

/// The on-disk layout of a `.sluice` table file (format version 1).
///
/// A binary, columnar file whose buffers are the in-memory column buffers byte for
/// byte, so reading is a `pread` straight into each column's ``RawBuffer`` and a
/// checksum pass. All integers are little-endian.
///
/// ```text
/// offset 0   header     64 bytes: magic "SLUICETB", UInt32 version (1), zero padding
///            buffers    each starting at a multiple of 64 bytes, zero padding between
///            footer     UInt64 rows, UInt32 columns, UInt32 batches,
///                       per column: UInt8 type code, 3 zero bytes, UInt32 name length, UTF-8 name,
///                       per batch: UInt64 rows, then per column three buffer entries
///                       (validity, values, bytes), each UInt64 offset, UInt64 length, UInt64 XXH64
///            trailer    32 bytes: UInt64 footer offset, UInt64 footer length,
///                       UInt64 XXH64 of the footer, magic "SLUICEND"
/// ```
///
/// Buffers per column and batch, as in memory (`docs/ARCHITECTURE.md`): validity bitmap
/// words (length 0 when the batch has no nulls), values (`UInt8` bool, `Int64` int64 and
/// timestamp, `Double` float64, `Int32` date, or `rows + 1` `Int64` string offsets starting
/// at 0), and for strings the UTF-8 bytes (length 0 for other types). An absent buffer has
/// offset 0 and length 0.
///
/// The schema and batch directory sit in a footer because a writer learns the row count
/// only at the end: batches are written as they come (``SluiceTableWriter``). Type codes:
/// bool 1, int64 2, float64 3, string 4, date 5, timestamp 6.
enum SluiceTableLayout {
    static let magic: [UInt8] = Array("SLUICETB".utf8)
    static let endMagic: [UInt8] = Array("SLUICEND".utf8)
    static let version: UInt32 = 1
    static let headerSize = 64
    static let trailerSize = 32
    static let alignment = 64
    /// Rows per record batch: larger writes are split, so a batch reader's memory stays
    /// bounded and `sluice head` reads only the first batch. A multiple of 64, so whole-file
    /// reads join validity bitmaps without shifting.
    static let maxBatchRows = 65_536

    static func code(of type: DataType) -> UInt8 {
        switch type {
        case .bool: 1
        case .int64: 2
        case .float64: 3
        case .string: 4
        case .date: 5
        case .timestamp: 6
        case .decimal: 7      // precision and scale follow in the footer's padding bytes
        case .binary: 8
        }
    }

    /// The two footer bytes after a column's type code: precision and scale for decimals.
    static func parameters(of type: DataType) -> [UInt8] {
        if case .decimal(let p, let s) = type { return [UInt8(p), UInt8(s)] }
        return [0, 0]
    }

    static func type(code: UInt8, parameters: (UInt8, UInt8)) -> DataType? {
        if code == 7 {
            let p = Int(parameters.0), s = Int(parameters.1)
            guard (1...DataType.maxDecimalPrecision).contains(p), (0...p).contains(s) else { return nil }
            return .decimal(precision: p, scale: s)
        }
        return type(code: code)
    }

    static func type(code: UInt8) -> DataType? {
        switch code {
        case 8: .binary
        case 1: .bool
        case 2: .int64
        case 3: .float64
        case 4: .string
        case 5: .date
        case 6: .timestamp
        default: nil
        }
    }

    /// Rounds `offset` up to the next multiple of the alignment.
    static func aligned(_ offset: Int) -> Int { (offset + alignment - 1) & ~(alignment - 1) }
}

/// Where one buffer of one column of one batch lies in the file.
struct SluiceBufferEntry: Equatable {
    var offset: Int
    var length: Int
    var checksum: UInt64
    static let absent = SluiceBufferEntry(offset: 0, length: 0, checksum: 0)
}

/// Appends little-endian integers and bytes to a byte array (footer encoding).
struct LittleEndianEncoder {
    var bytes: [UInt8] = []
    mutating func put(_ value: UInt8) { bytes.append(value) }
    mutating func put(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func put(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func put(_ value: Int) { put(UInt64(value)) }
    mutating func put(bytes more: [UInt8]) { bytes.append(contentsOf: more) }
}
