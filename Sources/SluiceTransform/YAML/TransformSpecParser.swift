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
        let parser = TransformSpecParser(file: file, loadTable: load)
        let node: Node?
        do { node = try SpecDocument.compose(yaml, file: file) } catch let error as SpecDiagnostic {
            throw TransformError(.invalidSpec, message: error.message, hint: error.hint, specLocation: error.location)
        }
        guard let node else { self.init([]); return }
        self.init(try parser.steps(node))
    }

    /// Parses steps from an already composed YAML node (a list of one-key maps), so a
    /// file that embeds steps — a pipeline's `transform` task — reports its own lines.
    ///
    /// - Throws: ``TransformError`` `.invalidSpec` located `file:line:column`.
    public init(node: Node, file: String, loadTable: @escaping (String) throws -> Table) throws {
        self.init(try TransformSpecParser(file: file, loadTable: loadTable).steps(node))
    }

    /// Parses one step written as `name: value` on one line (`filter: total >= 0`).
    public init(oneStep text: String, loadTable: ((String) throws -> Table)? = nil) throws {
        try self.init(yaml: "- " + text, file: "--step", loadTable: loadTable)
    }
}

/// Turns YAML nodes into ``Step``s, reporting positions.
struct TransformSpecParser {
    let file: String
    let loadTable: (String) throws -> Table

    static let stepNames = ["select", "drop", "rename", "derive", "filter", "cast", "fill_null", "bucket", "dedupe",
                            "sort", "limit", "join", "aggregate", "union"]

    func fail(_ node: Node?, _ message: String, hint: String? = nil) -> TransformError {
        let mark = node?.mark
        return TransformError(.invalidSpec, message: message, hint: hint,
                              specLocation: ErrorLocation(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0))
    }

    func string(_ node: Node, _ what: String) throws -> String {
        guard let scalar = node.scalar else { throw fail(node, "\(what) must be a single value") }
        return scalar.string
    }

    func strings(_ node: Node, _ what: String) throws -> [String] {
        if let sequence = node.sequence { return try sequence.map { try string($0, what) } }
        return [try string(node, what)]
    }

    func pairs(_ node: Node, _ what: String) throws -> [(String, Node)] {
        guard let mapping = node.mapping else { throw fail(node, "\(what) must be a map, e.g. { name: value }") }
        return try mapping.map { (try string($0.key, "a key"), $0.value) }
    }

    func double(_ node: Node, _ what: String) throws -> Double {
        let text = try string(node, what).lowercased()
        switch text {
        case ".inf", "inf", "+inf", "infinity", "+.inf": return .infinity
        case "-.inf", "-inf", "-infinity": return -.infinity
        default:
            guard let value = Double(text) else { throw fail(node, "\(what) must be a number, found '\(text)'") }
            return value
        }
    }

    /// Checks a map's keys against the allowed ones; returns a lookup.
    func options(_ node: Node, _ step: String, allowed: [String], required: [String]) throws -> [String: Node] {
        var result: [String: Node] = [:]
        guard let mapping = node.mapping else { throw fail(node, "\(step) must be a map, e.g. { \(required.first ?? allowed[0]): … }") }
        for (keyNode, value) in mapping {
            let key = try string(keyNode, "a key")
            guard allowed.contains(key) else {
                throw fail(keyNode, "unknown key '\(key)' in \(step)",
                           hint: suggestion(for: key, among: allowed).map { "did you mean '\($0)'? Keys: \(allowed.joined(separator: ", "))" } ?? "keys: \(allowed.joined(separator: ", "))")
            }
            result[key] = value
        }
        for key in required where result[key] == nil {
            throw fail(node, "\(step) needs '\(key)'")
        }
        return result
    }

    func steps(_ root: Node) throws -> [Step] {
        guard let sequence = root.sequence else {
            throw fail(root, "steps must be a list, e.g.\n  - filter: total >= 0")
        }
        return try sequence.map(step)
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
        case "derive": return .derive(try pairs(value, "derive").map { ($0.0, try string($0.1, "an expression")) })
        case "filter": return .filter(try string(value, "filter"))
        case "cast":
            return .cast(try pairs(value, "cast").map { pair in
                do { return (pair.0, try DataType(parsing: try string(pair.1, "a type"))) } catch let error as CoreError {
                    throw fail(pair.1, error.message, hint: error.hint)
                }
            })
        case "fill_null":
            return .fillNull(try pairs(value, "fill_null").map { pair in
                let scalar = pair.1.scalar
                let text = scalar?.string ?? ""
                let value: Value
                if scalar?.style == .plain, let i = Int64(text) { value = .int64(i) }
                else if scalar?.style == .plain, let d = Double(text) { value = .float64(d) }
                else if scalar?.style == .plain, text == "true" || text == "false" { value = .bool(text == "true") }
                else { value = .string(text) }
                return (pair.0, value)
            })
        case "bucket":
            let o = try options(value, "bucket", allowed: ["column", "into", "edges", "labels", "right", "include_lowest"], required: ["column", "edges"])
            guard let edges = o["edges"]?.sequence else { throw fail(o["edges"], "edges must be a list of numbers") }
            return .bucket(BucketSpec(column: try string(o["column"]!, "column"), into: try o["into"].map { try string($0, "into") },
                                      edges: try edges.map { try double($0, "an edge") },
                                      labels: try o["labels"].map { try strings($0, "labels") },
                                      right: try o["right"].map { try bool($0) } ?? true,
                                      includeLowest: try o["include_lowest"].map { try bool($0) } ?? false))
        case "dedupe":
            if value.mapping != nil {
                let o = try options(value, "dedupe", allowed: ["keys", "keep"], required: [])
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
            guard let n = Int(try string(value, "limit")), n >= 0 else { throw fail(value, "limit must be a whole number ≥ 0") }
            return .limit(n)
        case "join":
            let o = try options(value, "join", allowed: ["file", "on", "how"], required: ["file", "on"])
            let how = try o["how"].map { try string($0, "how") } ?? "inner"
            guard let kind = JoinSpec.Kind(rawValue: how) else {
                let names = JoinSpec.Kind.allCases.map(\.rawValue)
                throw fail(o["how"], "unknown join kind '\(how)'", hint: suggestion(for: how, among: names).map { "did you mean '\($0)'?" } ?? "kinds: \(names.joined(separator: ", "))")
            }
            let on: [(String, String)]
            if o["on"]!.mapping != nil { on = try pairs(o["on"]!, "on").map { ($0.0, try string($0.1, "a right key")) } }
            else { on = try strings(o["on"]!, "on").map { ($0, $0) } }
            return .join(JoinSpec(right: try table(o["file"]!), on: on, kind: kind))
        case "aggregate":
            let o = try options(value, "aggregate", allowed: ["by", "compute"], required: ["compute"])
            return .aggregate(AggregateSpec(by: try o["by"].map { try strings($0, "by") } ?? [],
                                            measures: try pairs(o["compute"]!, "compute").map { pair in
                                                do { return try AggregateSpec.Measure(name: pair.0, parsing: try string(pair.1, "an aggregate")) } catch let error as TransformError {
                                                    throw fail(pair.1, error.message, hint: error.hint)
                                                }
                                            }))
        case "union":
            let o = try options(value, "union", allowed: ["file"], required: ["file"])
            return .union(try table(o["file"]!))
        default:
            throw fail(keyNode, "unknown step '\(name)'",
                       hint: suggestion(for: name, among: Self.stepNames).map { "did you mean '\($0)'?" } ?? "steps: \(Self.stepNames.joined(separator: ", "))")
        }
    }

    func bool(_ node: Node) throws -> Bool {
        switch try string(node, "a flag").lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw fail(node, "expected true or false")
        }
    }

    func table(_ node: Node) throws -> Table {
        let path = try string(node, "file")
        do { return try loadTable(path) } catch let error as TransformError { throw error } catch {
            throw fail(node, "cannot read \(path): \(error)")
        }
    }
}
