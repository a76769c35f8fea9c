import SluiceCore
import SluiceFormats
import SluiceSQL

extension DatasetSpec {
    /// The dataset's columns, read without its rows: a file's header and the types
    /// inferred from its first rows (or its declared `schema`); a SQL table's or query's
    /// result columns (the statement is prepared, never run for rows).
    ///
    /// - Returns: the schema, and whether every type is known (a SQLite expression
    ///   column's type is decided by its values: it is given as `string` and `false`).
    /// - Throws: ``FormatError`` (a missing or unreadable file), ``SQLError`` (a missing
    ///   database, table or column).
    public func schemaWithoutRows() throws -> (schema: Schema, typesKnown: Bool) {
        if let connection {
            let database = try SQLConnection(url: try ConnectionURL(connection), readOnly: true)
            let sql = try SQLTemplate(query ?? "SELECT * FROM \(database.dialect.quote(table ?? ""))")
            let columns = try database.resultColumns(of: sql)
            return (Schema(columns.map { Field($0.name, $0.type ?? .string) }), columns.allSatisfy { $0.type != nil })
        }
        var options = ReadOptions()
        if let schema { options.schemaOverride = try Schema(parsing: schema) }
        let reader = try TableFile.openReader(path: path, format: try format.map { try FileFormat(name: $0) }, options: options)
        return (reader.schema, true)
    }
}

extension SuiteSpec {
    /// This suite with every file path (its dataset's and its references') passed through
    /// `render`: a pipeline renders its run's `{{ }}` values into them.
    public func renderingPaths(_ render: (String) throws -> String) rethrows -> SuiteSpec {
        var suite = self
        if var dataset = suite.dataset, dataset.connection == nil {
            dataset.path = try render(dataset.path)
            suite.dataset = dataset
        }
        for (name, var reference) in suite.references where reference.connection == nil {
            reference.path = try render(reference.path)
            suite.references[name] = reference
        }
        return suite
    }

    /// The file paths the suite names (dataset and references), as written.
    public var filePaths: [String] {
        ((dataset.map { [$0] } ?? []) + references.keys.sorted().map { references[$0]! }).filter { $0.connection == nil }.map(\.path)
    }
}
