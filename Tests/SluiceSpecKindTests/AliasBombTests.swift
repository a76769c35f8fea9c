import Foundation
import SluiceCore
import SluicePipeline
import SluiceQuality
import SluiceSpec
import SluiceStream
import SluiceTransform
import SluiceTestSupport
import Testing

/// A YAML alias bomb ("billion laughs") in each of the four spec kinds: a located error
/// naming the node limit, in bounded time and memory, before any reader walks the tree.
@Suite("Spec kinds: alias bombs")
struct AliasBombTests {
    /// The four spec kinds, each with the bomb where its reader would look: at the top
    /// level and inside a value it reads.
    static let kinds: [(name: String, parse: @Sendable (String) throws -> Void, text: String)] = [
        ("pipeline", { _ = try Pipeline.parse($0, file: "/nonexistent/bomb/pipeline.yaml") },
         "pipeline: p\n" + yamlAliasBomb(levels: 9) + "tasks:\n  a: { shell: \"true\", env: { A: *x9 } }\n"),
        ("suite", { _ = try SuiteSpec.parse($0, file: "bomb.yaml") },
         "dataset: d.csv\n" + yamlAliasBomb(levels: 9) + "checks:\n  - not_null: [*x9]\n"),
        ("stream", { _ = try StreamSpec(yaml: $0, file: "bomb.yaml") },
         "stream: s\n" + yamlAliasBomb(levels: 9) + "input: { file: in.jsonl }\nprocessors:\n  - validate: { required: *x9 }\noutput: { file: o.jsonl }\n"),
        ("transform", { _ = try Transform(yaml: $0, file: "bomb.yaml", loadTable: { _ in Table.empty }) },
         yamlAliasBomb(levels: 9) + "steps:\n  - select: [a]\n  - drop: *x9\n"),
    ]

    @Test("a billion laughs is refused in every spec kind, located, within seconds", arguments: 0..<4)
    func refused(kind: Int) throws {
        let (name, parse, text) = Self.kinds[kind]
        let clock = ContinuousClock()
        let started = clock.now
        do {
            try parse(text)
            Issue.record("\(name): the bomb was accepted")
        } catch let error as any SluiceError {
            #expect(error.description.contains("more than 200000 YAML nodes"), "\(name): \(error)")
            #expect((error.location?.line ?? 0) > 0 && error.location?.file != nil, "\(name): \(error)")
            #expect(error.category == .usage, "\(name): \(error)")
        }
        #expect(clock.now - started < .seconds(5), "\(name) took \(clock.now - started)")
    }

    @Test("a few levels of aliases stay allowed in every spec kind's YAML", arguments: 0..<4)
    func fewLevels(kind: Int) throws {
        let (name, parse, text) = Self.kinds[kind]
        let small = text.replacingOccurrences(of: "*x9", with: "*x1")
            .replacingOccurrences(of: yamlAliasBomb(levels: 9), with: yamlAliasBomb(levels: 2))
        do { try parse(small) } catch let error as any SluiceError {
            #expect(!error.description.contains("YAML nodes"), "\(name): \(error)")
        }
    }
}
