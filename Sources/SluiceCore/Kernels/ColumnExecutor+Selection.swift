extension ColumnExecutor {
    // MARK: Choosing a source per row (case when, coalesce, nullif, greatest/least)

    /// Sets `choice[i] = value` on the rows where the bool column `condition` is true
    /// (not null), and only where `choice[i] == replacing` when that is given.
    static func assign(_ value: Int, where condition: Column, to choice: inout [Int], replacing: Int? = nil) {
        let count = choice.count
        if isScalar(condition, count: count) {
            guard !condition.isNull(0), condition.withUnsafeValues(as: UInt8.self, { $0[0] }) != 0 else { return }
            for i in 0..<count where replacing == nil || choice[i] == replacing { choice[i] = value }
            return
        }
        condition.withUnsafeValidityWords { validity in
            condition.withUnsafeValues(as: UInt8.self) { flags in
                choice.withUnsafeMutableBufferPointer { choice in
                    if let replacing {
                        forEachValidRow(0, count, validity) { i in if flags[i] != 0 && choice[i] == replacing { choice[i] = value } }
                    } else {
                        forEachValidRow(0, count, validity) { i in if flags[i] != 0 { choice[i] = value } }
                    }
                }
            }
        }
    }

    /// Sets `choice[i] = value` on the rows where `column` is not null and `choice[i] == replacing`.
    static func assign(_ value: Int, whereValid column: Column, to choice: inout [Int], replacing: Int) {
        let count = choice.count
        if isScalar(column, count: count) {
            guard !column.isNull(0) else { return }
            for i in 0..<count where choice[i] == replacing { choice[i] = value }
            return
        }
        column.withUnsafeValidityWords { validity in
            choice.withUnsafeMutableBufferPointer { choice in
                forEachValidRow(0, count, validity) { i in if choice[i] == replacing { choice[i] = value } }
            }
        }
    }

    /// Row `i` of the result is row `i` of `sources[choice[i]]`, null when `choice[i] < 0`
    /// or the chosen source is null there. A one-row source stands for every row. All
    /// sources have `type`; the type is dispatched once, then one loop copies values.
    static func select(_ sources: [Column], _ choice: [Int], type: DataType) -> Column {
        let count = choice.count
        if sources.count == 1 && !isScalar(sources[0], count: count) {
            return sources[0].gathering(choice.enumerated().map { $0.element < 0 ? -1 : $0.offset })
        }
        switch type {
        case .bool: return selectFixed(sources, choice, type, UInt8.self)
        case .int64, .timestamp: return selectFixed(sources, choice, type, Int64.self)
        case .float64: return selectFixed(sources, choice, type, Double.self)
        case .date: return selectFixed(sources, choice, type, Int32.self)
        case .decimal: return selectFixed(sources, choice, type, Int128.self)
        case .string, .binary:
            let capacity = sources.reduce(0) { Swift.max($0, byteCount($1, count: count)) }
            return withExtendedLifetime(sources) {
                let readers = sources.map { Broadcast(reader: $0.unsafeStrings(), isScalar: isScalar($0, count: count)) }
                return buildStrings(count: count, capacity: capacity, validity: nil, type: type) { i, out in
                    let k = choice[i]
                    guard k >= 0, !sources[k].isNull(isScalar(sources[k], count: count) ? 0 : i) else { return false }
                    out.append(readers[k][i])
                    return true
                }
            }
        }
    }

    static func selectFixed<T: BitwiseCopyable & Numeric>(_ sources: [Column], _ choice: [Int], _ type: DataType, _: T.Type) -> Column {
        let count = choice.count
        return withExtendedLifetime(sources) {
            let readers = sources.map { Broadcast(reader: FixedReader(base: $0.unsafeValuesAddress(as: T.self)), isScalar: isScalar($0, count: count)) }
            let valid = sources.map { source in
                source.validity.map { v in isScalar(source, count: count) ? Bitmap(count: count, allValid: v.isValid(0)) : v }
            }
            var words = [UInt64](repeating: 0, count: (count + 63) >> 6)
            var anyNull = false
            return Kernels.fixed(type, T.self, count: count) { out in
                for i in 0..<count {
                    let k = choice[i]
                    if k >= 0 && (valid[k]?.isValid(i) ?? true) {
                        out[i] = readers[k][i]
                        words[i >> 6] |= 1 << UInt64(i & 63)
                    } else {
                        anyNull = true
                    }
                }
                return anyNull ? Bitmap(words: words, count: count) : nil
            }
        }
    }
}
