import Foundation
import SluicePipeline
import SluiceQuality
import SluiceSpec
import SluiceStream
import SluiceTransform
import Testing

/// `docs/REFERENCE.md` is generated from the key definitions the parsers use.
/// Regenerate it with `SLUICE_RECORD_SNAPSHOTS=1 swift test --filter ReferenceTests`.
@Suite("docs/REFERENCE.md")
struct ReferenceTests {
    static var path: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/REFERENCE.md").standardized
    }

    /// The whole reference, from the spec kinds' key definitions.
    static var generated: String {
        let kinds = [Pipeline.reference, Transform.reference, SuiteSpec.reference, StreamSpec.reference]
        return """
        # Sluice YAML reference

        <!-- Generated from the key definitions the parsers use (SpecSection in each module's Spec folder).
             Do not edit: run `SLUICE_RECORD_SNAPSHOTS=1 swift test --filter ReferenceTests` to regenerate. -->

        Every key of every spec kind: its type, its default and an example. Numbers are checked
        when a spec is read (finite, in range); durations are written `500ms`, `90s`, `5m`,
        `2h`, `1d` or `2w` (a bare number is seconds), at most 10 years; a spec may not expand
        to more than 200,000 YAML nodes (aliases count once per use).

        Contents: \(kinds.map { "[\($0.kind)](#\($0.kind.lowercased()))" }.joined(separator: " · "))


        """ + kinds.map(\.markdown).joined(separator: "\n")
    }

    @Test("the committed reference is up to date")
    func upToDate() throws {
        let text = Self.generated
        if ProcessInfo.processInfo.environment["SLUICE_RECORD_SNAPSHOTS"] == "1" {
            try text.write(to: Self.path, atomically: true, encoding: .utf8)
        }
        let committed = try String(contentsOf: Self.path, encoding: .utf8)
        #expect(committed == text, "docs/REFERENCE.md is stale: run SLUICE_RECORD_SNAPSHOTS=1 swift test --filter ReferenceTests")
    }

    @Test("every key is documented with a type and an example, and named once per section")
    func complete() {
        for kind in [Pipeline.reference, Transform.reference, SuiteSpec.reference, StreamSpec.reference] {
            for section in kind.sections {
                #expect(Set(section.names).count == section.names.count, "\(section.title) repeats a key")
                for key in section.keys {
                    #expect(!key.type.isEmpty && !key.doc.isEmpty && !key.example.isEmpty, "\(section.title).\(key.name)")
                }
            }
        }
    }
}
