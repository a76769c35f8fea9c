/// What lineage can read from one SQL statement without a database: the tables it reads
/// and writes and, for a plain `SELECT` (aliases, joins, `WHERE`, `GROUP BY`,
/// aggregates, `CASE`), the output columns and the input columns each comes from.
///
/// ```swift
/// let sql = SQLLineage(sql: "SELECT u.id, SUM(o.total) AS spent FROM users u JOIN orders o ON u.id = o.user_id GROUP BY u.id")
/// sql.columns?.map(\.name)   // ["id", "spent"]
/// ```
/// A statement it cannot follow (a CTE, a subquery in `FROM`, a `UNION`) still lists its
/// tables; ``columns`` is then nil and ``problem`` says why.
public struct SQLLineage: Sendable {
    /// A column of the result, with the table columns (`table`, `column`) it reads.
    public struct OutputColumn: Sendable, Equatable {
        public var name: String
        public var inputs: [(table: String, column: String, transformation: ColumnTransformation)]
        public static func == (a: OutputColumn, b: OutputColumn) -> Bool {
            a.name == b.name && a.inputs.count == b.inputs.count
                && zip(a.inputs, b.inputs).allSatisfy { $0.table == $1.table && $0.column == $1.column && $0.transformation == $1.transformation }
        }
    }

    /// Tables read, in order of appearance (as written, without aliases).
    public var inputTables: [String] = []
    /// Tables written (`INSERT INTO`, `CREATE TABLE`, `UPDATE`, `DELETE FROM`, `MERGE INTO`).
    public var outputTables: [String] = []
    /// The result's columns; nil when the statement is not a SELECT lineage can follow.
    public var columns: [OutputColumn]?
    /// Tables whose every column passes through (`SELECT *`, `t.*`).
    public var starTables: [String] = []
    /// Columns that decide which rows there are: join, filter, group and sort keys.
    public var rowInputs: [(table: String, column: String, transformation: ColumnTransformation)] = []
    /// The column list of `INSERT INTO t (a, b) SELECT …`, which renames the SELECT's columns by position.
    public var insertColumns: [String] = []
    /// Template values the statement uses (`{{ ds }}` → `ds`).
    public var templateValues: [String] = []
    /// Why ``columns`` is nil.
    public var problem: String?

    public init(sql: String) {
        let tokens = SQLToken.tokenize(sql)
        templateValues = tokens.compactMap { if case .template(let name) = $0.kind { name } else { nil } }
        scanTables(tokens)
        if tokens.first?.isKeyword("with") == true {
            problem = "a WITH clause"
        } else if let first = tokens.firstIndex(where: { $0.isKeyword("select") }) {
            readSelect(Array(tokens[first...]))
            if !insertColumns.isEmpty, var columns, columns.count == insertColumns.count {
                for k in columns.indices { columns[k].name = insertColumns[k] }
                self.columns = columns
            }
        } else if !tokens.isEmpty {
            problem = "not a SELECT"
        }
    }

    // MARK: - Tables

    mutating func scanTables(_ tokens: [SQLToken]) {
        var aliases = Set<String>()
        for (i, token) in tokens.enumerated() {
            guard case .word(let word) = token.kind else { continue }
            let lower = word.lowercased()
            func name(at j: Int) -> String? {
                guard j < tokens.count, case .word(let w) = tokens[j].kind, !SQLToken.keywords.contains(w.lowercased()) || tokens[j].quoted else { return nil }
                return w
            }
            func note(_ table: String, into list: inout [String]) {
                if !list.contains(table), !aliases.contains(table) { list.append(table) }
            }
            if lower == "with", let n = name(at: i + 1), i + 2 < tokens.count, tokens[i + 2].isKeyword("as") { aliases.insert(n) }
            if lower == "from" || lower == "join" {
                if i > 0, tokens[i - 1].isKeyword("delete") { if let t = name(at: i + 1) { note(t, into: &outputTables) }; continue }
                if let t = name(at: i + 1), i + 2 >= tokens.count || !tokens[i + 2].isSymbol("(") { note(t, into: &inputTables) }
            }
            if lower == "into", let t = name(at: i + 1) {
                note(t, into: &outputTables)
                if i + 2 < tokens.count, tokens[i + 2].isSymbol("("), insertColumns.isEmpty {
                    var j = i + 3
                    while j < tokens.count, !tokens[j].isSymbol(")") {
                        if case .word(let w) = tokens[j].kind { insertColumns.append(unquoted(w)) }
                        j += 1
                    }
                }
            }
            if lower == "update", let t = name(at: i + 1) { note(t, into: &outputTables) }
            if lower == "table", i > 0, tokens[i - 1].isKeyword("create") || tokens[i - 1].isKeyword("temp") || tokens[i - 1].isKeyword("temporary") {
                var j = i + 1
                if j + 2 < tokens.count, tokens[j].isKeyword("if"), tokens[j + 1].isKeyword("not"), tokens[j + 2].isKeyword("exists") { j += 3 }
                if let t = name(at: j) { note(t, into: &outputTables) }
            }
        }
    }

    // MARK: - SELECT

    mutating func readSelect(_ tokens: [SQLToken]) {
        // Split the top level into clauses.
        var clauses: [(String, [SQLToken])] = []
        var depth = 0
        var current = "select", body: [SQLToken] = []
        var i = 1
        let clauseWords = ["from", "where", "group", "having", "order", "limit", "offset", "union", "intersect", "except", "window"]
        while i < tokens.count {
            let token = tokens[i]
            if token.isSymbol("(") { depth += 1 }
            if token.isSymbol(")") { depth -= 1 }
            if depth == 0, case .word(let w) = token.kind, !token.quoted, clauseWords.contains(w.lowercased()) {
                clauses.append((current, body))
                current = w.lowercased()
                body = []
                if (current == "group" || current == "order"), i + 1 < tokens.count, tokens[i + 1].isKeyword("by") { i += 1 }
                i += 1
                continue
            }
            if depth == 0, token.isSymbol(";") { break }
            body.append(token)
            i += 1
        }
        clauses.append((current, body))
        if clauses.contains(where: { ["union", "intersect", "except"].contains($0.0) }) { problem = "a compound SELECT (UNION …)"; return }
        if tokens.contains(where: { $0.isKeyword("with") }) { problem = "a WITH clause"; return }
        guard let from = clauses.first(where: { $0.0 == "from" })?.1 else {
            columns = selectColumns(clauses[0].1, tables: [:], single: nil)
            return
        }
        guard let tables = fromTables(from) else { return }
        let single = Set(tables.values).count == 1 ? tables.values.first : nil
        for (name, body) in clauses {
            switch name {
            case "where": addRowInputs(body, tables: tables, single: single, .indirect(.filter, text(body)))
            case "group": addRowInputs(body, tables: tables, single: single, .indirect(.groupBy, "GROUP BY " + text(body)))
            case "having": addRowInputs(body, tables: tables, single: single, .indirect(.filter, "HAVING " + text(body)))
            case "order": addRowInputs(body, tables: tables, single: single, .indirect(.sort, "ORDER BY " + text(body)))
            default: break
            }
        }
        columns = selectColumns(clauses[0].1, tables: tables, single: single)
    }

    /// Table aliases of a FROM clause (alias or name → table); join conditions become row inputs.
    mutating func fromTables(_ tokens: [SQLToken]) -> [String: String]? {
        var tables: [String: String] = [:]
        var i = 0
        var expectTable = true
        var conditions: [[SQLToken]] = []
        var pendingOn: [SQLToken]?
        func flushOn() {
            if let on = pendingOn, !on.isEmpty { conditions.append(on) }
            pendingOn = nil
        }
        while i < tokens.count {
            let token = tokens[i]
            if expectTable {
                if token.isSymbol("(") { problem = "a subquery in FROM"; return nil }
                guard case .word(let table) = token.kind else { problem = "an unexpected token in FROM"; return nil }
                var alias = table.split(separator: ".").last.map(String.init) ?? table
                var j = i + 1
                if j < tokens.count, tokens[j].isKeyword("as") { j += 1 }
                if j < tokens.count, case .word(let w) = tokens[j].kind, !SQLToken.keywords.contains(w.lowercased()) || tokens[j].quoted { alias = w; j += 1 }
                tables[unquoted(alias)] = table
                tables[unquoted(table)] = table
                expectTable = false
                i = j
                continue
            }
            if token.isSymbol(",") || token.isKeyword("join") { flushOn(); expectTable = true; i += 1; continue }
            if token.isKeyword("on") { flushOn(); pendingOn = []; i += 1; continue }
            if token.isKeyword("using") { problem = "JOIN … USING"; return nil }
            if pendingOn != nil, !(token.isKeyword("left") || token.isKeyword("right") || token.isKeyword("inner") || token.isKeyword("full")
                                   || token.isKeyword("outer") || token.isKeyword("cross") || token.isKeyword("natural")) {
                pendingOn!.append(token)
            }
            i += 1
        }
        flushOn()
        for on in conditions { addRowInputs(on, tables: tables, single: nil, .indirect(.join, "JOIN ON " + text(on))) }
        return tables
    }

    /// Column references of an expression's tokens: (table, column, role) with roles
    /// `value`, `condition` (inside CASE … WHEN … THEN) and `aggregate` (inside an aggregate call).
    func references(_ tokens: [SQLToken], tables: [String: String], single: String?) -> [(table: String, column: String, inCondition: Bool, inAggregate: Bool, aggregate: String?)] {
        var result: [(String, String, Bool, Bool, String?)] = []
        var calls: [String?] = []           // the function at each open parenthesis
        var caseStates: [Bool] = []         // per open CASE: inside a WHEN test
        var castDepths: [Int] = []           // parenthesis depths where a CAST's `AS type` follows
        var skipType = false
        for (i, token) in tokens.enumerated() {
            if token.isSymbol("(") {
                var function: String?
                if i > 0, case .word(let w) = tokens[i - 1].kind, !tokens[i - 1].quoted { function = w.lowercased() }
                calls.append(function)
                if function == "cast" { castDepths.append(calls.count) }
                continue
            }
            if token.isSymbol(")") {
                if castDepths.last == calls.count { castDepths.removeLast(); skipType = false }
                _ = calls.popLast()
                continue
            }
            guard case .word(let word) = token.kind else { continue }
            let lower = word.lowercased()
            if !token.quoted {
                switch lower {
                case "case": caseStates.append(false); continue
                case "when": if !caseStates.isEmpty { caseStates[caseStates.count - 1] = true }; continue
                case "then", "else": if !caseStates.isEmpty { caseStates[caseStates.count - 1] = false }; continue
                case "end": _ = caseStates.popLast(); continue
                case "as": if castDepths.last == calls.count { skipType = true }; continue
                default: break
                }
                if skipType || SQLToken.keywords.contains(lower) { continue }
                if i + 1 < tokens.count, tokens[i + 1].isSymbol("(") { continue }   // a function name
            }
            let parts = word.split(separator: ".", omittingEmptySubsequences: false).map { unquoted(String($0)) }
            let table: String?, column: String
            if parts.count >= 2 { table = tables[parts[parts.count - 2]]; column = parts[parts.count - 1] } else { table = single; column = parts[0] }
            guard let table, column != "*" else { continue }
            let aggregate = calls.last(where: { $0.map(SQLToken.aggregates.contains) ?? false }) ?? nil
            result.append((table, column, caseStates.contains(true), aggregate != nil, aggregate))
        }
        return result
    }

    mutating func addRowInputs(_ tokens: [SQLToken], tables: [String: String], single: String?, _ transformation: ColumnTransformation) {
        for reference in references(tokens, tables: tables, single: single)
        where !rowInputs.contains(where: { $0.table == reference.table && $0.column == reference.column && $0.transformation == transformation }) {
            rowInputs.append((reference.table, reference.column, transformation))
        }
    }

    mutating func selectColumns(_ tokens: [SQLToken], tables: [String: String], single: String?) -> [OutputColumn] {
        var items: [[SQLToken]] = [[]]
        var depth = 0
        for token in tokens {
            if token.isSymbol("(") { depth += 1 }
            if token.isSymbol(")") { depth -= 1 }
            if depth == 0, token.isSymbol(",") { items.append([]); continue }
            items[items.count - 1].append(token)
        }
        if let first = items.first?.first, first.isKeyword("distinct") || first.isKeyword("all") { items[0].removeFirst() }
        var columns: [OutputColumn] = []
        for var item in items where !item.isEmpty {
            // `*` and `t.*`.
            if item.count == 1, case .word(let w) = item[0].kind, w == "*" || w.hasSuffix(".*") {
                if w == "*" { starTables.append(contentsOf: Set(tables.values).sorted()) } else if let t = tables[unquoted(String(w.dropLast(2)))] { starTables.append(t) }
                continue
            }
            var alias: String?
            if item.count >= 2, case .word(let w) = item[item.count - 1].kind, item[item.count - 1].quoted || !SQLToken.keywords.contains(w.lowercased()) {
                let before = item[item.count - 2]
                if before.isKeyword("as") {
                    alias = unquoted(w)
                    item.removeLast(2)
                } else if before.isSymbol(")") || { if case .word(let b) = before.kind { return !SQLToken.keywords.contains(b.lowercased()) || before.quoted || b.lowercased() == "end" } else { if case .symbol = before.kind { return false }; return true } }() {
                    alias = unquoted(w)
                    item.removeLast()
                }
            }
            let expression = text(item)
            let references = self.references(item, tables: tables, single: single)
            let isBare = item.count == 1 && references.count == 1
            let name = alias ?? (isBare ? references[0].column : expression)
            var inputs: [(String, String, ColumnTransformation)] = []
            for reference in references {
                let transformation: ColumnTransformation
                if reference.inCondition { transformation = .indirect(.conditional, expression) }
                else if reference.inAggregate { transformation = .aggregation(expression, masking: reference.aggregate == "count") }
                else if isBare { transformation = .identity }
                else { transformation = .transformation(expression) }
                if !inputs.contains(where: { $0.0 == reference.table && $0.1 == reference.column && $0.2 == transformation }) {
                    inputs.append((reference.table, reference.column, transformation))
                }
            }
            columns.append(OutputColumn(name: name, inputs: inputs.map { (table: $0.0, column: $0.1, transformation: $0.2) }))
        }
        return columns
    }

    /// Tokens back to text, one space between words.
    func text(_ tokens: [SQLToken]) -> String {
        var out = ""
        var previous: SQLToken?
        for token in tokens {
            let call = token.isSymbol("(") && previous.map { if case .word = $0.kind { return !$0.quoted } else { return false } } == true
            if !out.isEmpty, !(token.isSymbol(")") || token.isSymbol(",") || out.hasSuffix("(") || call) { out += " " }
            out += token.text
            previous = token
        }
        return out
    }
}

/// One token of an SQL statement.
struct SQLToken: Sendable {
    enum Kind: Sendable { case word(String), number(String), string(String), symbol(String), template(String) }
    var kind: Kind
    /// A quoted identifier ("name", `name`, [name]).
    var quoted = false

    static let keywords: Set<String> = ["select", "from", "where", "and", "or", "not", "null", "is", "in", "like", "between", "case", "when",
                                        "then", "else", "end", "as", "on", "join", "left", "right", "inner", "outer", "full", "cross",
                                        "group", "by", "order", "having", "limit", "offset", "asc", "desc", "distinct", "union", "all",
                                        "exists", "true", "false", "interval", "current_date", "current_timestamp", "nulls", "first",
                                        "last", "using", "with", "natural", "insert", "into", "values", "update", "set", "delete",
                                        "create", "table", "if", "escape", "glob", "ilike", "intersect", "except", "window", "over",
                                        "partition", "filter", "collate", "temp", "temporary", "replace", "returning", "conflict", "do", "nothing"]
    static let aggregates: Set<String> = ["count", "sum", "avg", "min", "max", "total", "group_concat", "string_agg", "array_agg",
                                          "median", "stddev", "variance", "bool_and", "bool_or", "every", "json_agg", "json_group_array"]

    var text: String {
        switch kind {
        case .word(let w): w
        case .number(let n): n
        case .string(let s): "'" + s.replacing("'", with: "''") + "'"
        case .symbol(let s): s
        case .template(let name): "{{ " + name + " }}"
        }
    }

    func isKeyword(_ word: String) -> Bool {
        if !quoted, case .word(let w) = kind { return w.lowercased() == word }
        return false
    }

    func isSymbol(_ symbol: String) -> Bool {
        if case .symbol(let s) = kind { return s == symbol }
        return false
    }

    /// Splits SQL text into tokens; comments are dropped; `a.b.c` is one word.
    static func tokenize(_ sql: String) -> [SQLToken] {
        let chars = Array(sql.unicodeScalars)
        var tokens: [SQLToken] = []
        var i = 0
        func isWordStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic }
        func isWord(_ c: Unicode.Scalar) -> Bool { c == "_" || c == "$" || c.properties.isAlphabetic || ("0"..."9").contains(c) }
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1; continue }
            if c == "-", i + 1 < chars.count, chars[i + 1] == "-" {
                while i < chars.count, chars[i] != "\n" { i += 1 }
                continue
            }
            if c == "/", i + 1 < chars.count, chars[i + 1] == "*" {
                i += 2
                while i + 1 < chars.count, !(chars[i] == "*" && chars[i + 1] == "/") { i += 1 }
                i += 2
                continue
            }
            if c == "{", i + 1 < chars.count, chars[i + 1] == "{" {
                var j = i + 2, name = ""
                while j + 1 < chars.count, !(chars[j] == "}" && chars[j + 1] == "}") { name.unicodeScalars.append(chars[j]); j += 1 }
                tokens.append(SQLToken(kind: .template(name.trimmingASCIIWhitespace())))
                i = j + 2
                continue
            }
            if c == "'" {
                var j = i + 1, value = ""
                while j < chars.count {
                    if chars[j] == "'" {
                        if j + 1 < chars.count, chars[j + 1] == "'" { value += "'"; j += 2; continue }
                        break
                    }
                    value.unicodeScalars.append(chars[j])
                    j += 1
                }
                tokens.append(SQLToken(kind: .string(value)))
                i = j + 1
                continue
            }
            if isWordStart(c) || c == "\"" || c == "`" || c == "[" || c == "*" && tokens.last.map({ if case .word(let w) = $0.kind { w.hasSuffix(".") } else { false } }) == true {
                // A possibly dotted, possibly quoted name: users, u.email, "My Table".id, t.*
                var word = "", quoted = false
                var j = i
                while j < chars.count {
                    let d = chars[j]
                    if d == "\"" || d == "`" || d == "[" {
                        let close: Unicode.Scalar = d == "[" ? "]" : d
                        var k = j + 1
                        word.unicodeScalars.append(d)
                        while k < chars.count, chars[k] != close { word.unicodeScalars.append(chars[k]); k += 1 }
                        word.unicodeScalars.append(close)
                        quoted = true
                        j = k + 1
                    } else if isWord(d) {
                        word.unicodeScalars.append(d)
                        j += 1
                    } else if d == "*", word.hasSuffix(".") {
                        word += "*"
                        j += 1
                        break
                    } else {
                        break
                    }
                    if j < chars.count, chars[j] == ".", j + 1 < chars.count, isWord(chars[j + 1]) || chars[j + 1] == "\"" || chars[j + 1] == "*" || chars[j + 1] == "`" || chars[j + 1] == "[" {
                        word += "."
                        j += 1
                        continue
                    }
                    if !(j < chars.count && isWord(chars[j])) { break }
                }
                if word.isEmpty { word = String(c); j = i + 1 }
                var token = SQLToken(kind: .word(word))
                token.quoted = quoted && !word.contains(".")
                tokens.append(token)
                i = j
                continue
            }
            if ("0"..."9").contains(c) {
                var j = i, number = ""
                while j < chars.count, ("0"..."9").contains(chars[j]) || chars[j] == "." || chars[j] == "e" || chars[j] == "E" { number.unicodeScalars.append(chars[j]); j += 1 }
                tokens.append(SQLToken(kind: .number(number)))
                i = j
                continue
            }
            if c == "*" { tokens.append(SQLToken(kind: .word("*"))); i += 1; continue }
            let twoChar = i + 1 < chars.count ? String(c) + String(chars[i + 1]) : ""
            if ["<=", ">=", "<>", "!=", "||", "::"].contains(twoChar) {
                tokens.append(SQLToken(kind: .symbol(twoChar)))
                i += 2
                continue
            }
            tokens.append(SQLToken(kind: .symbol(String(c))))
            i += 1
        }
        return tokens
    }
}
