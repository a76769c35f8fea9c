import SluiceCore
import SluiceSpec
import SluiceFormats
import SluiceSQL
import Yams

/// A dataset a suite reads: a table file (a path relative to the suite file and
/// how to read it), or a SQL table or query on a connection.
///
/// ```yaml
/// dataset: data/orders.csv
/// dataset: { path: data/orders.tsv, format: tsv, schema: "id:int64" }
/// dataset: { connection: "sqlite:warehouse.db", table: orders }
/// dataset: { connection: "postgres://app:${PGPASSWORD}@localhost/app", query: "SELECT * FROM orders WHERE total > 0" }
/// ```
public struct DatasetSpec: Sendable, Equatable {
    /// The file's path; for SQL datasets, a description (``name``).
    public var path: String
    /// `csv`, `tsv` or `jsonl`; `nil`: from the extension.
    public var format: String?
    /// Column types instead of inference (`id:int64,email:string`).
    public var schema: String?
    /// A connection URL (`sqlite:path.db`, `postgres://…`; `${VAR}` expanded) to read
    /// from instead of a file, with ``table`` or ``query``.
    public var connection: String?
    /// The table to read whole from ``connection``.
    public var table: String?
    /// The query to read from ``connection``.
    public var query: String?
    /// How to read the file when the command line says (a CSV dialect): overrides ``format``.
    public var fileFormat: FileFormat?
    /// Rows that cannot be read: fail (the default), skip or pad.
    public var badRows: BadRowPolicy = .error
    /// Rows sampled to infer types (`nil`: the reader's default).
    public var inferenceRows: Int?
    /// Only the rows for which this condition is true are checked (an expression as in a
    /// transform `filter`). Parquet row groups whose statistics rule it out are not read.
    public var filter: String?

    public init(path: String, format: String? = nil, schema: String? = nil) {
        self.path = path
        self.format = format
        self.schema = schema
    }

    /// A dataset read from a SQL connection: a whole `table`, or a `query`.
    public init(connection: String, table: String? = nil, query: String? = nil) {
        precondition((table == nil) != (query == nil), "a SQL dataset has a table or a query")
        self.connection = connection
        self.table = table
        self.query = query
        path = ""
        path = name
    }

    /// How reports and the history name it: the path, or the connection (password
    /// masked) with the table or query.
    public var name: String {
        guard let connection else { return path }
        let shown = (try? ConnectionURL(connection, environment: [:]).description) ?? connection.split(separator: "@").last.map { "…@\($0)" } ?? connection
        return table.map { "\(shown) table \($0)" } ?? "\(shown) query \(query ?? "")"
    }

    /// Reads the whole dataset (`splitLargeFiles`: large CSV files are parsed on two
    /// threads; turn it off when other files are read at the same time). `columns`
    /// limits a file read to those columns (CSV skips the rest while parsing); SQL
    /// datasets are read as they are.
    ///
    /// - Throws: ``FormatError`` or ``CoreError`` from reading a file, ``SQLError`` from a connection.
    public func read(splitLargeFiles: Bool = true, columns: [String]? = nil) throws -> (Table, ReadReport) {
        if let connection {
            let database = try SQLConnection(url: try ConnectionURL(connection), readOnly: true)
            let sql = try SQLTemplate(query ?? "SELECT * FROM \(database.dialect.quote(table ?? ""))")
            let result = try database.extract(sql)
            var report = ReadReport()
            report.rows = result.rowCount
            return (try filtered(result), report)
        }
        var options = ReadOptions()
        options.columns = columns
        if let filter, let columns, let parsed = try? Expression(parsing: filter) {
            options.columns = columns + parsed.root.columnReferences().map(\.name).filter { !columns.contains($0) }
        }
        options.rowGroupFilter = filter.flatMap { RowGroupFilter(filter: $0) }
        if !splitLargeFiles { options.splitThreshold = Int.max }
        if let schema { options.schemaOverride = try Schema(parsing: schema) }
        options.badRows = badRows
        if let inferenceRows { options.inferenceRows = inferenceRows }
        let (table, report) = try TableFile.read(path: path, format: try fileFormat ?? format.map { try FileFormat(name: $0) }, options: options)
        return (try filtered(table), report)
    }

    /// `table` reduced to the rows ``filter`` keeps.
    private func filtered(_ table: Table) throws -> Table {
        guard let filter else { return table }
        do {
            return try table.filtering(filter)
        } catch let error as ExpressionError {
            throw QualityError(.invalidSuite, message: "dataset filter: \(error.message)", hint: "write a true/false condition over the dataset's columns, e.g. `ds = '2024-06-01'`")
        }
    }
}

/// One check as written in a suite file, before it meets a table.
public struct CheckSpec: Sendable {
    /// `not_null`, `unique`, … (see ``SuiteSpec/checkKinds``).
    public var kind: String
    public var name: String?
    public var severity: Severity?
    /// The check's own threshold, in the check's measure.
    public var threshold: Double?
    /// Where the check starts in the file (for errors).
    public var line: Int
    public var column: Int
    var options: [String: OptionValue]
}

/// An option value of a check spec.
enum OptionValue: Sendable {
    case text(String)
    case texts([String])
    case number(Double)
    case integer(Int)
    case flag(Bool)
    case values([Value])
    case value(Value)
    case fields([(String, DataType?)])
    case expression(String, ExpressionSource)
}

/// A parsed `checks.yaml`: the dataset, named reference datasets and the checks.
///
/// ```yaml
/// dataset: orders.csv
/// references:
///   users: users.csv
/// checks:
///   - not_null: user_id
///     threshold: 0
///   - unique: id
///     threshold: 1.0
///   - range: { column: total, min: 0, max: 1000000 }
///   - referential: { column: user_id, reference: users.id }
/// ```
public struct SuiteSpec: Sendable {
    /// The identity of the dataset the suite checks (`name: orders`): runs stored under one
    /// name compare with each other in change and anomaly checks, whatever file each read.
    public var name: String?
    /// The dataset the checks run on (a path relative to the suite file); may be
    /// given on the command line instead.
    public var dataset: DatasetSpec?
    /// Named datasets that `referential` checks refer to as `name.column`.
    public var references: [String: DatasetSpec]
    public var checks: [CheckSpec]
    /// Failing rows kept per check (default 5).
    public var sampleRows: Int
    /// The file it came from.
    public var file: String

    /// Check kinds a suite file may use.
    public static let checkKinds = checkSections.map { String($0.title.dropFirst("Check: ".count)) }
    static let commonKeys = commonCheckSection.names
    static let optionKeys: [String: [String]] = Dictionary(uniqueKeysWithValues: zip(checkKinds, checkSections.map(\.names)))

    /// Reads and parses a suite file.
    ///
    /// - Throws: ``QualityError`` located `file:line:column`, with "did you mean" for unknown keys.
    public static func load(path: String) throws -> SuiteSpec {
        let bytes: [UInt8]
        do {
            bytes = try FileByteSource.readAll(path: path)
        } catch let error as FormatError {
            throw QualityError(.invalidSuite, file: path, message: error.message, hint: error.hint)
        }
        return try parse(String(decoding: bytes, as: UTF8.self), file: path)
    }

    /// Parses suite text; relative dataset paths are resolved against `file`'s directory.
    ///
    /// - Throws: ``QualityError`` located `file:line:column`.
    public static func parse(_ text: String, file: String) throws -> SuiteSpec {
        let root = try SpecDocument.composeRoot(text, file: file, ifEmpty: "the suite file is empty",
                                                hint: "start with `checks:` and a list of checks") { QualityError($0) }
        return try parse(node: root, file: file, text: text)
    }

    /// Parses a suite from an already composed YAML mapping, so a file that embeds a
    /// suite — a pipeline's `check` task — reports its own lines. Relative dataset paths
    /// are resolved against `file`'s directory.
    ///
    /// - Parameter text: the whole file's text, so errors inside expressions point at their column.
    /// - Throws: ``QualityError`` located `file:line:column`.
    public static func parse(node root: Node, file: String, text: String? = nil) throws -> SuiteSpec {
        let reader = YAMLReader(file: file, lines: text?.split(separator: "\n", omittingEmptySubsequences: false) ?? [])
        let directory = file.contains("/") ? String(file[...file.lastIndex(of: "/")!]) : ""
        func resolve(_ path: String) -> String { path.hasPrefix("/") || path == "-" ? path : directory + path }

        var spec = SuiteSpec(name: nil, dataset: nil, references: [:], checks: [], sampleRows: 5, file: file)
        var sawChecks = false
        // Each top-level key and each check is read on its own, so that one mistake does not
        // hide the next: every problem is reported together (the first one is the error's own).
        var problems: [QualityError] = []
        func collecting(_ body: () throws -> Void) throws {
            do { try body() } catch let error as QualityError { problems.append(error) }
        }
        for (key, _, value) in try reader.mapping(root, "the suite", allowed: suiteSection.names) {
            try collecting {
            switch key {
            case "name": spec.name = try reader.string(value, "name")
            case "dataset": spec.dataset = try dataset(value, "dataset", reader, resolve)
            case "references":
                for (name, _, ref) in try reader.mapping(value, "references", allowed: try referenceNames(value, reader)) {
                    spec.references[name] = try dataset(ref, "reference \"\(name)\"", reader, resolve)
                }
            case "sample_rows":
                spec.sampleRows = try reader.integer(value, "sample_rows", in: 0...1_000_000)
            case "checks":
                sawChecks = true
                guard case .sequence(let items) = value else {
                    throw reader.error(.wrongType, at: value, "checks must be a list (each item starting with `- `), found \(reader.describe(value))")
                }
                for item in items { try collecting { spec.checks.append(try check(item, reader)) } }
            default: break
            }
            }
        }
        if var first = problems.first {
            if problems.count > 1 { first.diagnostics = problems.map(SpecDiagnostic.init).sorted(by: SpecDiagnostic.byLocation) }
            throw first
        }
        guard sawChecks else {
            throw QualityError(.invalidSuite, file: file, line: 1, column: 1, message: "the suite has no `checks:` list")
        }
        for check in spec.checks {
            if case .text(let reference)? = check.options["reference"] {
                let name = reference.split(separator: ".").dropLast().joined(separator: ".")
                guard spec.references[name] != nil else {
                    let names = Array(spec.references.keys).sorted()
                    throw QualityError(.invalidSuite, file: file, line: check.line, column: check.column,
                                       message: "referential check refers to \"\(reference)\" but no reference dataset is named \"\(name)\"",
                                       hint: suggestion(for: name, among: names).map { "did you mean `\($0)`?" }
                                           ?? "declare it under `references:`, e.g. `references: { \(name.isEmpty ? "users" : name): \(name.isEmpty ? "users" : name).csv }`")
                }
            }
        }
        return spec
    }

    private static func referenceNames(_ node: Node, _ reader: YAMLReader) throws -> [String] {
        guard case .mapping(let mapping) = node else {
            throw reader.error(.wrongType, at: node, "references must be a mapping of name: path, found \(reader.describe(node))")
        }
        return mapping.keys.compactMap(\.string)
    }

    private static func dataset(_ node: Node, _ what: String, _ reader: YAMLReader, _ resolve: (String) -> String) throws -> DatasetSpec {
        if case .scalar = node { return DatasetSpec(path: resolve(try reader.string(node, what))) }
        var spec = DatasetSpec(path: "")
        var sawPath = false
        var sql: (connection: String?, table: String?, query: String?, node: Node?) = (nil, nil, nil, nil)
        for (key, keyNode, value) in try reader.mapping(node, what, allowed: datasetSection.names) {
            switch key {
            case "path": spec.path = resolve(try reader.string(value, "path")); sawPath = true
            case "format":
                let name = try reader.string(value, "format")
                do { _ = try FileFormat(name: name) } catch let error as FormatError {
                    throw reader.error(.invalidOption, at: value, error.message, hint: error.hint)
                }
                spec.format = name
            case "schema":
                let text = try reader.string(value, "schema")
                do { _ = try Schema(parsing: text) } catch let error as CoreError {
                    throw reader.error(.invalidOption, at: value, error.message, hint: error.hint)
                }
                spec.schema = text
            case "connection":
                var text = try reader.string(value, "connection")
                // A relative SQLite path is relative to the suite file, like dataset paths.
                if text.hasPrefix("sqlite:") && text != "sqlite::memory:" {
                    text = "sqlite:" + resolve(String(text.dropFirst("sqlite:".count)))
                }
                if !text.contains("${") {   // variables are expanded (and reported if unset) when the dataset is read
                    do { _ = try ConnectionURL(text, environment: [:]) } catch let error as SQLError {
                        throw reader.error(.invalidOption, at: value, error.message, hint: error.hint)
                    }
                }
                sql.connection = text
                sql.node = keyNode
            case "filter":
                let text = try reader.string(value, "filter")
                do { _ = try Expression(parsing: text) } catch let error as ExpressionError {
                    throw reader.error(.invalidOption, at: value, "filter: \(error.message)", hint: error.hint)
                }
                spec.filter = text
            case "table": sql.table = try reader.string(value, "table")
            case "query":
                let text = try reader.string(value, "query")
                do { _ = try SQLTemplate(text) } catch let error as SQLError {
                    throw reader.error(.invalidOption, at: value, error.message, hint: error.hint)
                }
                sql.query = text
            default: break
            }
        }
        if let connection = sql.connection {
            guard !sawPath, spec.format == nil, spec.schema == nil else {
                throw reader.error(.invalidSuite, at: node, "\(what) reads from a connection or from a path, not both",
                                   hint: "path, format and schema are for files; connection with table or query for databases")
            }
            guard (sql.table == nil) != (sql.query == nil) else {
                throw reader.error(.invalidSuite, at: node, "\(what) needs either `table` or `query` with its connection",
                                   hint: "e.g. `{ connection: \"sqlite:warehouse.db\", table: users }`")
            }
            return DatasetSpec(connection: connection, table: sql.table, query: sql.query)
        }
        if sql.table != nil || sql.query != nil {
            throw reader.error(.invalidSuite, at: node, "\(what) has a table or query but no connection",
                               hint: "add e.g. `connection: \"sqlite:warehouse.db\"`")
        }
        guard sawPath else { throw reader.error(.invalidSuite, at: node, "\(what) needs a path (or a connection with a table or query)") }
        return spec
    }

    private static func check(_ node: Node, _ reader: YAMLReader) throws -> CheckSpec {
        guard case .mapping(let mapping) = node else {
            throw reader.error(.wrongType, at: node, "a check must be a mapping such as `- not_null: email`, found \(reader.describe(node))")
        }
        let keys = mapping.keys.compactMap(\.string)
        let kinds = keys.filter { checkKinds.contains($0) }
        guard kinds.count == 1, let kind = kinds.first else {
            if kinds.count > 1 {
                throw reader.error(.invalidSuite, at: node, "one check per list item: found \(kinds.joined(separator: " and "))",
                                   hint: "start a new item with `- ` for each check")
            }
            let unknown = keys.first { !commonKeys.contains($0) }
            let keyNode = mapping.keys.first { $0.string == unknown }
            throw reader.error(.unknownCheck, at: keyNode ?? node, "unknown check \"\(unknown ?? "")\"",
                               hint: (unknown.flatMap { suggestion(for: $0, among: checkKinds) }.map { "did you mean `\($0)`? " } ?? "")
                                   + "checks: \(checkKinds.joined(separator: ", "))")
        }
        var spec = CheckSpec(kind: kind, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0, options: [:])
        let allowedOptions = optionKeys[kind]!
        /// An expression, parsed now so that syntax errors point into the file.
        func condition(_ value: Node) throws -> OptionValue {
            let text = try reader.string(value, "the condition")
            let source = reader.source(of: value, text: text)
            do { _ = try Expression(parsing: text) } catch let error as ExpressionError {
                throw QualityError(expressionError: error, at: source)
            }
            return .expression(text, source)
        }
        func common(_ key: String, _ value: Node) throws {
            switch key {
            case "name": spec.name = try reader.string(value, "name")
            case "severity":
                let text = try reader.string(value, "severity")
                guard let severity = Severity(rawValue: text.lowercased()) else {
                    let names = Severity.allCases.map(\.rawValue)
                    throw reader.error(.invalidOption, at: value, "unknown severity \"\(text)\"",
                                       hint: (suggestion(for: text, among: names).map { "did you mean `\($0)`? " } ?? "") + "severities: \(names.joined(separator: ", "))")
                }
                spec.severity = severity
            case "threshold", "mostly":
                if spec.threshold != nil { throw reader.error(.invalidOption, at: value, "give threshold or mostly, not both") }
                let number = try reader.number(value, key)
                guard number >= 0 && number <= 1 else { throw reader.error(.invalidOption, at: value, "\(key) must be between 0 and 1, found \(formatDouble(number))") }
                // mostly = the fraction of rows that must pass; thresholds are in the check's own measure.
                // Rounded so that `mostly: 0.99` means exactly 0.01, not 0.010000000000000009.
                spec.threshold = key == "mostly" && kind != "unique" ? ((1 - number) * 1e12).rounded() / 1e12 : number
            default: break
            }
        }
        func option(_ key: String, _ value: Node) throws {
            switch key {
            case "column", "regex", "reference": spec.options[key] = .text(try reader.string(value, key))
            case "columns" where kind == "schema":
                var fields: [(String, DataType?)] = []
                if case .sequence(let items) = value {
                    for item in items { fields.append((try reader.string(item, "a column name"), nil)) }
                } else {
                    for (name, _, typeNode) in try reader.mapping(value, "schema columns", allowed: try referenceNames(value, reader)) {
                        if case .scalar(let s) = typeNode, s.tagName == .null { fields.append((name, nil)); continue }
                        let typeName = try reader.string(typeNode, "the type of \(name)")
                        do { fields.append((name, try DataType(parsing: typeName))) } catch let error as CoreError {
                            throw reader.error(.invalidOption, at: typeNode, error.message, hint: error.hint)
                        }
                    }
                }
                spec.options[key] = .fields(fields)
            case "columns": spec.options[key] = .texts(try reader.strings(value, key))
            case "min", "max":
                if kind == "row_count" { spec.options[key] = .integer(try reader.integer(value, key, in: 0...Int.max)) }
                else { spec.options[key] = .value(try reader.value(value, key)) }
            case "values":
                guard case .sequence(let items) = value, !items.isEmpty else {
                    throw reader.error(.wrongType, at: value, "values must be a non-empty list, found \(reader.describe(value))")
                }
                spec.options[key] = .values(try items.map { try reader.value($0, "an accepted value") })
            case "allow_extra": spec.options[key] = .flag(try reader.bool(value, key))
            case "condition": spec.options[key] = try condition(value)
            case "max_pct":
                let number = try reader.number(value, key)
                guard number >= 0 else { throw reader.error(.invalidOption, at: value, "max_pct must be 0 or more, found \(formatDouble(number))") }
                spec.options[key] = .number(number)
            case "over_last":
                spec.options[key] = .integer(try reader.integer(value, key, in: 1...Int.max))
            case "metric":
                let name = try reader.string(value, key)
                let metrics = ChangeMetric.names
                guard metrics.contains(name) else {
                    throw reader.error(.invalidOption, at: value, "unknown metric \"\(name)\"",
                                       hint: (suggestion(for: name, among: metrics).map { "did you mean `\($0)`? " } ?? "") + "metrics: \(metrics.joined(separator: ", "))")
                }
                spec.options[key] = .text(name)
            case "nulls":
                let text = try reader.string(value, key)
                guard text == "pass" || text == "fail" else {
                    throw reader.error(.invalidOption, at: value, "nulls must be pass or fail, found \"\(text)\"",
                                       hint: "fail (the default): a row whose condition is null fails; pass: only false fails, as in SQL CHECK")
                }
                spec.options[key] = .flag(text == "pass")
            case "max_age":
                spec.options[key] = .number(try reader.duration(value, key))
            case "method":
                let name = try reader.string(value, key)
                guard name == "zscore" || name == "pct_change" else {
                    throw reader.error(.invalidOption, at: value, "unknown anomaly method \"\(name)\"", hint: "methods: zscore, pct_change")
                }
                spec.options[key] = .text(name)
            case "check": spec.options[key] = .text(try reader.string(value, key))
            case "k": spec.options[key] = .number(try reader.number(value, key))
            case "min_history": spec.options[key] = .integer(try reader.integer(value, key, in: 1...100_000))
            default: break
            }
        }
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            if key == kind {
                switch value {
                case .scalar where kind == "expression":
                    spec.options["condition"] = try condition(value)
                case .scalar:
                    if kind == "row_count_change" || kind == "change" {
                        throw reader.error(.wrongType, at: value, "\(kind) takes a mapping, e.g. `\(kind == "change" ? "change: { metric: null_fraction, column: email, max_pct: 50 }" : "row_count_change: { max_pct: 20, over_last: 5 }")`")
                    }
                    if kind == "row_count" || kind == "schema" {
                        throw reader.error(.wrongType, at: value, "\(kind) takes a mapping, e.g. `\(kind == "row_count" ? "row_count: { min: 1 }" : "schema: { columns: { id: int64 } }")`")
                    }
                    spec.options["column"] = .text(try reader.string(value, "the column"))
                case .sequence where kind == "unique":
                    spec.options["columns"] = .texts(try reader.strings(value, "columns"))
                default:
                    for (k, _, v) in try reader.mapping(value, "a \(kind) check", allowed: allowedOptions + commonKeys) {
                        if commonKeys.contains(k) { try common(k, v) } else { try option(k, v) }
                    }
                }
            } else if commonKeys.contains(key) {
                try common(key, value)
            } else {
                let allowed = [kind] + commonKeys + allowedOptions
                throw reader.error(.unknownKey, at: keyNode, "unknown key \"\(key)\" in a \(kind) check",
                                   hint: suggestion(for: key, among: allowed).map { "did you mean `\($0)`?" } ?? "keys: \(allowed.joined(separator: ", "))")
            }
        }
        return spec
    }
}
