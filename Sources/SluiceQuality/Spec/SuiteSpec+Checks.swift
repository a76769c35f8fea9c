import SluiceCore
import SluiceFormats

extension SuiteSpec {
    /// The names of the reference datasets that checks use.
    var usedReferences: [String] {
        var used = Set<String>()
        for check in checks {
            if case .text(let reference)? = check.options["reference"] {
                used.insert(reference.split(separator: ".").dropLast().joined(separator: "."))
            }
        }
        return used.sorted()
    }

    /// The dataset columns the checks read, in order of first use; `nil` when a check
    /// needs every column (`schema`) or none names a column.
    public var columnsChecked: [String]? {
        var names: [String] = []
        func add(_ name: String) { if !names.contains(name) { names.append(name) } }
        for check in checks {
            switch check.kind {
            case "schema": return nil
            case "expression":
                if case .expression(let text, _)? = check.options["condition"], let parsed = try? Expression(parsing: text) {
                    var columns: [String] = []
                    collectColumns(parsed.root, into: &columns)
                    columns.forEach(add)
                }
            default:
                if case .text(let column)? = check.options["column"] { add(column) }
                if case .texts(let columns)? = check.options["columns"] { columns.forEach(add) }
            }
        }
        return names.isEmpty ? nil : names
    }

    /// The columns each used reference dataset is read for (`users.id` → `id`).
    var referenceColumns: [String: [String]] {
        var columns: [String: [String]] = [:]
        for check in checks {
            if case .text(let reference)? = check.options["reference"] {
                let parts = reference.split(separator: ".")
                guard parts.count >= 2 else { continue }
                let name = parts.dropLast().joined(separator: "."), column = String(parts.last!)
                if !(columns[name] ?? []).contains(column) { columns[name, default: []].append(column) }
            }
        }
        return columns
    }

    /// Reads every reference dataset the checks use.
    ///
    /// - Throws: ``FormatError`` from reading.
    public func readReferences() throws -> [String: Table] {
        try read(nil).references
    }

    /// Reads `dataset` and every reference dataset the checks use, at the same time.
    /// References are read only for the columns the checks refer to; with
    /// `onlyColumnsChecked`, so is the dataset (``columnsChecked``) — leave it off when
    /// whole rows are needed (quarantine). A column the files lack is left to the
    /// checks to report (with their location in the suite): the file is then read whole.
    ///
    /// - Returns: the dataset's table and read report, and the reference tables by name.
    /// - Throws: ``FormatError`` from reading (the first failing file's).
    public func read(_ dataset: DatasetSpec?, onlyColumnsChecked: Bool = false) throws -> (table: Table?, report: ReadReport?, references: [String: Table]) {
        let names = usedReferences
        let specs = (dataset.map { [$0] } ?? []) + names.map { references[$0]! }
        let referenceColumns = self.referenceColumns
        let columns: [[String]?] = (dataset.map { _ in [onlyColumnsChecked ? columnsChecked : nil] } ?? []) + names.map { referenceColumns[$0] }
        // Files are read at once, and a large one is still split in two: the dataset is
        // usually far larger than its references, which finish early and would leave a
        // core idle while the dataset is parsed on one thread.
        let results = concurrentMap(specs.count) { i in
            Result {
                do {
                    return try specs[i].read(splitLargeFiles: true, columns: columns[i])
                } catch let error as FormatError where error.code == .unknownColumn && columns[i] != nil {
                    return try specs[i].read(splitLargeFiles: true)
                }
            }
        }
        var tables: [String: Table] = [:]
        var main: (Table, ReadReport)?
        for (i, result) in results.enumerated() {
            let value = try result.get()
            if dataset != nil && i == 0 { main = value } else { tables[names[i - (dataset == nil ? 0 : 1)]] = value.0 }
        }
        return (main?.0, main?.1, tables)
    }

    /// The suite of checks, with `referential` checks bound to `references` (as
    /// returned by ``readReferences()``).
    ///
    /// - Throws: ``QualityError`` located at the check that cannot be built.
    public func makeSuite(references tables: [String: Table]) throws -> Suite {
        Suite(checks: try checks.map { try $0.makeCheck(references: tables, file: file) }, sampleLimit: sampleRows)
    }
}

extension CheckSpec {
    /// The check this spec describes.
    ///
    /// - Throws: ``QualityError`` located at the check.
    public func makeCheck(references: [String: Table], file: String) throws -> any Check {
        do {
            return try build(references)
        } catch var error as QualityError where error.file == nil {
            error.file = file
            error.line = line
            error.column = column
            throw error
        }
    }

    /// The metric of a change or anomaly check: `metric:` (with `column:`), or `check:` for
    /// another check's measured value; row count when neither is given.
    private func historyMetric() throws -> ChangeMetric {
        var column: String?
        if case .text(let c)? = options["column"] { column = c }
        switch (options["metric"], options["check"]) {
        case (.text?, .text?):
            throw QualityError(.invalidSuite, message: "\(kind) check has both `metric` and `check`",
                               hint: "`metric: sum, column: total` compares a measure of the data; `check: NAME` compares what another check measured: give one")
        case (_, .text(let name)?):
            guard column == nil else {
                throw QualityError(.invalidSuite, message: "\(kind) check with `check` takes no `column`", hint: "the referenced check decides what is measured")
            }
            return .checkValue(check: name)
        case (.text(let name)?, _): return try ChangeMetric.named(name, column: column)
        default: return .rowCount
        }
    }

    private func text(_ key: String) throws -> String {
        guard case .text(let value)? = options[key] else {
            throw QualityError(.invalidSuite, message: "\(kind) check needs `\(key)`",
                               hint: "write e.g. `- \(kind): { \(key): ... }`")
        }
        return value
    }

    private func build(_ references: [String: Table]) throws -> any Check {
        switch kind {
        case "not_null":
            return try NotNullCheck(column: try text("column"), threshold: threshold ?? 0.01, severity: severity, name: name)
        case "unique":
            var columns: [String]
            if case .texts(let list)? = options["columns"] { columns = list } else { columns = [try text("column")] }
            if case .text(let one)? = options["column"], options["columns"] != nil { columns.insert(one, at: 0) }
            return try UniqueCheck(columns: columns, threshold: threshold ?? 0.99, severity: severity ?? .error, name: name)
        case "range":
            var min: Value?, max: Value?
            if case .value(let v)? = options["min"] { min = v }
            if case .value(let v)? = options["max"] { max = v }
            return try RangeCheck(column: try text("column"), min: min, max: max, threshold: threshold ?? 0.01,
                                  severity: severity ?? .error, name: name)
        case "accepted_values":
            guard case .values(let values)? = options["values"] else {
                throw QualityError(.invalidSuite, message: "accepted_values check needs `values`", hint: "write e.g. `values: [paid, open]`")
            }
            return try AcceptedValuesCheck(column: try text("column"), values: values, threshold: threshold ?? 0,
                                           severity: severity ?? .error, name: name)
        case "referential":
            let reference = try text("reference")
            let parts = reference.split(separator: ".")
            guard parts.count >= 2 else {
                throw QualityError(.invalidSuite, message: "reference \"\(reference)\" must be dataset.column, e.g. users.id")
            }
            let dataset = parts.dropLast().joined(separator: "."), columnName = String(parts.last!)
            guard let table = references[dataset] else {
                throw QualityError(.invalidSuite, message: "reference dataset \"\(dataset)\" was not read")
            }
            guard let column = table.column(named: columnName) else {
                throw QualityError(.unknownColumn, message: "reference dataset \"\(dataset)\" has no column \"\(columnName)\" (columns: \(table.schema.names.joined(separator: ", ")))",
                                   hint: suggestion(for: columnName, among: table.schema.names).map { "did you mean `\(dataset).\($0)`?" })
            }
            return try ReferentialCheck(column: try text("column"), reference: column, referenceName: reference,
                                        threshold: threshold ?? 0.01, severity: severity ?? .critical, name: name)
        case "row_count":
            var min: Int?, max: Int?
            if case .integer(let v)? = options["min"] { min = v }
            if case .integer(let v)? = options["max"] { max = v }
            return try RowCountCheck(min: min, max: max, severity: severity ?? .error, name: name)
        case "schema":
            guard case .fields(let fields)? = options["columns"] else {
                throw QualityError(.invalidSuite, message: "schema check needs `columns`", hint: "write e.g. `schema: { columns: { id: int64, email: string } }`")
            }
            var allowExtra = true
            if case .flag(let flag)? = options["allow_extra"] { allowExtra = flag }
            return SchemaCheck(expected: fields.map { (name: $0.0, type: $0.1) }, allowExtraColumns: allowExtra,
                               severity: severity ?? .error, name: name)
        case "pattern":
            return try PatternCheck(column: try text("column"), pattern: try text("regex"), threshold: threshold ?? 0,
                                    severity: severity ?? .error, name: name)
        case "freshness":
            guard case .number(let age)? = options["max_age"] else {
                throw QualityError(.invalidSuite, message: "freshness check needs `max_age`", hint: "write e.g. `max_age: 24h`")
            }
            return try FreshnessCheck(column: try text("column"), maxAge: age, severity: severity ?? .error, name: name)
        case "row_count_change", "change":
            guard case .number(let maxPercent)? = options["max_pct"] else {
                throw QualityError(.invalidSuite, message: "\(kind) check needs `max_pct`", hint: "write e.g. `\(kind): { max_pct: 20, over_last: 5 }`")
            }
            var overLast = 5
            if case .integer(let n)? = options["over_last"] { overLast = n }
            var metric = ChangeMetric.rowCount
            if kind == "change" {
                guard options["metric"] != nil || options["check"] != nil else {
                    throw QualityError(.invalidSuite, message: "change check needs `metric` (or `check`)", hint: "write e.g. `change: { metric: null_fraction, column: email, max_pct: 50 }`")
                }
                metric = try historyMetric()
            }
            return try ChangeCheck(metric: metric, maxPercent: maxPercent, overLast: overLast, severity: severity ?? .error, name: name)
        case "anomaly":
            let metric = try historyMetric()
            var method = AnomalyCheck.Method.zscore
            if case .text(let name)? = options["method"], let m = AnomalyCheck.Method(rawValue: name) { method = m }
            var k = 3.0, maxPercent = 50.0, overLast = 14, minHistory = 5
            if case .number(let n)? = options["k"] { k = n }
            if case .number(let n)? = options["max_pct"] { maxPercent = n }
            if case .integer(let n)? = options["over_last"] { overLast = n }
            if case .integer(let n)? = options["min_history"] { minHistory = n }
            return try AnomalyCheck(metric: metric, method: method, k: k, maxPercent: maxPercent, overLast: overLast,
                                    minHistory: minHistory, severity: severity ?? .error, name: name)
        case "expression":
            guard case .expression(let text, let source)? = options["condition"] else {
                throw QualityError(.invalidSuite, message: "expression check needs a condition",
                                   hint: "write e.g. `- expression: \"total >= 0\"` or `- expression: { condition: \"total >= 0\", nulls: pass }`")
            }
            var nullsPass = false
            if case .flag(let flag)? = options["nulls"] { nullsPass = flag }
            return try ExpressionCheck(text, threshold: threshold ?? 0, nullsPass: nullsPass, severity: severity ?? .error,
                                       name: name, source: source)
        default:
            throw QualityError(.unknownCheck, message: "unknown check \"\(kind)\"")
        }
    }
}
