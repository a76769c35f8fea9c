import Foundation
import Testing

/// Reads the package's own sources: which public API hands out pointers, and whether every
/// `@unchecked Sendable` says what makes it safe. Keeps issue 11's "unsafe code confined"
/// true as the code changes.
@Suite("Unsafe API confinement")
struct UnsafeConfinementTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// (path relative to Sources, lines) of every Swift file.
    static func files() throws -> [(path: String, lines: [String])] {
        let root = sources.path
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var result: [(String, [String])] = []
        for case let path as String in walker where path.hasSuffix(".swift") {
            let text = try String(contentsOfFile: root + "/" + path, encoding: .utf8)
            result.append((path, text.components(separatedBy: "\n")))
        }
        return result.sorted { $0.0 < $1.0 }
    }

    /// The name a declaration line declares (`func name(`, `var name:`, `subscript`, `init`).
    static func declaredName(_ line: String) -> String? {
        let pattern = /\b(?:func|var|let|case)\s+([A-Za-z_][A-Za-z0-9_]*)|\b(subscript|init)\b/
        guard let match = line.firstMatch(of: pattern) else { return nil }
        return match.1.map(String.init) ?? match.2.map(String.init)
    }

    /// Public (or open) declarations whose line names a pointer type, plus the requirements
    /// of public protocols that do: `file:name`.
    static func publicPointerAPI() throws -> [String] {
        var found: [String] = []
        let pointer = /\bUnsafe(Mutable)?(Raw)?(Buffer)?Pointer\b|\bOpaquePointer\b/
        let typeDeclaration = /^\s*(?:@[\w()]+\s+)*(public|open|package|private|fileprivate|internal)?\s*(?:final\s+)?(protocol|struct|class|enum|extension)\s/
        for (path, lines) in try files() {
            // Stack of enclosing declarations: whether each is a public protocol, and its brace depth.
            var depth = 0
            var publicProtocolDepths: [Int] = []
            for line in lines {
                let code = line.components(separatedBy: "//").first ?? line
                let trimmed = code.trimmingCharacters(in: .whitespaces)
                var isPublicProtocol = false
                if let m = trimmed.firstMatch(of: typeDeclaration), m.2 == "protocol", m.1 == "public" { isPublicProtocol = true }
                if trimmed.contains(pointer) && !trimmed.hasPrefix("///") {
                    let isPublic = trimmed.firstMatch(of: /^(?:@[\w()]+\s+)*(?:public|open)\b(?!\s*(?:private|internal|package)\(set\)\s*$)/) != nil
                    let inPublicProtocol = publicProtocolDepths.last == depth
                    let declares = trimmed.firstMatch(of: /\b(func|var|let|subscript|init)\b/) != nil
                    if declares && (isPublic || inPublicProtocol), let name = declaredName(trimmed) {
                        found.append("\(path):\(name)")
                    }
                }
                let opens = code.filter { $0 == "{" }.count, closes = code.filter { $0 == "}" }.count
                if isPublicProtocol { publicProtocolDepths.append(depth + 1) }
                depth += opens - closes
                while let last = publicProtocolDepths.last, depth < last { publicProtocolDepths.removeLast() }
            }
        }
        return found
    }

    @Test("only the scoped column accessors and the byte-source requirement hand out pointers publicly; each says why")
    func publicPointers() throws {
        let found = try Self.publicPointerAPI()
        #expect(found.count > 0, "the scan found nothing: is \(Self.sources.path) the sources?")
        #expect(found.sorted() == [
            "SluiceCore/Column/Column.swift:subscript",          // StringsView's row bytes, valid inside withUnsafeStrings
            "SluiceCore/Column/Column.swift:withUnsafeValues",
            "SluiceFormats/IO/ByteSource.swift:read",            // the ByteSource requirement: fills the reader's buffer in place
            "SluiceFormats/IO/ByteSource.swift:read",            // FileByteSource
            "SluiceFormats/IO/ByteSource.swift:read",            // MemoryByteSource
        ], "a new public pointer API: make it `package`, or scope it in a withUnsafe… closure and say in its doc comment why it is public")
    }

    @Test("the scan sees a public pointer API in a public protocol and in a public declaration")
    func scanFindsKnownCases() throws {
        let found = try Self.publicPointerAPI()
        #expect(found.filter { $0 == "SluiceFormats/IO/ByteSource.swift:read" }.count == 3)
        #expect(!found.contains { $0.hasSuffix(":unsafeValuesAddress") || $0.hasSuffix(":unsafeStrings") || $0.hasSuffix(":gathering") })
    }

    @Test("every @unchecked Sendable in Sources says what guards it (a comment on its line or just above)")
    func uncheckedSendableJustified() throws {
        var unexplained: [String] = []
        var count = 0
        for (path, lines) in try Self.files() {
            for (index, line) in lines.enumerated() where line.contains("@unchecked Sendable") && !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                count += 1
                if line.contains("//") { continue }
                var above = index - 1
                var comment = ""
                while above >= 0, lines[above].trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                    comment += lines[above]
                    above -= 1
                }
                if comment.isEmpty { unexplained.append("\(path):\(index + 1)") }
            }
        }
        #expect(count >= 40, "found \(count) uses: is the scan reading the sources?")
        #expect(unexplained.isEmpty, "no comment saying what guards it: \(unexplained)")
    }
}
