import SluiceCore

/// The smallest and largest key among the valid rows of an integer-like column
/// (`nil` when every row is null or the column is float64/string).
func keyRange(of column: Column) -> ClosedRange<Int64>? {
    func scan<T: ScanElement>(_: T.Type) -> ClosedRange<Int64>? {
        var lo = Int64.max, hi = Int64.min
        column.withUnsafeValues(as: T.self) { values in
            if column.validity == nil {
                for v in values {
                    let k = v.integerValue
                    lo = Swift.min(lo, k)
                    hi = Swift.max(hi, k)
                }
            } else {
                column.validity!.words.withUnsafeBufferPointer { words in
                    forEachValidRow(0, values.count, words.baseAddress) { row in
                        let k = values[row].integerValue
                        lo = Swift.min(lo, k)
                        hi = Swift.max(hi, k)
                    }
                }
            }
        }
        return lo <= hi ? lo...hi : nil
    }
    switch column.type {
    case .int64, .timestamp: return scan(Int64.self)
    case .date: return scan(Int32.self)
    case .bool: return scan(UInt8.self)
    case .float64, .string, .binary, .decimal: return nil
    }
}
