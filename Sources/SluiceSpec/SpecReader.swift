import SluiceCore
import Yams

/// Reads a composed YAML spec into typed values, collecting every problem as a located
/// ``SpecDiagnostic`` instead of stopping at the first: each reader returns `nil` after
/// reporting, and the caller carries on with the next key.
///
/// ```swift
/// let reader = SpecReader(file: "pipeline.yaml")
/// for (key, _, value) in reader.mapping(root, "the pipeline", allowed: ["pipeline", "tasks"]) ?? [] {
///     if key == "pipeline" { name = reader.string(value, "pipeline") }
/// }
/// if !reader.diagnostics.isEmpty { throw … }   // every problem, sorted by location
/// ```
/// Numbers are checked when read: finite, in their range; durations use the one
/// grammar of ``SpecDuration``; text may not hold NUL bytes.
public final class SpecReader {
    /// The spec file, for locations.
    public let file: String
    /// Problems in the order they were found.
    public private(set) var diagnostics: [SpecDiagnostic] = []

    public init(file: String) {
        self.file = file
    }

    /// Whether any problem was found.
    public var hasProblems: Bool { !diagnostics.isEmpty }

    /// Problems sorted by location.
    public var sortedDiagnostics: [SpecDiagnostic] { diagnostics.sorted(by: SpecDiagnostic.byLocation) }

    // MARK: Reporting

    /// Records a problem at `node` (or the whole file).
    public func report(_ code: SpecDiagnostic.Code, at node: Node?, _ message: String, hint: String? = nil) {
        diagnostics.append(SpecDiagnostic(code, file: file, line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0,
                                          message: message, hint: hint))
    }

    /// Records a problem found by another reader (an embedded suite, a step list).
    public func report(_ diagnostic: SpecDiagnostic) { diagnostics.append(diagnostic) }

    /// A node as a user would name it in a message: `the integer 5`, `a list`.
    public static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s):
            switch s.tagName {
            case .int: return "the integer \(s.string)"
            case .float: return "the number \(s.string)"
            case .bool: return "the boolean \(s.string)"
            case .null: return "null"
            default: return "the text \(quotedForMessage(s.string))"
            }
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    public func describe(_ node: Node) -> String { Self.describe(node) }

    /// "did you mean `x`?" with the list of choices, or just the choices.
    public static func didYouMean(_ word: String, among names: [String], listing: Bool = true) -> String {
        let all = names.joined(separator: ", ")
        if let near = suggestion(for: word, among: names) { return "did you mean `\(near)`?" + (listing ? " Keys: \(all)" : "") }
        return listing ? "keys: \(all)" : "one of \(all)"
    }

    // MARK: Shapes

    /// The pairs of a mapping whose keys are all in `allowed`; unknown keys are reported
    /// (with "did you mean") and left out, so the known ones are still read.
    public func mapping(_ node: Node, _ what: String, allowed: [String]) -> [(key: String, keyNode: Node, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            report(.wrongType, at: node, "\(what) must be a mapping, found \(describe(node))")
            return nil
        }
        var pairs: [(String, Node, Node)] = []
        var seen: Set<String> = []
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else {
                report(.wrongType, at: keyNode, "keys of \(what) must be text")
                continue
            }
            guard allowed.contains(key.string) else {
                report(.unknownKey, at: keyNode, "unknown key \(quotedForMessage(key.string)) in \(what)",
                       hint: Self.didYouMean(key.string, among: allowed))
                continue
            }
            guard seen.insert(key.string).inserted else {
                report(.duplicateKey, at: keyNode, "key \"\(key.string)\" appears twice in \(what)", hint: "keep one of them")
                continue
            }
            pairs.append((key.string, keyNode, value))
        }
        return pairs
    }

    /// The pairs of a mapping whose keys are names the spec chooses (columns, fields, params).
    public func pairs(_ node: Node, _ what: String) -> [(key: String, keyNode: Node, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            report(.wrongType, at: node, "\(what) must be a mapping such as { name: value }, found \(describe(node))")
            return nil
        }
        var pairs: [(String, Node, Node)] = []
        for (keyNode, value) in mapping {
            guard let key = string(keyNode, "a name in \(what)") else { continue }
            pairs.append((key, keyNode, value))
        }
        return pairs
    }

    /// The items of a list.
    public func list(_ node: Node, _ what: String) -> [Node]? {
        guard case .sequence(let items) = node else {
            report(.wrongType, at: node, "\(what) must be a list, found \(describe(node))")
            return nil
        }
        return Array(items)
    }

    // MARK: Scalars

    /// Text (any scalar but null), without NUL bytes.
    public func string(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let s) = node, s.tagName != .null else {
            report(.wrongType, at: node, "\(what) must be text, found \(describe(node))")
            return nil
        }
        guard !s.string.utf8.contains(0) else {
            report(.invalidValue, at: node, "\(what) must not contain a NUL byte", hint: "remove the \\0 from the value")
            return nil
        }
        return s.string
    }

    /// One text or a non-empty list of them.
    public func strings(_ node: Node, _ what: String) -> [String]? {
        if case .sequence(let items) = node {
            guard !items.isEmpty else {
                report(.wrongType, at: node, "\(what) must not be an empty list")
                return nil
            }
            let values = items.map { string($0, what) }
            return values.contains(where: { $0 == nil }) ? nil : values.map { $0! }
        }
        return string(node, what).map { [$0] }
    }

    /// A finite number (integer or decimal) in `range`; with `allowingInfinity`, YAML's
    /// `.inf` and `-.inf` too (bucket edges). NaN is never a number here.
    public func number(_ node: Node, _ what: String, in range: ClosedRange<Double>? = nil, allowingInfinity: Bool = false) -> Double? {
        guard case .scalar(let s) = node, s.tagName == .int || s.tagName == .float, let value = node.float else {
            report(.wrongType, at: node, "\(what) must be a number, found \(describe(node))")
            return nil
        }
        guard value.isFinite || (allowingInfinity && value.isInfinite) else {
            report(.outOfRange, at: node, "\(what) must be \(allowingInfinity ? "a number or ±.inf" : "a finite number"), found \(s.string)",
                   hint: "NaN and infinity cannot be compared; write a number" + (range.map { " in \(Self.text($0.lowerBound))…\(Self.text($0.upperBound))" } ?? ""))
            return nil
        }
        if let range, !range.contains(value) {
            report(.outOfRange, at: node, "\(what) must be in \(Self.text(range.lowerBound))…\(Self.text(range.upperBound)), found \(s.string)")
            return nil
        }
        return value
    }

    /// A whole number in `range`.
    public func integer(_ node: Node, _ what: String, in range: ClosedRange<Int>? = nil) -> Int? {
        guard case .scalar(let s) = node, s.tagName == .int else {
            report(.wrongType, at: node, "\(what) must be a whole number, found \(describe(node))")
            return nil
        }
        guard let value = node.int ?? Int(s.string) else {
            report(.outOfRange, at: node, "\(what) is too large: \(escapedForMessage(s.string))" + (range.map { " (at most \($0.upperBound))" } ?? ""))
            return nil
        }
        if let range, !range.contains(value) {
            if range.upperBound == .max {
                report(.outOfRange, at: node, "\(what) must be \(range.lowerBound) or more, found \(value)")
            } else {
                report(.outOfRange, at: node, "\(what) must be in \(range.lowerBound)…\(range.upperBound), found \(value)")
            }
            return nil
        }
        return value
    }

    /// `true` or `false`.
    public func bool(_ node: Node, _ what: String) -> Bool? {
        guard case .scalar(let s) = node, s.tagName == .bool, let value = node.bool else {
            report(.wrongType, at: node, "\(what) must be true or false, found \(describe(node))")
            return nil
        }
        return value
    }

    /// A duration in seconds (``SpecDuration``: `500ms`, `90s`, `5m`, `2h`, `1d`, `2w`),
    /// finite, non-negative, at most 10 years, and at least `minimum`.
    public func duration(_ node: Node, _ what: String, minimum: Double = 0) -> Double? {
        guard case .scalar(let s) = node, s.tagName != .null else {
            report(.wrongType, at: node, "\(what) must be a duration such as \(SpecDuration.examples), found \(describe(node))")
            return nil
        }
        switch SpecDuration.seconds(s.string) {
        case .success(let seconds):
            guard seconds >= minimum else {
                report(.outOfRange, at: node, "\(what) must be more than 0", hint: "write e.g. 30s")
                return nil
            }
            return seconds
        case .failure(.notADuration):
            report(.invalidValue, at: node, "\(what) must be a duration such as \(SpecDuration.examples), found \(quotedForMessage(s.string))",
                   hint: "write e.g. 90s, 30m, 24h, 7d")
        case .failure(let problem):
            report(.outOfRange, at: node, "\(what) \(problem), found \(quotedForMessage(s.string))", hint: "durations are 0 to 3650d")
        }
        return nil
    }

    /// A size in bytes: a whole number, or one with `KB`, `MB`, `GB` (powers of 1024), in `range`.
    public func size(_ node: Node, _ what: String, in range: ClosedRange<Int>) -> Int? {
        guard case .scalar(let s) = node, s.tagName != .null else {
            report(.wrongType, at: node, "\(what) must be a size such as 65536, 64KB or 16MB, found \(describe(node))")
            return nil
        }
        let text = s.string.trimmingASCIIWhitespace().uppercased()
        let units: [(String, Int)] = [("KB", 1 << 10), ("MB", 1 << 20), ("GB", 1 << 30), ("B", 1)]
        var number = Substring(text), scale = 1
        for (suffix, factor) in units where text.hasSuffix(suffix) { number = text.dropLast(suffix.count); scale = factor; break }
        guard let value = Int(String(number).trimmingASCIIWhitespace()), value >= 0 else {
            report(.invalidValue, at: node, "\(what) must be a size such as 65536, 64KB or 16MB, found \(quotedForMessage(s.string))")
            return nil
        }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: scale)
        guard !overflow, range.contains(bytes) else {
            report(.outOfRange, at: node, "\(what) must be in \(range.lowerBound)…\(range.upperBound) bytes, found \(escapedForMessage(s.string))")
            return nil
        }
        return bytes
    }

    /// One of the raw values of `T`, with "did you mean".
    public func choice<T: RawRepresentable & CaseIterable>(_ node: Node, _ what: String, as type: T.Type) -> T? where T.RawValue == String {
        guard let text = string(node, what) else { return nil }
        if let value = T(rawValue: text) { return value }
        let names = T.allCases.map(\.rawValue)
        report(.invalidValue, at: node, "unknown \(what) \(quotedForMessage(text))", hint: Self.didYouMean(text, among: names, listing: false))
        return nil
    }

    /// A scalar as a typed value: integers, floats (finite), booleans, null, else text.
    public func value(_ node: Node, _ what: String) -> Value? {
        guard case .scalar(let s) = node else {
            report(.wrongType, at: node, "\(what) must be a single value, found \(describe(node))")
            return nil
        }
        switch s.tagName {
        case .int: if let v = Int64(s.string) ?? node.int.map(Int64.init) { return .int64(v) }
        case .float:
            if let v = node.float {
                guard v.isFinite else {
                    report(.outOfRange, at: node, "\(what) must be a finite number, found \(s.string)", hint: "NaN and infinity cannot be compared; write a number")
                    return nil
                }
                return .float64(v)
            }
        case .bool: if let v = node.bool { return .bool(v) }
        case .null: return .null
        default: break
        }
        return .string(s.string)
    }

    /// A mapping of name to scalar text (`params:`, `env:`, `connections:`).
    public func stringMap(_ node: Node, _ what: String) -> [String: String]? {
        guard case .mapping(let mapping) = node else {
            report(.wrongType, at: node, "\(what) must be a mapping of name: value, found \(describe(node))")
            return nil
        }
        var result: [String: String] = [:]
        for (k, v) in mapping {
            guard let name = string(k, "a name in \(what)") else { continue }
            guard case .scalar(let s) = v else {
                report(.wrongType, at: v, "\(what).\(name) must be a single value, found \(describe(v))")
                continue
            }
            guard !s.string.utf8.contains(0) else {
                report(.invalidValue, at: v, "\(what).\(name) must not contain a NUL byte")
                continue
            }
            result[name] = s.string
        }
        return result
    }

    static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

extension Node.Scalar {
    /// The resolved tag (`int`, `float`, `bool`, `null`, `str`, …).
    package var tagName: Tag.Name { Resolver.default.resolveTag(of: Node.scalar(self)) }
}
