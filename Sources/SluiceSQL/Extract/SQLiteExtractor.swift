import CSQLite
import SluiceCore

/// Runs a query on SQLite and returns the result as a typed ``Table``.
///
/// Column types come from the result's declared types (see ``SQLiteTypes``:
/// `INTEGER` → int64, `REAL`/`NUMERIC` → float64, `BOOLEAN` → bool, `DATE` → date,
/// `TIMESTAMP`/`DATETIME` → timestamp, text → string); for expressions
/// (`COUNT(*)`, `SUM(total)`), from the values: integers → int64, a real among them
/// → float64, text → string. Parameters are bound, never pasted into the SQL.
///
/// ```swift
/// let db = try SQLiteConnection(path: "source.db")
/// let users = try SQLiteExtractor.extract(
///     try QueryTemplate("SELECT id, email FROM users WHERE created_at >= {{ ds }}"),
///     parameters: ["ds": "2024-01-01"], from: db)
/// ```
public enum SQLiteExtractor {
    /// - Throws: ``SQLError`` for a missing parameter or the database's own errors.
    public static func extract(_ query: QueryTemplate, parameters: [String: String] = [:], from db: SQLiteConnection) throws -> Table {
        let statement = try db.prepare(query.sql)
        for (i, value) in try query.arguments(from: parameters).enumerated() {
            try statement.bind(text: value, at: Int32(i + 1))
        }
        let count = Int(statement.columnCount)
        var columns = (0..<count).map { index in
            ResultColumn(name: statement.columnName(at: Int32(index)),
                         declared: SQLiteTypes.dataType(forDeclared: statement.declaredType(at: Int32(index))))
        }
        var rows = 0
        while try statement.step() {
            for c in 0..<count { try columns[c].append(from: statement, at: Int32(c), row: rows, connection: db.name) }
            rows += 1
        }
        var names = Set<String>()
        return try Table(columns.map { column in
            var name = column.name
            var k = 2
            while !names.insert(name).inserted { name = "\(column.name)_\(k)"; k += 1 }
            return (name, column.finish(rows: rows))
        })
    }
}

/// One result column being collected: typed from its declaration, or from its
/// values when it has none (widening integers to float when a real appears, and
/// anything to text when text appears).
struct ResultColumn {
    let name: String
    let declared: DataType?
    private var builder: ColumnBuilder?
    private var nullsBefore = 0
    /// Values as text, kept only for undeclared columns so they can turn into strings.
    private var texts: [String?] = []

    init(name: String, declared: DataType?) {
        self.name = name
        self.declared = declared
        if let declared { builder = ColumnBuilder(type: declared) }
    }

    mutating func append(from statement: SQLiteStatement, at index: Int32, row: Int, connection: String) throws {
        let storage = statement.storageType(at: index)
        if storage == SQLITE_NULL {
            if builder == nil { nullsBefore += 1 } else { builder!.appendNull() }
            if declared == nil { texts.append(nil) }
            return
        }
        if declared == nil { texts.append(statement.text(at: index)) }
        if builder == nil {
            let type: DataType = storage == SQLITE_INTEGER ? .int64 : storage == SQLITE_FLOAT ? .float64 : .string
            builder = ColumnBuilder(type: type, capacity: nullsBefore + 1024)
            for _ in 0..<nullsBefore { builder!.appendNull() }
        }
        let type = builder!.type
        switch (type, storage) {
        case (.int64, SQLITE_INTEGER): builder!.append(int64: statement.int64(at: index))
        case (.float64, SQLITE_INTEGER), (.float64, SQLITE_FLOAT): builder!.append(float64: statement.double(at: index))
        case (.bool, SQLITE_INTEGER): builder!.append(bool: statement.int64(at: index) != 0)
        case (.string, _):
            if let bytes = statement.utf8(at: index) { builder!.append(utf8: bytes) } else { builder!.appendNull() }
        case (.date, SQLITE_TEXT), (.timestamp, SQLITE_TEXT):
            let text = statement.text(at: index) ?? ""
            guard let value = ScalarParser.value(text, as: type) else { throw misfit(row: row, statement, index, connection) }
            builder!.append(value)
        case (.int64, SQLITE_FLOAT) where declared == nil:
            widen(to: .float64, then: statement, index)
        default:
            guard declared == nil else { throw misfit(row: row, statement, index, connection) }
            widen(to: .string, then: statement, index)
        }
    }

    private func misfit(row: Int, _ statement: SQLiteStatement, _ index: Int32, _ connection: String) -> SQLError {
        let text = statement.text(at: index) ?? ""
        let shown = text.count > 60 ? String(text.prefix(60)) + "…" : text
        return SQLError(.typeConflict, connection: connection,
                        message: "result column \"\(name)\" is declared \(statement.declaredType(at: index)) but row \(row + 1) holds \"\(shown)\"",
                        hint: "CAST the column in the query, or fix the stored value")
    }

    /// Rebuilds the column as `type` from the values so far, then appends the current one.
    private mutating func widen(to type: DataType, then statement: SQLiteStatement, _ index: Int32) {
        let old = builder!.finish()
        var wider = ColumnBuilder(type: type, capacity: old.count + 1024)
        for row in 0..<old.count {
            if type == .string {
                if let text = texts[row] { wider.append(string: text) } else { wider.appendNull() }
            } else if case .int64(let v) = old.unsafeValue(at: row) {
                wider.append(float64: Double(v))
            } else {
                wider.appendNull()
            }
        }
        if type == .string {
            wider.append(string: statement.text(at: index) ?? "")
        } else {
            wider.append(float64: statement.double(at: index))
        }
        builder = wider
    }

    func finish(rows: Int) -> Column {
        if let builder { return builder.finish() }
        var empty = ColumnBuilder(type: declared ?? .string, capacity: rows)
        for _ in 0..<rows { empty.appendNull() }
        return empty.finish()
    }
}
