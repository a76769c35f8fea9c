#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SluiceSpec
import Yams

/// The project file `sluice.yaml`, found in a pipeline's (or stream spec's) directory or
/// the nearest one above it: defaults shared by the project's pipelines and streams.
///
/// Each top-level key is a section its owner parses from the Yams node (``section(_:)``):
/// `alerts:` (``AlertsSpec``) here; more sections (e.g. `lineage:`) are read the same way.
///
/// ```swift
/// let project = try ProjectConfig.find(near: "examples/user_analytics/pipeline.yaml")
/// let defaults = try project?.alerts ?? AlertsSpec()
/// ```
public struct ProjectConfig: @unchecked Sendable {   // Yams nodes are value trees, only read
    public static let fileName = "sluice.yaml"
    /// Keys the project file may have; a section's owner adds its key here.
    public static var knownSections: [String] { ["alerts"] + extraSections }
    /// Sections added by other parts (kept in one place so an unknown key can be reported).
    public static let extraSections = ["lineage"]

    public let path: String
    let sections: [String: Node]

    /// Reads a project file.
    ///
    /// - Throws: ``ObserveError`` `.invalidConfiguration` naming file:line:column for YAML or an unknown key.
    public init(path: String) throws {
        self.path = path
        let text = String(decoding: try readFile(path), as: UTF8.self)
        let root: Node?
        do { root = try SpecDocument.compose(text, file: path) } catch let error as SpecDiagnostic {
            throw ObserveError(.invalidConfiguration, location: error.location?.description ?? path,
                               message: error.message, hint: error.hint)
        }
        var sections: [String: Node] = [:]
        if let root {
            guard case .mapping(let mapping) = root else {
                throw ObserveError(.invalidConfiguration, location: path, message: "the project file must be a mapping of sections",
                                   hint: "alerts: { … }")
            }
            for (key, value) in mapping {
                let name = key.string ?? ""
                guard Self.knownSections.contains(name) else {
                    let mark = key.mark.map { ":\($0.line):\($0.column)" } ?? ""
                    throw ObserveError(.invalidConfiguration, location: path + mark, message: "unknown section \"\(name)\"",
                                       hint: "sections: " + Self.knownSections.joined(separator: ", "))
                }
                sections[name] = value
            }
        }
        self.sections = sections
    }

    /// The nearest `sluice.yaml` at or above the directory of `specPath`, if any.
    public static func find(near specPath: String) throws -> ProjectConfig? {
        var directory = specPath.contains("/") ? String(specPath[..<specPath.lastIndex(of: "/")!]) : "."
        if !directory.hasPrefix("/") {
            var buffer = [Int8](repeating: 0, count: 4096)
            if getcwd(&buffer, buffer.count) != nil {
                let cwd = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                directory = directory == "." ? cwd : cwd + "/" + directory
            }
        }
        while true {
            let candidate = (directory.isEmpty ? "" : directory) + "/" + fileName
            if access(candidate, F_OK) == 0 { return try ProjectConfig(path: candidate) }
            guard let slash = directory.lastIndex(of: "/"), !directory.isEmpty else { return nil }
            directory = String(directory[..<slash])
        }
    }

    /// A section's node, for its owner to parse.
    public func section(_ key: String) -> Node? { sections[key] }

    /// The project's alert defaults (channels, rules, repeat interval, delivery).
    public var alerts: AlertsSpec {
        get throws { try section("alerts").map { try AlertsSpec(node: $0, file: path) } ?? AlertsSpec() }
    }
}
