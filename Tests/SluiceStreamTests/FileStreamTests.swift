import Foundation
import Testing
import SluiceFormats
@testable import SluiceStream
import SluiceTestSupport

/// What the example's rules say about one input line: its output id, or that it is dead-lettered.
func expectedOutcome(_ line: String) -> String? {
    guard let o = object(line), let user = o["user_id"] as? String, let type = o["event_type"], type is String,
          !(type is NSNumber), let timestamp = o["timestamp"], !(timestamp is NSNull) else { return nil }
    return "\(user)_\(timestamp)"
}

@Suite("File streams")
struct FileStreamTests {
    @Test("no loss: every input line ends in the output or the DLQ, as the rules say")
    func noLoss() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("events.jsonl")
        let summary = try UserEventsGenerator(events: 5_000, seed: 7).write(to: input.path)
        #expect(summary.bad > 50)
        let spec = try StreamSpec(yaml: userEventsSpec(input: "{ file: \(input.path) }", output: "{ file: \(dir.path)/out.jsonl }",
                                                       deadLetter: "{ file: \(dir.path)/dlq.jsonl }", settings: "settings: { batch_size: 700 }"))
        let counters = try StreamRunner(spec: spec).run()
        let inputLines = try lines(input)
        let expected = inputLines.map(expectedOutcome)
        let out = try lines(dir.appendingPathComponent("out.jsonl"))
        let dlq = try lines(dir.appendingPathComponent("dlq.jsonl"))
        #expect(counters.input == 5_000 && counters.output == out.count && counters.deadLettered == dlq.count)
        #expect(out.map { field("id", in: $0)! } == expected.compactMap { $0 })
        #expect(out.allSatisfy { field("processed_at", in: $0)?.hasSuffix("Z") == true && field("metadata", in: $0) != nil })
        let dlqLines = dlq.map { (object($0)!["source"] as! [String: Any])["line"] as! Int }
        #expect(dlqLines == expected.indices.filter { expected[$0] == nil }.map { $0 + 1 })
        #expect(dlq.allSatisfy { inputLines[((object($0)!["source"] as! [String: Any])["line"] as! Int) - 1] == object($0)!["original"] as? String })
        #expect(try PositionFile(path: input.path + ".user_events.position").load()! == (Int64(summary.bytes), 5_000))
    }

    @Test("a restart resumes after the stored position; lines appended later are read once")
    func resumes() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.jsonl")
        func record(_ i: Int) -> String { #"{"user_id":"u\#(i)","event_type":"e","timestamp":"t"}"# }
        try ((1...10).map(record).joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
        let yaml = userEventsSpec(input: "{ file: \(input.path) }", output: "{ file: \(dir.path)/out.jsonl }", deadLetter: "{ file: \(dir.path)/dlq.jsonl }")
        #expect(try StreamRunner(spec: try StreamSpec(yaml: yaml)).run().input == 10)
        let handle = try FileHandle(forWritingTo: input)
        handle.seekToEndOfFile()
        handle.write(Data(((11...15).map(record).joined(separator: "\n") + "\n" + record(16)).utf8))   // last line without \n
        try handle.close()
        #expect(try StreamRunner(spec: try StreamSpec(yaml: yaml)).run().input == 6)
        let ids = try lines(dir.appendingPathComponent("out.jsonl")).map { field("user_id", in: $0)! }
        #expect(ids == (1...16).map { "u\($0)" })
        #expect(try StreamRunner(spec: try StreamSpec(yaml: yaml)).run().input == 0)
    }

    @Test("a torn last output line left by a crash is cut before appending")
    func tornOutput() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try #"{"user_id":"u0","event_type":"e","timestamp":"t"}"#.appending("\n").write(to: dir.appendingPathComponent("in.jsonl"), atomically: true, encoding: .utf8)
        try "{\"id\":\"old\"}\n{\"id\":\"tor".write(to: dir.appendingPathComponent("out.jsonl"), atomically: true, encoding: .utf8)
        let yaml = userEventsSpec(input: "{ file: \(dir.path)/in.jsonl }", output: "{ file: \(dir.path)/out.jsonl }", deadLetter: "{ file: \(dir.path)/dlq.jsonl }")
        try StreamRunner(spec: try StreamSpec(yaml: yaml)).run()
        #expect(try lines(dir.appendingPathComponent("out.jsonl")).map { field("id", in: $0)! } == ["old", "u0_t"])
    }

    @Test("killed between writing and committing: the restart duplicates only the uncommitted batch, no gap")
    func crashAndRestart() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let n = 5_000
        var text = ""
        for i in 1...n {
            // Every 97th line is bad (missing timestamp), every 1000th empty.
            if i % 1000 == 0 { text += "\n"; continue }
            text += i % 97 == 0 ? #"{"user_id":"u\#(i)","event_type":"e"}"# : #"{"user_id":"u\#(i)","event_type":"e","timestamp":"\#(i)"}"#
            text += "\n"
        }
        try text.write(to: dir.appendingPathComponent("in.jsonl"), atomically: true, encoding: .utf8)
        try userEventsSpec(input: "{ file: in.jsonl }", output: "{ file: out.jsonl }", deadLetter: "{ file: dlq.jsonl }",
                           settings: "settings: { batch_size: 1000, commit_interval: 0s }")
            .write(to: dir.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let outURL = dir.appendingPathComponent("out.jsonl"), dlqURL = dir.appendingPathComponent("dlq.jsonl")
        @Sendable func written() -> Int { ((try? lines(outURL).count) ?? 0) + ((try? lines(dlqURL).count) ?? 0) }
        // The first run holds still after sending its third batch (written, not yet fsynced or committed), then is killed.
        try await runAndKill(specPath: dir.appendingPathComponent("spec.yaml").path, afterBatches: 3) { sent in
            #expect(sent == 3_000)
            #expect(written() >= 3_000)
        }
        let committed = try PositionFile(path: dir.appendingPathComponent("in.jsonl.user_events.position").path).load()
        #expect(committed?.line == 2_000)

        let second = try startSluice(["stream", "run", "spec.yaml"], in: dir)
        second.waitUntilExit()
        #expect(second.terminationStatus == 0)
        var seen = [Int](repeating: 0, count: n + 1)
        for line in try lines(outURL) { seen[Int(field("timestamp", in: line)!)!] += 1 }
        for line in try lines(dlqURL) { seen[(object(line)!["source"] as! [String: Any])["line"] as! Int] += 1 }
        #expect((1...n).allSatisfy { seen[$0] >= 1 })                          // no gap
        #expect((1...2_000).allSatisfy { seen[$0] == 1 })                      // committed: exactly once
        #expect((2_001...3_000).allSatisfy { seen[$0] == 2 })                  // the uncommitted batch: again
        #expect((3_001...n).allSatisfy { seen[$0] == 1 })
    }

    @Test("SIGTERM with --follow: stop reading, flush, commit, exit 0")
    func followAndTerminate() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.jsonl")
        try "".write(to: input, atomically: true, encoding: .utf8)
        try userEventsSpec(input: "{ file: in.jsonl }", output: "{ file: out.jsonl }", deadLetter: "{ file: dlq.jsonl }",
                           settings: "settings: { status_interval: 100ms }")
            .write(to: dir.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let process = try startSluice(["stream", "run", "spec.yaml", "--follow"], in: dir)
        let handle = try FileHandle(forWritingTo: input)
        handle.write(Data((#"{"user_id":"a","event_type":"e","timestamp":"1"}"# + "\n{bad\n" + #"{"user_id":"b","#).utf8))
        #expect(waitUntil { ((try? lines(dir.appendingPathComponent("out.jsonl")).count) ?? 0) == 1 })
        handle.write(Data((#""event_type":"e","timestamp":"2"}"# + "\n").utf8))   // completes the torn line
        #expect(waitUntil { ((try? lines(dir.appendingPathComponent("out.jsonl")).count) ?? 0) == 2 })
        try handle.close()
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try lines(dir.appendingPathComponent("out.jsonl")).map { field("id", in: $0)! } == ["a_1", "b_2"])
        #expect(try lines(dir.appendingPathComponent("dlq.jsonl")).count == 1)
        #expect(try PositionFile(path: input.path + ".user_events.position").load()?.line == 3)
        let log = try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil).first { $0.pathExtension == "log" }!
        let status = try String(contentsOf: log, encoding: .utf8)
        #expect(status.contains("stream user_events: done: in 3  out 2  dlq 1  filtered 0"))
    }

    @Test("stdin to stdout")
    func pipes() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try userEventsSpec(input: "{ file: \"-\" }", output: "{ file: \"-\" }", deadLetter: "{ file: dlq.jsonl }")
            .write(to: dir.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["stream", "run", "spec.yaml", "--quiet"]
        process.currentDirectoryURL = dir
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data((#"{"user_id":"x","event_type":"e","timestamp":"9"}"# + "\n\n").utf8))
        try input.fileHandleForWriting.close()
        let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(field("id", in: out.trimmingCharacters(in: .newlines)) == "x_9")
        #expect(try lines(dir.appendingPathComponent("dlq.jsonl")).count == 1)
    }

    @Test("relative paths in a stream spec resolve against the spec's directory, not the working directory")
    func pathsRelativeToSpec() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let specDir = dir.appendingPathComponent("streams/app")
        let elsewhere = dir.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: specDir.appendingPathComponent("data"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try "{\"a\":1}\n{\"b\":2}\n".write(to: specDir.appendingPathComponent("data/in.jsonl"), atomically: true, encoding: .utf8)
        try """
        stream: rel
        input: { file: data/in.jsonl }
        processors:
          - validate: { required: [a] }
        output: { file: data/out.jsonl }
        dead_letter: { file: data/dlq.jsonl }
        """.write(to: specDir.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let run = try startSluice(["stream", "run", "../streams/app/spec.yaml"], in: elsewhere)
        run.waitUntilExit()
        #expect(run.terminationStatus == 0)
        #expect(try lines(specDir.appendingPathComponent("data/out.jsonl")) == [#"{"a":1}"#])
        #expect(try lines(specDir.appendingPathComponent("data/dlq.jsonl")).count == 1)
        #expect(!FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("data").path))
    }

    @Test("sluice stream validate: ok line, and located errors with exit 2")
    func validateCommand() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../examples/user_events/spec.yaml")
        let ok = try startSluice(["stream", "validate", url.path], in: dir)
        ok.waitUntilExit()
        #expect(ok.terminationStatus == 0)
        try "input: { file: a }\nprocessors:\n  - filtr: x\noutput: { file: b }\ndead_letter: { file: c }\n"
            .write(to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let bad = try startSluice(["stream", "validate", "bad.yaml"], in: dir)
        bad.waitUntilExit()
        #expect(bad.terminationStatus == 2)
        let log = try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil).filter { $0.pathExtension == "log" }
        let text = try log.map { try String(contentsOf: $0, encoding: .utf8) }.joined()
        #expect(text.contains("bad.yaml:3:5: error: unknown processor \"filtr\"\n  hint: did you mean `filter`?"))
    }
}
