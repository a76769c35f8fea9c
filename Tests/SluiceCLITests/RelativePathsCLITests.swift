import Foundation
import SluiceTestSupport
import Testing

/// Relative paths inside a pipeline and the suite it names resolve against the file they are
/// written in, whatever the working directory.
@Suite("Relative paths in specs (CLI)")
struct RelativePathsCLITests {
    @Test("a pipeline run from another directory reads its files, joins, suite and suite references beside the specs")
    func fromElsewhere() throws {
        let root = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: root) }
        let project = root.appendingPathComponent("proj"), elsewhere = root.appendingPathComponent("elsewhere")
        for dir in ["proj/data", "proj/checks", "elsewhere"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        func write(_ path: String, _ text: String) throws {
            try text.write(to: project.appendingPathComponent(path), atomically: true, encoding: .utf8)
        }
        try write("data/orders.csv", "id,user_id,amount\n1,1,5.5\n2,2,7\n3,1,1\n")
        try write("data/users.csv", "user_id,email\n1,a@x\n2,b@x\n")
        try write("checks/suite.yaml", """
        references: { users: ../data/users.csv }
        checks:
          - referential: { column: user_id, reference: users.user_id }
          - not_null: emial
        """)
        try write("pipeline.yaml", """
        pipeline: rel
        connections: { wh: "sqlite:wh.db" }
        tasks:
          extract:
            extract: { file: data/orders.csv }
          joined:
            after: [extract]
            transform:
              - join: { file: data/users.csv, on: user_id, how: left }
          gate:
            after: [joined]
            check: { suite: checks/suite.yaml }
          load:
            after: [gate]
            load: { connection: wh, table: orders, mode: upsert, key: [id] }
        """)
        // A typo in the suite (emial) is found against the join's output, located in the suite file.
        let typo = try CLI.run(["validate", "../proj/pipeline.yaml"], in: elsewhere)
        #expect(typo.status == 2, "\(typo.stderr)")
        #expect(typo.stderr.contains("suite.yaml:4:5: error: task \"gate\": check not_null(emial)"), "\(typo.stderr)")
        #expect(typo.stderr.contains("did you mean `email`?"), "\(typo.stderr)")
        try write("checks/suite.yaml", try String(contentsOf: project.appendingPathComponent("checks/suite.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "emial", with: "email"))
        let run = try CLI.run(["run", "../proj/pipeline.yaml", "--date", "2024-06-01"], in: elsewhere)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: project.appendingPathComponent("wh.db").path))
        #expect(!FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("wh.db").path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
    }
}
