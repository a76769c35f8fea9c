import SluiceCore
import Yams

/// Walks a composed YAML tree, turning wrong shapes into located ``QualityError``s.
package struct YAMLReader {
    package let file: String
    /// The file's lines, to map positions inside a scalar back to columns.
    var lines: [Substring] = []

    /// Where `node`'s text starts, and whether `text` is written there verbatim
    /// (on one line, no escapes), so that a character offset in `text` is a column offset.
    func source(of node: Node, text: String) -> ExpressionSource {
        let line = node.mark?.line ?? 0, column = node.mark?.column ?? 0
        var start = column
        var exact = false
        if line >= 1 && line <= lines.count && column >= 1 {
            let chars = Array(lines[line - 1])
            if column - 1 < chars.count, chars[column - 1] == "\"" || chars[column - 1] == "'" { start += 1 }
            let firstLine = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(Array.init) ?? []
            let from = start - 1
            exact = from + firstLine.count <= chars.count && Array(chars[from..<(from + firstLine.count)]) == firstLine
        }
        return ExpressionSource(file: file, line: line, column: exact ? start : column, isExact: exact)
    }

    package init(file: String, lines: [Substring] = []) {
        self.file = file
        self.lines = lines
    }

    package func error(_ code: QualityError.Code, at node: Node?, _ message: String, hint: String? = nil) -> QualityError {
        let mark = node?.mark
        return QualityError(code, file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, message: message, hint: hint)
    }

    package func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s):
            switch s.tagName {
            case .int: return "the integer \(s.string)"
            case .float: return "the number \(s.string)"
            case .bool: return "the boolean \(s.string)"
            case .null: return "null"
            default: return "the text \"\(s.string)\""
            }
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// The pairs of a mapping, checking every key against `allowed`.
    package func mapping(_ node: Node, _ what: String, allowed: [String]) throws -> [(key: String, keyNode: Node, value: Node)] {
        guard case .mapping(let mapping) = node else {
            throw error(.wrongType, at: node, "\(what) must be a mapping, found \(describe(node))")
        }
        var pairs: [(String, Node, Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else { throw error(.wrongType, at: keyNode, "keys of \(what) must be text") }
            guard allowed.contains(key.string) else {
                throw error(.unknownKey, at: keyNode, "unknown key \"\(key.string)\" in \(what)",
                            hint: suggestion(for: key.string, among: allowed).map { "did you mean `\($0)`? Keys: \(allowed.joined(separator: ", "))" }
                                ?? "keys: \(allowed.joined(separator: ", "))")
            }
            pairs.append((key.string, keyNode, value))
        }
        return pairs
    }

    package func string(_ node: Node, _ what: String) throws -> String {
        guard case .scalar(let s) = node, s.tagName != .null else {
            throw error(.wrongType, at: node, "\(what) must be text, found \(describe(node))")
        }
        return s.string
    }

    package func strings(_ node: Node, _ what: String) throws -> [String] {
        if case .sequence(let items) = node {
            guard !items.isEmpty else { throw error(.wrongType, at: node, "\(what) must not be an empty list") }
            return try items.map { try string($0, what) }
        }
        return [try string(node, what)]
    }

    package func number(_ node: Node, _ what: String) throws -> Double {
        guard case .scalar(let s) = node, s.tagName == .int || s.tagName == .float, let value = node.float else {
            throw error(.wrongType, at: node, "\(what) must be a number, found \(describe(node))")
        }
        return value
    }

    package func integer(_ node: Node, _ what: String) throws -> Int {
        guard case .scalar(let s) = node, s.tagName == .int, let value = node.int else {
            throw error(.wrongType, at: node, "\(what) must be a whole number, found \(describe(node))")
        }
        return value
    }

    package func bool(_ node: Node, _ what: String) throws -> Bool {
        guard case .scalar(let s) = node, s.tagName == .bool, let value = node.bool else {
            throw error(.wrongType, at: node, "\(what) must be true or false, found \(describe(node))")
        }
        return value
    }

    /// A scalar as a typed value: integers, floats, booleans, else text.
    package func value(_ node: Node, _ what: String) throws -> Value {
        guard case .scalar(let s) = node else {
            throw error(.wrongType, at: node, "\(what) must be a single value, found \(describe(node))")
        }
        switch s.tagName {
        case .int: if let v = Int64(s.string) ?? node.int.map(Int64.init) { return .int64(v) }
        case .float: if let v = node.float { return .float64(v) }
        case .bool: if let v = node.bool { return .bool(v) }
        case .null: return .null
        default: break
        }
        return .string(s.string)
    }
}

extension Node.Scalar {
    /// The resolved tag (`int`, `float`, `bool`, `null`, `str`, …).
    package var tagName: Tag.Name { Resolver.default.resolveTag(of: Node.scalar(self)) }
}
