import SluiceCore

/// One key of a sort: a column, a direction and where nulls go.
public struct SortKey: Sendable, Equatable {
    public var column: String
    public var descending: Bool
    /// Nulls before values (default: after values ascending, before descending — PostgreSQL's rule).
    public var nullsFirst: Bool

    public init(_ column: String, descending: Bool = false, nullsFirst: Bool? = nil) {
        self.column = column
        self.descending = descending
        self.nullsFirst = nullsFirst ?? descending
    }
}

extension Table {
    /// Rows ordered by `keys`, stable (ties keep input order).
    func sorted(by keys: [SortKey]) throws -> Table {
        let comparators: [(Int, Int) -> Int] = try keys.map { key in
            let column = try requireColumn(key.column)
            let direction = key.descending ? -1 : 1
            let nullOrder = key.nullsFirst ? -1 : 1
            func nulls(_ a: Int, _ b: Int) -> Int? {
                let an = column.isNull(a), bn = column.isNull(b)
                if an || bn { return an == bn ? 0 : (an ? nullOrder : -nullOrder) }
                return nil
            }
            switch column.type {
            case .decimal:   // one column, one scale: unscaled order is value order
                let p = column.unsafeValuesAddress(as: Int128.self)
                return { a, b in nulls(a, b) ?? direction * (p[a] < p[b] ? -1 : p[a] > p[b] ? 1 : 0) }
            case .string, .binary:
                let view = column.unsafeStrings()
                return { a, b in nulls(a, b) ?? direction * compareBytes(view[a], view[b]) }
            case .float64:
                let p = column.unsafeValuesAddress(as: Double.self)
                return { a, b in nulls(a, b) ?? direction * (p[a] < p[b] ? -1 : p[a] > p[b] ? 1 : 0) }
            case .date:
                let p = column.unsafeValuesAddress(as: Int32.self)
                return { a, b in nulls(a, b) ?? direction * (p[a] < p[b] ? -1 : p[a] > p[b] ? 1 : 0) }
            case .bool:
                let p = column.unsafeValuesAddress(as: UInt8.self)
                return { a, b in nulls(a, b) ?? direction * (p[a] < p[b] ? -1 : p[a] > p[b] ? 1 : 0) }
            case .int64, .timestamp:
                let p = column.unsafeValuesAddress(as: Int64.self)
                return { a, b in nulls(a, b) ?? direction * (p[a] < p[b] ? -1 : p[a] > p[b] ? 1 : 0) }
            }
        }
        var rows: [Int]
        if let first = keys.first, let prefix = try integerSortPrefix(first) {
            // The first key as (null rank, order-preserving unsigned value): most comparisons
            // are two integer compares; only ties go through the other keys' comparators.
            var items = (0..<rowCount).map { SortItem(rank: prefix.ranks[$0], key: prefix.keys[$0], row: $0) }
            let rest = comparators.dropFirst()
            withExtendedLifetime(self) {
                items.sort { a, b in
                    if a.rank != b.rank { return a.rank < b.rank }
                    if a.key != b.key { return a.key < b.key }
                    for compare in rest {
                        let c = compare(a.row, b.row)
                        if c != 0 { return c < 0 }
                    }
                    return a.row < b.row
                }
            }
            rows = items.map(\.row)
        } else {
            rows = Array(0..<rowCount)
            withExtendedLifetime(self) {
                rows.sort { a, b in
                    for compare in comparators {
                        let c = compare(a, b)
                        if c != 0 { return c < 0 }
                    }
                    return a < b
                }
            }
        }
        return gathering(rows)
    }

    /// For an integer-like key (int64, timestamp, date, bool): per row, a rank placing
    /// nulls first (0) or last (2) around values (1), and the value mapped to an
    /// unsigned integer whose order is the key's order (direction included).
    private func integerSortPrefix(_ key: SortKey) throws -> (ranks: [UInt8], keys: [UInt64])? {
        let column = try requireColumn(key.column)
        let n = rowCount
        let nullRank: UInt8 = key.nullsFirst ? 0 : 2
        let ranks = (0..<n).map { column.isNull($0) ? nullRank : 1 }
        func map<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type) -> [UInt64] {
            column.withUnsafeValues(as: T.self) { values in
                (0..<n).map { i in
                    if ranks[i] != 1 { return 0 }
                    let flipped = UInt64(bitPattern: Int64(truncatingIfNeeded: values[i])) ^ (1 << 63)
                    return key.descending ? ~flipped : flipped
                }
            }
        }
        let keys: [UInt64]
        switch column.type {
        case .int64, .timestamp: keys = map(Int64.self)
        case .date: keys = map(Int32.self)
        case .bool: keys = map(UInt8.self)
        case .float64, .string, .binary, .decimal: return nil
        }
        return (ranks, keys)
    }
}

/// One row in a sort on an integer-like first key.
private struct SortItem {
    var rank: UInt8
    var key: UInt64
    var row: Int
}
