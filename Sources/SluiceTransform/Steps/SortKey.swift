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
            case .string:
                let view = column.unsafeStrings()
                return { a, b in nulls(a, b) ?? direction * compareBytesOrder(view[a], view[b]) }
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
        var rows = Array(0..<rowCount)
        withExtendedLifetime(self) {
            rows.sort { a, b in
                for compare in comparators {
                    let c = compare(a, b)
                    if c != 0 { return c < 0 }
                }
                return a < b
            }
        }
        return gathering(rows)
    }
}

func compareBytesOrder(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
    let n = Swift.min(a.count, b.count)
    for i in 0..<n where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
    return a.count < b.count ? -1 : a.count > b.count ? 1 : 0
}
