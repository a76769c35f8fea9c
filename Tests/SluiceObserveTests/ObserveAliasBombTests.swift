import Foundation
import SluiceCore
import SluiceObserve
import SluiceTestSupport
import Testing

/// A YAML alias bomb ("billion laughs") in the files SluiceObserve reads itself (an alert
/// spec's `alerts:` section, the project file, pipeline callbacks): refused by the spec
/// layer's node limit, located, in bounded time, as in the four spec kinds.
@Suite("Observe specs: alias bombs")
struct ObserveAliasBombTests {
    /// Each reader, with the bomb where it would look.
    static let readers: [(name: String, read: @Sendable (String) throws -> Void, text: String)] = [
        ("alert spec", { _ = try AlertsSpec.section("alerts", inFile: $0) },
         "pipeline: p\n" + yamlAliasBomb(levels: 9) + "alerts:\n  on: failure\n  command: *x9\n"),
        ("project file", { _ = try ProjectConfig(path: $0) },
         yamlAliasBomb(levels: 9).replacingOccurrences(of: "x9: &x9", with: "alerts: &x9")),
        ("callbacks", { _ = try CallbackObserver.callbacks(inFile: $0) },
         "pipeline: p\n" + yamlAliasBomb(levels: 9) + "on_failure: *x9\ntasks: {}\n"),
    ]

    @Test("a billion laughs is refused, located, within seconds", arguments: 0..<3)
    func refused(reader: Int) throws {
        let (name, read, text) = Self.readers[reader]
        let directory = try TemporaryDirectory("alias-bomb")
        defer { directory.cleanUp() }
        let path = directory.file("spec.yaml")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let clock = ContinuousClock()
        let started = clock.now
        do {
            try read(path)
            Issue.record("\(name): the bomb was accepted")
        } catch let error as any SluiceError {
            #expect(error.description.contains("more than 200000 YAML nodes"), "\(name): \(error)")
            #expect(error.description.contains(path + ":"), "\(name): not located: \(error)")
            #expect(error.category == .usage, "\(name): \(error)")
        }
        #expect(clock.now - started < .seconds(5), "\(name) took \(clock.now - started)")
    }

    @Test("an alert spec with a few levels of aliases is still read")
    func fewLevels() throws {
        let directory = try TemporaryDirectory("alias-few")
        defer { directory.cleanUp() }
        let path = directory.file("pipeline.yaml")
        try "pipeline: p\nshared: &ops { command: \"true\" }\nalerts:\n  channels: { ops: *ops }\n  rules: [ failure ]\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let node = try #require(try AlertsSpec.section("alerts", inFile: path))
        let spec = try AlertsSpec(node: node, file: path)
        #expect(spec.channels["ops"] == .command("true"))
        #expect(spec.rules.map(\.name) == ["failure"])
    }
}
