import Foundation
import SluicePipeline
import SluiceQuality
import SluiceStream
import SluiceTransform
import Testing

/// Each of the four spec kinds collects every problem of a file and reports them together,
/// sorted by location (issue 11: "all problems collected and reported together").
@Suite("Every spec kind reports all its problems, sorted by location")
struct AllProblemsTests {
    /// The description's lines that start with `file:`, in order.
    static func located(_ error: any Error, file: String) -> [String] {
        String(describing: error).split(separator: "\n").map(String.init).filter { $0.hasPrefix(file + ":") }
    }

    /// Line numbers of `lines` (`file:LINE:COLUMN: …`).
    static func lineNumbers(_ lines: [String]) -> [Int] {
        lines.compactMap { line in line.split(separator: ":").dropFirst().first.flatMap { Int($0) } }
    }

    static func check(_ kind: String, file: String, expectedLines: [Int], _ parse: () throws -> Void) {
        do {
            try parse()
            Issue.record("\(kind): a spec with \(expectedLines.count) problems parsed")
        } catch {
            let lines = located(error, file: file)
            #expect(lineNumbers(lines) == expectedLines, "\(kind): \(error)")
        }
    }

    @Test("pipeline: an unknown task key and a bad duration further down, both, in file order")
    func pipeline() {
        Self.check("pipeline", file: "p.yaml", expectedLines: [5, 8]) {
            _ = try Pipeline.parse("""
            pipeline: p
            tasks:
              a:
                shell: echo hi
                retrys: 2
              b:
                after: [a]
                timeout: forever
                shell: echo b
            """, file: "p.yaml")
        }
    }

    @Test("suite: an unknown check and an unknown option of a later one, both, in file order")
    func suite() {
        Self.check("suite", file: "s.yaml", expectedLines: [3, 5]) {
            _ = try SuiteSpec.parse("""
            dataset: data.csv
            checks:
              - not_nul: id
              - unique: id
              - range: { column: age, minimum: 0 }
            """, file: "s.yaml")
        }
    }

    @Test("stream: an unknown top-level key and an unknown processor, both, in file order")
    func stream() {
        Self.check("stream", file: "st.yaml", expectedLines: [2, 6]) {
            _ = try StreamSpec(yaml: """
            stream: s
            retrys: 3
            input: { file: in.jsonl }
            output: { file: out.jsonl }
            processors:
              - validte: { required: [id] }
            dead_letter: { file: dlq.jsonl }
            """, file: "st.yaml", environment: [:])
        }
    }

    @Test("transform: an unknown step and a bad key of a later step, both, in file order")
    func transform() {
        Self.check("transform", file: "t.yaml", expectedLines: [1, 3]) {
            _ = try Transform(yaml: """
            - filtr: "x > 1"
            - derive: { y: "x + 1" }
            - sort: { bye: [x] }
            """, file: "t.yaml", loadTable: { _ in throw CancellationError() })
        }
    }
}
