import SluiceCore
import SluiceSpec
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

    package func describe(_ node: Node) -> String { SpecReader.describe(node) }

    /// Runs one ``SpecReader`` read and throws its first problem as a ``QualityError``
    /// (the suite parser stops at the first problem).
    private func read<T>(_ body: (SpecReader) -> T?) throws -> T {
        let reader = SpecReader(file: file)
        if let value = body(reader), !reader.hasProblems { return value }
        throw QualityError(reader.diagnostics.first!)
    }

    /// The pairs of a mapping, checking every key against `allowed`.
    package func mapping(_ node: Node, _ what: String, allowed: [String]) throws -> [(key: String, keyNode: Node, value: Node)] {
        try read { $0.mapping(node, what, allowed: allowed) }
    }

    package func string(_ node: Node, _ what: String) throws -> String { try read { $0.string(node, what) } }

    package func strings(_ node: Node, _ what: String) throws -> [String] { try read { $0.strings(node, what) } }

    /// A finite number (NaN and infinity are refused), within `range` when given.
    package func number(_ node: Node, _ what: String, in range: ClosedRange<Double>? = nil) throws -> Double {
        try read { $0.number(node, what, in: range) }
    }

    package func integer(_ node: Node, _ what: String, in range: ClosedRange<Int>? = nil) throws -> Int {
        try read { $0.integer(node, what, in: range) }
    }

    package func bool(_ node: Node, _ what: String) throws -> Bool { try read { $0.bool(node, what) } }

    /// A duration in seconds in the one grammar (``SpecDuration``).
    package func duration(_ node: Node, _ what: String) throws -> Double { try read { $0.duration(node, what) } }

    /// A scalar as a typed value: integers, floats, booleans, else text.
    package func value(_ node: Node, _ what: String) throws -> Value { try read { $0.value(node, what) } }
}

extension QualityError {
    /// A spec problem as a quality error with the matching code.
    package init(_ diagnostic: SpecDiagnostic) {
        let code: Code
        switch diagnostic.code {
        case .unknownKey: code = .unknownKey
        case .wrongType: code = .wrongType
        case .outOfRange, .invalidValue: code = .invalidOption
        default: code = .invalidSuite
        }
        self.init(code, file: diagnostic.file, line: diagnostic.line, column: diagnostic.column, message: diagnostic.message, hint: diagnostic.hint)
    }
}
