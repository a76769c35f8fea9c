import SluiceCore

/// A date, timestamp or decimal column as SQLite stores it: its text, formatted once
/// per batch into one buffer of fixed-width slots (`width` bytes per row, `lengths[row]`
/// used), so it can be bound or returned without a copy. Null rows are left unwritten.
struct SQLiteTextSlots {
    let buffer: UnsafeMutablePointer<UInt8>
    let lengths: UnsafeMutablePointer<Int32>
    let width: Int

    /// Formats `column` (a date, timestamp or decimal), or nil for other types.
    init?(_ column: Column) {
        let width: Int
        switch column.type {
        case .date: width = 16
        case .timestamp: width = SQLTextFormat.maxTimestampLength
        case .decimal: width = Decimal128.maxTextLength
        default: return nil
        }
        let rows = max(column.count, 1)
        buffer = .allocate(capacity: rows * width)
        lengths = .allocate(capacity: rows)
        self.width = width
        let validity = column.validity
        switch column.type {
        case .date:
            let values = column.unsafeValuesAddress(as: Int32.self)
            for row in 0..<column.count where validity?.isValid(row) ?? true {
                lengths[row] = Int32(SQLTextFormat.writeDate(values[row], to: buffer + row * width))
            }
        case .timestamp:
            let values = column.unsafeValuesAddress(as: Int64.self)
            for row in 0..<column.count where validity?.isValid(row) ?? true {
                lengths[row] = Int32(SQLTextFormat.writeTimestamp(values[row], to: buffer + row * width))
            }
        case .decimal(_, let scale):
            let values = column.unsafeValuesAddress(as: Int128.self)
            for row in 0..<column.count where validity?.isValid(row) ?? true {
                lengths[row] = Int32(Decimal128.write(values[row], scale: scale, to: buffer + row * width))
            }
        default: break
        }
    }

    /// Frees the slots; no binding or result may point into them any more.
    func deallocate() {
        buffer.deallocate()
        lengths.deallocate()
    }
}
