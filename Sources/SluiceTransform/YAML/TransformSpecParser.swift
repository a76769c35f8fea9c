import SluiceCore
import SluiceSpec
import SluiceFormats
import Yams

extension Transform {
    /// Parses steps written in YAML: a list of one-key maps, the shape a pipeline's
    /// `transform` task embeds.
    ///
    /// ```yaml
    /// - derive: { email: "lower(trim(email))" }
    /// - filter: total_spent >= 0
    /// - bucket: { column: total_spent, into: customer_segment,
    ///             edges: [0, 100, 1000, .inf], labels: [Bronze, Silver, Gold] }
    /// - join: { file: orders.csv, on: { id: user_id }, how: left }
    /// - aggregate: { by: [id], compute: { order_count: count(order_id), total_spent: sum(total) } }
    /// ```
    ///
    /// - Parameters:
    ///   - yaml: the text.
    ///   - file: the name used in error locations.
    ///   - loadTable: reads the `file:` of a `join` or `union` step (default: by path,
    ///     relative paths resolved against `baseDirectory`).
    /// - Throws: ``TransformError`` `.invalidSpec` with `file:line:column` and "did you mean".
    public init(yaml: String, file: String = "<steps>", baseDirectory: String? = nil,
                loadTable: ((String) throws -> Table)? = nil) throws {
        let load = loadTable ?? { path in
            let resolved = path.hasPrefix("/") || baseDirectory == nil ? path : baseDirectory! + "/" + path
            return try TableFile.read(path: resolved).0
        }
        let node: Node?
        do { node = try SpecDocument.compose(yaml, file: file) } catch let error as SpecDiagnostic {
            throw TransformError(.invalidSpec, message: error.message, hint: error.hint, specLocation: error.location)
        }
        guard let node else { self.init([]); return }
        self = try Transform(parsing: node, file: file).resolvingTables { try load($0.name) }
    }

    /// Parses steps from an already composed YAML node (a list of one-key maps), so a
    /// file that embeds steps — a pipeline's `transform` task — reports its own lines,
    /// and reads the tables they name with `loadTable`.
    ///
    /// - Throws: ``TransformError`` `.invalidSpec` located `file:line:column`.
    public init(node: Node, file: String, loadTable: @escaping (String) throws -> Table) throws {
        self = try Transform(parsing: node, file: file).resolvingTables { try loadTable($0.name) }
    }

    /// Parses steps from a composed YAML node without reading anything: `join`/`union`
    /// tables stay names (``StepTable/reference(_:)``) until ``resolvingTables(_:)``, and
    /// every step keeps where it is written (``locations``). Expressions are parsed now
    /// (syntax errors are located here); text with `{{ }}` templates is kept as written.
    ///
    /// - Throws: ``TransformError`` `.invalidSpec` located `file:line:column`; with more
    ///   than one problem, all of them in ``TransformError/diagnostics``.
    public init(parsing node: Node, file: String) throws {
        self = try TransformSpecParser(file: file).steps(node)
    }

    /// Parses one step written as `name: value` on one line (`filter: total >= 0`).
    public init(oneStep text: String, loadTable: ((String) throws -> Table)? = nil) throws {
        try self.init(yaml: "- " + text, file: "--step", loadTable: loadTable)
    }
}

/// Turns YAML nodes into ``Step``s, reporting positions.
struct TransformSpecParser {
    let file: String

    static var stepNames: [String] { Transform.stepSections.map(\.title).map { String($0.dropFirst("Step: ".count)) } }

    func fail(_ node: Node?, _ message: String, hint: String? = nil) -> TransformError {
        let mark = node?.mark
        return TransformError(.invalidSpec, message: message, hint: hint,
                              specLocation: ErrorLocation(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0))
    }

    /// Runs one ``SpecReader`` read and throws its first problem as a located ``TransformError``
    /// (the step parser stops at the first problem).
    func read<T>(_ body: (SpecReader) -> T?) throws -> T {
        let reader = SpecReader(file: file)
        if let value = body(reader), !reader.hasProblems { return value }
        let problem = reader.diagnostics[0]
        throw TransformError(.invalidSpec, message: problem.message, hint: problem.hint, specLocation: problem.location)
    }

    func string(_ node: Node, _ what: String) throws -> String { try read { $0.string(node, what) } }

    func strings(_ node: Node, _ what: String) throws -> [String] { try read { $0.strings(node, what) } }

    func pairs(_ node: Node, _ what: String) throws -> [(String, Node)] {
        try read { $0.pairs(node, what) }.map { ($0.key, $0.value) }
    }

    /// A number (YAML's grammar, `.inf` and `-.inf` allowed) read by the spec layer.
    func double(_ node: Node, _ what: String) throws -> Double { try read { $0.number(node, what, allowingInfinity: true) } }

    /// Checks a map's keys against the allowed ones; returns a lookup.
    func options(_ node: Node, _ step: String, allowed: [String], required: [String]) throws -> [String: Node] {
        guard node.mapping != nil else { throw fail(node, "\(step) must be a map, e.g. { \(required.first ?? allowed[0]): … }") }
        var result: [String: Node] = [:]
        for (key, _, value) in try read({ $0.mapping(node, step, allowed: allowed) }) { result[key] = value }
        for key in required where result[key] == nil {
            throw fail(node, "\(step) needs `\(key)`")
        }
        return result
    }

    func location(_ node: Node?) -> ErrorLocation {
        ErrorLocation(file: file, line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0)
    }

    func steps(_ root: Node) throws -> Transform {
        guard let sequence = root.sequence else {
            throw fail(root, "steps must be a list, e.g.\n  - filter: total >= 0")
        }
        // Each step is read on its own so that every mistake is reported together.
        var steps: [Step] = [], locations: [StepLocation] = [], problems: [TransformError] = []
        for item in sequence {
            do {
                steps.append(try step(item))
                locations.append(stepLocation(item))
            } catch let error as TransformError where error.specLocation != nil {
                problems.append(error)
            }
        }
        if var first = problems.first {
            if problems.count > 1 {
                first.diagnostics = problems.map {
                    SpecDiagnostic(.invalidValue, file: $0.specLocation?.file ?? file, line: $0.specLocation?.line ?? 0,
                                   column: $0.specLocation?.column ?? 0, message: $0.message, hint: $0.hint)
                }.sorted(by: SpecDiagnostic.byLocation)
            }
            throw first
        }
        return Transform(steps, locations: locations)
    }

    /// Where a (well-formed) step and the values inside it are written.
    func stepLocation(_ node: Node) -> StepLocation {
        guard let (keyNode, value) = node.mapping?.first.map({ ($0.key, $0.value) }) else { return StepLocation(step: location(node)) }
        var values: [String: ErrorLocation] = [:]
        if let mapping = value.mapping {
            for (key, inner) in mapping {
                guard let name = key.string else { continue }
                values[name] = location(inner)
                guard let innerMapping = inner.mapping else { continue }
                for (innerKey, innerValue) in innerMapping {
                    if let innerName = innerKey.string { values[name + "." + innerName] = location(innerValue) }
                }
            }
        } else {
            values[""] = location(value)
        }
        return StepLocation(step: location(keyNode), values: values)
    }

    func step(_ node: Node) throws -> Step {
        guard let mapping = node.mapping, mapping.count == 1, let (keyNode, value) = mapping.first.map({ ($0.key, $0.value) }) else {
            throw fail(node, "each step is one `name: settings` entry", hint: "steps: \(Self.stepNames.joined(separator: ", "))")
        }
        let name = try string(keyNode, "a step name")
        switch name {
        case "select": return .select(try strings(value, "select"))
        case "drop": return .drop(try strings(value, "drop"))
        case "rename": return .rename(try pairs(value, "rename").map { ($0.0, try string($0.1, "a new name")) })
        case "derive": return .derive(try pairs(value, "derive").map { ($0.0, try expression($0.1, "an expression")) })
        case "filter": return .filter(try expression(value, "filter"))
        case "cast":
            return .cast(try pairs(value, "cast").map { pair in
                do { return (pair.0, try DataType(parsing: try string(pair.1, "a type"))) } catch let error as CoreError {
                    throw fail(pair.1, error.message, hint: error.hint)
                }
            })
        case "fill_null":
            // A typed scalar by the spec layer's rules: 0 an int, 0.5 a float, true a bool, "0" text.
            return .fillNull(try pairs(value, "fill_null").map { pair in (pair.0, try read { $0.value(pair.1, "fill_null.\(pair.0)") }) })
        case "bucket":
            let o = try options(value, "bucket", allowed: Transform.stepSection("bucket").names, required: ["column", "edges"])
            guard let edges = o["edges"]?.sequence else { throw fail(o["edges"], "edges must be a list of numbers") }
            return .bucket(BucketSpec(column: try string(o["column"]!, "column"), into: try o["into"].map { try string($0, "into") },
                                      edges: try edges.map { try double($0, "an edge") },
                                      labels: try o["labels"].map { try strings($0, "labels") },
                                      right: try o["right"].map { try bool($0, "right") } ?? true,
                                      includeLowest: try o["include_lowest"].map { try bool($0, "include_lowest") } ?? false))
        case "dedupe":
            if value.mapping != nil {
                let o = try options(value, "dedupe", allowed: Transform.stepSection("dedupe").names, required: [])
                let keep = try o["keep"].map { try string($0, "keep") } ?? "first"
                guard keep == "first" || keep == "last" else { throw fail(o["keep"], "keep must be first or last, found '\(keep)'") }
                return .dedupe(keys: try o["keys"].map { try strings($0, "keys") } ?? [], keepLast: keep == "last")
            }
            if let scalar = value.scalar, scalar.string.isEmpty || scalar.tag.description.hasSuffix("null") { return .dedupe(keys: [], keepLast: false) }
            return .dedupe(keys: try strings(value, "dedupe"), keepLast: false)
        case "sort":
            return .sort(try strings(value, "sort").map { text in
                // "col", "col desc", "col desc nulls first", "-col"
                var words = text.split(separator: " ").map { String($0) }
                var descending = false
                if words.first?.hasPrefix("-") == true { words[0].removeFirst(); descending = true }
                let column = words.first ?? ""
                let rest = words.dropFirst().map { $0.lowercased() }
                if rest.contains("desc") { descending = true }
                var nullsFirst: Bool?
                if let i = rest.firstIndex(of: "nulls"), i + 1 < rest.endIndex { nullsFirst = rest[i + 1] == "first" }
                return SortKey(column, descending: descending, nullsFirst: nullsFirst)
            })
        case "limit":
            return .limit(try read { $0.integer(value, "limit", in: 0...Int.max) })
        case "join":
            let o = try options(value, "join", allowed: Transform.stepSection("join").names, required: ["file", "on"])
            let how = try o["how"].map { try string($0, "how") } ?? "inner"
            guard let kind = JoinSpec.Kind(rawValue: how) else {
                let names = JoinSpec.Kind.allCases.map(\.rawValue)
                throw fail(o["how"], "unknown join kind '\(how)'", hint: suggestion(for: how, among: names).map { "did you mean '\($0)'?" } ?? "kinds: \(names.joined(separator: ", "))")
            }
            let on: [(String, String)]
            if o["on"]!.mapping != nil { on = try pairs(o["on"]!, "on").map { ($0.0, try string($0.1, "a right key")) } }
            else { on = try strings(o["on"]!, "on").map { ($0, $0) } }
            return .join(JoinSpec(table: try table(o["file"]!), on: on, kind: kind))
        case "aggregate":
            let o = try options(value, "aggregate", allowed: Transform.stepSection("aggregate").names, required: ["compute"])
            return .aggregate(AggregateSpec(by: try o["by"].map { try strings($0, "by") } ?? [],
                                            measures: try pairs(o["compute"]!, "compute").map { pair in
                                                do { return try AggregateSpec.Measure(name: pair.0, parsing: try string(pair.1, "an aggregate")) } catch let error as TransformError {
                                                    throw fail(pair.1, error.message, hint: error.hint)
                                                }
                                            }))
        case "union":
            let o = try options(value, "union", allowed: Transform.stepSection("union").names, required: ["file"])
            return .union(try table(o["file"]!))
        default:
            throw fail(keyNode, "unknown step '\(name)'",
                       hint: suggestion(for: name, among: Self.stepNames).map { "did you mean '\($0)'?" } ?? "steps: \(Self.stepNames.joined(separator: ", "))")
        }
    }

    /// An expression's text, parsed now so that syntax errors (and expressions nested too
    /// deeply) are found when the steps are read, located at the value. Text with `{{ }}`
    /// templates is parsed when the template has been rendered.
    func expression(_ node: Node, _ what: String) throws -> String {
        let text = try string(node, what)
        guard !text.contains("{{") else { return text }
        do { _ = try Expression(parsing: text) } catch let error as ExpressionError {
            throw fail(node, error.message + "\n  " + (error.detail ?? "").replacing("\n", with: "\n  "), hint: error.hint)
        }
        return text
    }

    /// `true` or `false` (YAML's grammar: also yes/no, on/off) read by the spec layer.
    func bool(_ node: Node, _ what: String) throws -> Bool { try read { $0.bool(node, what) } }

    /// A `file:` as a name to read when the step runs.
    func table(_ node: Node) throws -> StepTable {
        .reference(TableReference(name: try string(node, "file"), location: location(node)))
    }
}
