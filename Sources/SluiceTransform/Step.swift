import SluiceCore

/// One step of a ``Transform``: a function from a table to a table.
///
/// ```swift
/// let steps: [Step] = [
///     .derive([("email", "lower(trim(email))")]),
///     .filter("total_spent >= 0"),
///     .bucket(BucketSpec(column: "total_spent", into: "customer_segment",
///                        edges: [0, 100, 1000, .infinity], labels: ["Bronze", "Silver", "Gold"])),
/// ]
/// ```
public enum Step: Sendable {
    /// Keep only these columns, in this order.
    case select([String])
    /// Remove these columns.
    case drop([String])
    /// Rename columns (old name → new name), keeping their positions.
    case rename([(String, String)])
    /// Add or replace columns computed from expressions, in order (later ones see earlier ones).
    case derive([(String, String)])
    /// Keep rows where the expression is true (null counts as false).
    case filter(String)
    /// Convert columns to types (strings are parsed; failures are errors naming the row).
    case cast([(String, DataType)])
    /// Replace nulls in columns with a value.
    case fillNull([(String, Value)])
    /// Label numeric values by interval (pandas' `pd.cut`).
    case bucket(BucketSpec)
    /// Keep one row per key (all columns when `keys` is empty).
    case dedupe(keys: [String], keepLast: Bool)
    /// Order rows by keys (stable).
    case sort([SortKey])
    /// Keep the first `n` rows.
    case limit(Int)
    /// Hash join with another table.
    case join(JoinSpec)
    /// Group and aggregate.
    case aggregate(AggregateSpec)
    /// Append the rows of another table with the same column names (types widened).
    case union(StepTable)

    /// Append the rows of `table` (a ``union(_:)`` of a table in hand).
    public static func union(_ table: Table) -> Step { .union(.table(table)) }

    /// The step's name as written in YAML.
    public var name: String {
        switch self {
        case .select: "select"
        case .drop: "drop"
        case .rename: "rename"
        case .derive: "derive"
        case .filter: "filter"
        case .cast: "cast"
        case .fillNull: "fill_null"
        case .bucket: "bucket"
        case .dedupe: "dedupe"
        case .sort: "sort"
        case .limit: "limit"
        case .join: "join"
        case .aggregate: "aggregate"
        case .union: "union"
        }
    }

    /// Applies this step to `table`.
    ///
    /// - Throws: ``TransformError``.
    public func apply(to table: Table) throws -> Table {
        switch self {
        case .select(let names):
            return try Table(names.map { ($0, try table.requireColumn($0)) })
        case .drop(let names):
            for name in names { _ = try table.requireColumn(name) }
            return try Table(zip(table.schema.names, table.columns).filter { !names.contains($0.0) })
        case .rename(let pairs):
            var names = table.schema.names
            for (old, new) in pairs {
                _ = try table.requireColumn(old)
                names[table.schema.index(of: old)!] = new
            }
            do { return try Table(Array(zip(names, table.columns))) } catch let error as CoreError {
                throw TransformError(.invalidStep, message: "rename: \(error.message)")
            }
        case .derive(let pairs):
            var result = table
            for (name, text) in pairs {
                let column = try expressionStep { try BoundExpression(text, schema: result.schema).evaluate(on: result) }
                result = result.setting(name, column)
            }
            return result
        case .filter(let text):
            return try expressionStep { try table.filtering(text) }
        case .cast(let pairs):
            return try Step.derive(pairs.map { ($0.0, "cast(\(quoted($0.0)) as \($0.1))") }).apply(to: table)
        case .fillNull(let pairs):
            return try Step.derive(pairs.map { ($0.0, "coalesce(\(quoted($0.0)), \(literal($0.1)))") }).apply(to: table)
        case .bucket(let spec):
            return try spec.apply(to: table)
        case .dedupe(let keys, let keepLast):
            let columns = try (keys.isEmpty ? table.schema.names : keys).map { try table.requireColumn($0) }
            let encoder = KeyEncoder(columns, nullsMatch: true)
            var chosen = [Int](repeating: -1, count: encoder.cardinality)
            for i in 0..<table.rowCount where keepLast || chosen[encoder.codes[i]] < 0 { chosen[encoder.codes[i]] = i }
            let rows = chosen.sorted()
            return rows.count == table.rowCount ? table : table.gathering(rows)
        case .sort(let keys):
            return try table.sorted(by: keys)
        case .limit(let n):
            return table.prefix(n)
        case .join(let spec):
            return try spec.apply(to: table)
        case .aggregate(let spec):
            return try spec.apply(to: table)
        case .union(let source):
            let other = try source.resolved(for: "union")
            let names = table.schema.names
            guard Set(names) == Set(other.schema.names) else {
                throw TransformError(.invalidStep, message: "union needs the same column names, found (\(names.joined(separator: ", "))) and (\(other.schema.names.joined(separator: ", ")))")
            }
            var left: [(String, Column)] = [], right: [(String, Column)] = []
            for (name, column) in zip(names, table.columns) {
                let otherColumn = other.column(named: name)!
                let type = column.type.widened(with: otherColumn.type)
                let cast = { (t: Table, c: Column) throws -> Column in
                    c.type == type ? c : try expressionStep { try BoundExpression("cast(\(quoted(name)) as \(type))", schema: t.schema).evaluate(on: t) }
                }
                left.append((name, try cast(table, column)))
                right.append((name, try cast(other, otherColumn)))
            }
            return try Table.concatenating([try Table(left), try Table(right)])
        }
    }
}

extension Step {
    /// Applies this step to a table whose columns may still be gathers (see
    /// ``LazyTable``). `join` leaves its output unmaterialized; `select`, `drop`,
    /// `rename`, `limit` and `aggregate` read only the columns they need; every other
    /// step works on built columns.
    func apply(to table: LazyTable) throws -> LazyTable {
        switch self {
        case .select(let names):
            let columns = try names.map { try table.requireColumn($0) }
            return try LazyTable(names: names, columns: columns, rowCount: table.rowCount)
        case .drop(let names):
            for name in names { _ = try table.requireColumn(name) }
            let kept = zip(table.names, table.columns).filter { !names.contains($0.0) }
            return try LazyTable(names: kept.map(\.0), columns: kept.map(\.1), rowCount: kept.isEmpty ? 0 : table.rowCount)
        case .rename(let pairs):
            var names = table.names
            for (old, new) in pairs {
                _ = try table.requireColumn(old)
                names[table.names.firstIndex(of: old)!] = new
            }
            do { return try LazyTable(names: names, columns: table.columns, rowCount: table.rowCount) } catch let error as CoreError {
                throw TransformError(.invalidStep, message: "rename: \(error.message)")
            }
        case .limit(let n):
            // Cut the row indices (one cut per shared vector), not the gathered columns.
            let k = Swift.min(Swift.max(n, 0), table.rowCount)
            var cut: [ObjectIdentifier: RowIndices] = [:]
            let columns = table.columns.map { column -> LazyColumn in
                guard let rows = column.rows else { return LazyColumn(column.source.slice(0..<k)) }
                if let done = cut[ObjectIdentifier(rows)] { return LazyColumn(source: column.source, rows: done) }
                let done = RowIndices(Array(rows.rows.prefix(k)))
                cut[ObjectIdentifier(rows)] = done
                return LazyColumn(source: column.source, rows: done)
            }
            return try LazyTable(names: table.names, columns: columns, rowCount: k)
        case .join(let spec):
            return try spec.apply(to: table)
        case .aggregate(let spec):
            return LazyTable(try spec.apply(to: table))
        default:
            return LazyTable(try apply(to: table.materialized()))
        }
    }
}

/// `name` as a quoted identifier.
func quoted(_ name: String) -> String { "\"" + name.replacing("\"", with: "\"\"") + "\"" }

/// `value` as an expression literal.
func literal(_ value: Value) -> String {
    switch value {
    case .null: return "null"
    case .string(let s): return "'" + s.replacing("'", with: "''") + "'"
    case .date, .timestamp: return "'\(value.description)'"
    default: return value.description
    }
}
