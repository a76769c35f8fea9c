import CSQLite
import SluiceCore

/// Inserts rows with one reused prepared statement, binding straight from column
/// buffers: text with `SQLITE_STATIC` (no copy; the batch outlives the step).
final class SQLiteInserter: BulkInserter {
    let statement: SQLiteStatement

    init(statement: SQLiteStatement) { self.statement = statement }

    func insert(_ batch: Table) throws {
        let handle = statement.handle
        let columns = batch.columns
        // Dispatch on the type once per column and batch; each binder reads raw memory.
        var binders: [(Int32, Int) -> Int32] = []
        var scratch: [UnsafeMutableRawPointer] = []   // per-batch text for dates/timestamps, freed after the batch
        for column in columns {
            let validity = column.validity
            func valid(_ row: Int) -> Bool { validity?.isValid(row) ?? true }
            switch column.type {
            case .int64:
                let values = column.unsafeValuesAddress(as: Int64.self)
                binders.append { i, row in valid(row) ? sqlite3_bind_int64(handle, i, values[row]) : sqlite3_bind_null(handle, i) }
            case .float64:
                let values = column.unsafeValuesAddress(as: Double.self)
                binders.append { i, row in valid(row) ? sqlite3_bind_double(handle, i, values[row]) : sqlite3_bind_null(handle, i) }
            case .bool:
                let values = column.unsafeValuesAddress(as: UInt8.self)
                binders.append { i, row in valid(row) ? sqlite3_bind_int64(handle, i, values[row] != 0 ? 1 : 0) : sqlite3_bind_null(handle, i) }
            case .string:
                let strings = column.unsafeStrings()
                binders.append { i, row in
                    guard valid(row) else { return sqlite3_bind_null(handle, i) }
                    let lower = Int(strings.offsets[row]), upper = Int(strings.offsets[row + 1])
                    // SQLITE_STATIC is nil: the bytes live in the batch, which outlives this step.
                    return (strings.bytes + lower).withMemoryRebound(to: CChar.self, capacity: max(upper - lower, 1)) {
                        sqlite3_bind_text(handle, i, $0, Int32(upper - lower), nil)
                    }
                }
            case .binary:
                let strings = column.unsafeStrings()
                binders.append { i, row in
                    guard valid(row) else { return sqlite3_bind_null(handle, i) }
                    let lower = Int(strings.offsets[row]), upper = Int(strings.offsets[row + 1])
                    return sqlite3_bind_blob(handle, i, UnsafeRawPointer(strings.bytes + lower), Int32(upper - lower), nil)
                }
            case .decimal(_, let scale):
                // Exact text, formatted once per batch into fixed-width slots, bound statically.
                let width = Decimal128.maxTextLength
                let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(column.count * width, 1))
                let lengths = UnsafeMutablePointer<Int32>.allocate(capacity: max(column.count, 1))
                scratch.append(UnsafeMutableRawPointer(buffer))
                scratch.append(UnsafeMutableRawPointer(lengths))
                let values = column.unsafeValuesAddress(as: Int128.self)
                for row in 0..<column.count where valid(row) { lengths[row] = Int32(Decimal128.write(values[row], scale: scale, to: buffer + row * width)) }
                binders.append { i, row in
                    guard valid(row) else { return sqlite3_bind_null(handle, i) }
                    return UnsafeRawPointer(buffer + row * width).withMemoryRebound(to: CChar.self, capacity: width) {
                        sqlite3_bind_text(handle, i, $0, lengths[row], nil)
                    }
                }
            case .date, .timestamp:
                // Formatted once per batch into one buffer of fixed-width slots, then bound statically.
                let isDate = column.type == .date
                let width = isDate ? 16 : SQLTextFormat.maxTimestampLength
                let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(column.count * width, 1))
                let lengths = UnsafeMutablePointer<Int32>.allocate(capacity: max(column.count, 1))
                scratch.append(UnsafeMutableRawPointer(buffer))
                scratch.append(UnsafeMutableRawPointer(lengths))
                if isDate {
                    let values = column.unsafeValuesAddress(as: Int32.self)
                    for row in 0..<column.count where valid(row) { lengths[row] = Int32(SQLTextFormat.writeDate(values[row], to: buffer + row * width)) }
                } else {
                    let values = column.unsafeValuesAddress(as: Int64.self)
                    for row in 0..<column.count where valid(row) { lengths[row] = Int32(SQLTextFormat.writeTimestamp(values[row], to: buffer + row * width)) }
                }
                binders.append { i, row in
                    guard valid(row) else { return sqlite3_bind_null(handle, i) }
                    return UnsafeRawPointer(buffer + row * width).withMemoryRebound(to: CChar.self, capacity: width) {
                        sqlite3_bind_text(handle, i, $0, lengths[row], nil)
                    }
                }
            }
        }
        defer {
            // Bindings outlive sqlite3_reset: drop them before the batch's memory goes.
            sqlite3_clear_bindings(handle)
            for pointer in scratch { pointer.deallocate() }
        }
        try withExtendedLifetime(batch) {
            for row in 0..<batch.rowCount {
                for (c, bind) in binders.enumerated() {
                    let status = bind(Int32(c + 1), row)
                    if status != SQLITE_OK { throw statement.database.error(status, doing: "binding \(batch.schema.fields[c].name)") }
                }
                let status = sqlite3_step(handle)
                sqlite3_reset(handle)
                if status != SQLITE_DONE {
                    throw statement.database.error(status, doing: "inserting row \(row + 1) of a batch")
                }
            }
        }
    }

    func finish() throws {}
}
