import Foundation
import SluiceCore
import SluiceFormats
import SluiceSQL
import Testing
@testable import SluicePipeline

/// A SQL extract task hands on the batches it fetched (a chunked table): the load and the
/// run artifact walk the chunks; a task that needs one table gets them combined.
@Suite("Chunked SQL extract in pipelines")
struct ChunkedExtractPipelineTests {
    static let yaml = """
    pipeline: chunks
    connections: { source: "sqlite:source.db", target: "sqlite:target.db" }
    tasks:
      extract: { extract: { connection: source, query: "SELECT id, name FROM people ORDER BY id" } }
      load: { after: [extract], load: { connection: target, table: people } }
      shape:
        after: [extract]
        transform:
          - derive: { twice: "id * 2" }
          - filter: "id % 50000 = 0"
      save: { after: [shape], load: { file: shape.csv } }
    """

    @Test("150,000 extracted rows (three batches) reach the load, the artifact and a transform unchanged")
    func chunksFlowThrough() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let rows = 150_000
        let people = try Table([("id", Column(int64: (0..<rows).map { Int64($0) })),
                                ("name", Column(string: (0..<rows).map { "p\($0)" }))])
        let source = try SQLConnection(url: ConnectionURL("sqlite:" + ws.path("source.db")))
        try source.load(people, into: "people", options: LoadOptions(mode: .replace))

        let runner = PipelineRunner(pipeline: try ws.pipeline(Self.yaml), store: try ws.store(), clock: ManualClock())
        runner.artifactsRoot = ws.path("artifacts")
        runner.keepArtifacts = true
        let summary = try await runner.run(RunRequest(logicalDate: day("2024-01-02")))
        #expect(summary.succeeded)

        let target = try SQLConnection(url: ConnectionURL("sqlite:" + ws.path("target.db")))
        #expect(try target.extract(SQLTemplate("SELECT id, name FROM people ORDER BY id")) == people)
        // The artifact holds the chunks as its record batches.
        let artifact = ws.path("artifacts/chunks/2024-01-02/extract.sluice")
        #expect(try TableFile.read(path: artifact).0 == people)
        #expect(summary.tasks.first { $0.task == "extract" }?.rowsOut == rows)
        #expect(try String(contentsOfFile: ws.path("shape.csv"), encoding: .utf8)
                == "id,name,twice\n0,p0,0\n50000,p50000,100000\n100000,p100000,200000\n")
    }
}
