/// An ordered set of named, typed columns of equal length, with value semantics.
///
/// Tables are immutable; operations return new tables that share column buffers,
/// so slicing and selecting columns copy no values.
///
/// ```swift
/// let users = try Table([
///     ("id", Column(int64: [1, 2, 3])),
///     ("email", Column(string: ["a@x.io", nil, "c@x.io"])),
/// ])
/// users.rowCount                      // 3
/// try users.column("email").nullCount // 1
/// print(users.formatted())            // aligned, with nulls shown as ∅
/// ```
public struct Table: Sendable, Equatable {
    /// Names and types of the columns, in order.
    public let schema: Schema
    /// The columns, in schema order.
    public let columns: [Column]
    /// Number of rows (every column has this many).
    public let rowCount: Int

    /// A table of the given named columns.
    ///
    /// - Throws: ``CoreError`` `.lengthMismatch` when columns differ in length,
    ///   `.duplicateColumn` when a name repeats.
    public init(_ namedColumns: [(String, Column)]) throws {
        var seen = Set<String>()
        for (name, _) in namedColumns where !seen.insert(name).inserted {
            throw CoreError(.duplicateColumn, message: "column \"\(name)\" appears twice")
        }
        let rows = namedColumns.first?.1.count ?? 0
        for (name, column) in namedColumns where column.count != rows {
            throw CoreError(.lengthMismatch,
                            message: "column \"\(name)\" has \(column.count) rows, column \"\(namedColumns[0].0)\" has \(rows)")
        }
        schema = Schema(namedColumns.map { Field($0.0, $0.1.type) })
        columns = namedColumns.map(\.1)
        rowCount = rows
    }

    /// A table from a schema and matching columns.
    ///
    /// - Throws: ``CoreError`` when counts, types or lengths disagree.
    public init(schema: Schema, columns: [Column]) throws {
        guard schema.count == columns.count else {
            throw CoreError(.schemaMismatch, message: "schema has \(schema.count) fields but \(columns.count) columns were given")
        }
        for (field, column) in zip(schema.fields, columns) where field.type != column.type {
            throw CoreError(.schemaMismatch, message: "column \"\(field.name)\" is \(column.type), the schema says \(field.type)")
        }
        try self.init(Array(zip(schema.names, columns)))
    }

    /// A table with no columns and no rows.
    public static let empty = try! Table([])

    /// An empty table (0 rows) with the given schema.
    public init(emptyWith schema: Schema) {
        try! self.init(schema.fields.map { ($0.name, ColumnBuilder(type: $0.type).finish()) })
    }

    /// Number of columns.
    public var columnCount: Int { columns.count }

    /// The column called `name`.
    ///
    /// - Throws: ``CoreError`` `.unknownColumn`, listing the columns and suggesting the nearest name.
    public func column(_ name: String) throws -> Column {
        guard let index = schema.index(of: name) else { throw unknownColumn(name) }
        return columns[index]
    }

    /// The column called `name`, or `nil`.
    public func column(named name: String) -> Column? {
        schema.index(of: name).map { columns[$0] }
    }

    /// The error for a column name this table lacks.
    public func unknownColumn(_ name: String) -> CoreError {
        CoreError(.unknownColumn,
                  message: "no column \"\(name)\" in table (columns: \(schema.names.joined(separator: ", ")))",
                  hint: suggestion(for: name, among: schema.names).map { "did you mean `\($0)`?" })
    }

    /// Rows `range`, sharing this table's buffers.
    public func slice(_ range: Range<Int>) -> Table {
        precondition(range.lowerBound >= 0 && range.upperBound <= rowCount, "slice \(range) out of 0..<\(rowCount)")
        return try! Table(schema: schema, columns: columns.map { $0.slice(range) })
    }

    /// The first `n` rows (all rows when there are fewer).
    public func prefix(_ n: Int) -> Table { slice(0..<Swift.min(Swift.max(n, 0), rowCount)) }

    /// The named columns, in the given order.
    ///
    /// - Throws: ``CoreError`` `.unknownColumn`.
    public func selecting(_ names: [String]) throws -> Table {
        try Table(names.map { ($0, try column($0)) })
    }

    /// The row at `index` as values, in column order (for tests and printing).
    public func row(_ index: Int) -> [Value] { columns.map { $0.unsafeValue(at: index) } }

    /// The rows of tables with equal schemas, one after another, in fresh buffers.
    ///
    /// - Throws: ``CoreError`` `.schemaMismatch` naming the first differing table.
    public static func concatenating(_ tables: [Table]) throws -> Table {
        guard let first = tables.first else { return .empty }
        if tables.count == 1 { return first }
        for (i, table) in tables.enumerated() where table.schema != first.schema {
            throw CoreError(.schemaMismatch, message: "table \(i) has schema (\(table.schema)), table 0 has (\(first.schema))")
        }
        let total = tables.reduce(0) { $0 + $1.rowCount }
        var builders = first.schema.fields.map { ColumnBuilder(type: $0.type, capacity: total) }
        for table in tables {
            for (c, column) in table.columns.enumerated() { builders[c].append(contentsOf: column) }
        }
        return try Table(schema: first.schema, columns: builders.map { $0.finish() })
    }

    /// Logical equality: same schema and the same values row by row.
    public static func == (lhs: Table, rhs: Table) -> Bool {
        lhs.schema == rhs.schema && lhs.rowCount == rhs.rowCount && lhs.columns == rhs.columns
    }
}
