import SluiceCore
import Yams

/// Bounds on the work a spec may ask for while it is read: YAML aliases are expanded by
/// reference, so a small file can stand for an exponentially large tree (a "billion
/// laughs"); every spec kind is composed through ``SpecDocument/compose(_:file:limits:)``,
/// which refuses it before anything walks the tree.
public struct SpecLimits: Sendable, Equatable {
    /// Nodes in the tree with every alias expanded (scalars, lists and mappings).
    public var maxNodes: Int
    /// Bytes of spec text.
    public var maxBytes: Int

    public init(maxNodes: Int = 200_000, maxBytes: Int = 16 << 20) {
        self.maxNodes = maxNodes
        self.maxBytes = maxBytes
    }

    /// The limits every spec reader uses.
    public static let standard = SpecLimits()
}

/// Composing spec text into a YAML tree, with located syntax errors and bounded size.
public enum SpecDocument {
    /// The YAML tree of `text` (nil for an empty document).
    ///
    /// - Throws: ``SpecDiagnostic`` `.syntax` for text that is not YAML (located at the
    ///   problem), `.limit` for a tree larger than `limits` after alias expansion or nested
    ///   deeper than the YAML parser allows.
    public static func compose(_ text: String, file: String, limits: SpecLimits = .standard) throws -> Node? {
        guard text.utf8.count <= limits.maxBytes else {
            throw SpecDiagnostic(.limit, file: file, message: "the spec is \(text.utf8.count) bytes, more than the limit of \(limits.maxBytes)",
                                 hint: "a spec is configuration, not data: move data to a file and refer to it")
        }
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch let error as YamlError {
            throw diagnostic(error, file: file)
        }
        guard let node else { return nil }
        var budget = limits.maxNodes
        if let heavy = exceedsBudget(node, depth: 0, &budget) {
            throw SpecDiagnostic(.limit, file: file, line: heavy.mark?.line ?? 0, column: heavy.mark?.column ?? 0,
                                 message: "the spec expands to more than \(limits.maxNodes) YAML nodes (aliases count once per use)",
                                 hint: "aliases that refer to aliases grow exponentially; write the values out or use fewer levels")
        }
        return node
    }

    /// The YAML tree of a spec file that must say something: ``compose(_:file:limits:)``,
    /// and for an empty document a `.missingKey` diagnostic at 1:1 with `message` and `hint`
    /// (what the file should start with); every diagnostic is thrown as `wrap` makes it
    /// (the spec kind's own error).
    ///
    /// ```swift
    /// let root = try SpecDocument.composeRoot(text, file: file, ifEmpty: "the suite file is empty",
    ///                                         hint: "start with `checks:`") { QualityError($0) }
    /// ```
    ///
    /// - Throws: `wrap`'s error for a ``SpecDiagnostic`` as ``compose(_:file:limits:)`` throws
    ///   it, or for an empty document.
    public static func composeRoot<Failure: Error>(_ text: String, file: String, ifEmpty message: String, hint: String,
                                                   as wrap: (SpecDiagnostic) -> Failure) throws -> Node {
        do {
            guard let node = try compose(text, file: file) else {
                throw SpecDiagnostic(.missingKey, file: file, line: 1, column: 1, message: message, hint: hint)
            }
            return node
        } catch let diagnostic as SpecDiagnostic {
            throw wrap(diagnostic)
        }
    }

    /// The top-level value (a child of the root) under which the budget ran out, or nil
    /// when the whole tree fits.
    static func exceedsBudget(_ node: Node, depth: Int, _ budget: inout Int) -> Node? {
        budget -= 1
        if budget < 0 { return node }
        var found: Node?
        switch node {
        case .scalar, .alias: return nil
        case .sequence(let items):
            for item in items where found == nil { found = exceedsBudget(item, depth: depth + 1, &budget) }
        case .mapping(let pairs):
            for (key, value) in pairs where found == nil {
                found = exceedsBudget(key, depth: depth + 1, &budget) ?? exceedsBudget(value, depth: depth + 1, &budget)
            }
        }
        guard let found else { return nil }
        return depth == 1 ? node : found
    }

    /// A YAML syntax error as a located diagnostic.
    public static func diagnostic(_ error: YamlError, file: String) -> SpecDiagnostic {
        var line = 0, column = 0
        var message = "invalid YAML: \(error)"
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            line = mark.line
            column = mark.column
            message = "invalid YAML: \(problem)"
        default: break
        }
        var hint: String? = nil
        if message.contains("Maximum nesting level") || message.contains("nesting") {
            hint = "the spec is nested too deeply (more than 1000 levels)"
        }
        return SpecDiagnostic(.syntax, file: file, line: line, column: column, message: message, hint: hint)
    }
}
