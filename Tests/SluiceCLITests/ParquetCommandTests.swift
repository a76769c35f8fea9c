import Foundation
import Testing
import SluiceTestSupport

@Suite("ParquetCommands")
struct ParquetCommandTests {
    @Test("CSV → Parquet → CSV through convert is lossless; schema, head, scan --columns and check read the Parquet file")
    func roundTripThroughCommands() throws {
        let directory = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = """
        id,email,score,active,joined,seen
        1,ada@example.com,9.5,true,2024-06-01,2024-06-01T12:00:00Z
        2,,-0.25,false,1969-12-31,1960-01-01T00:00:00.000001Z
        3,"quoted, \"\"comma\"\"",,true,,
        4,日本語,1e300,,2000-02-29,2000-01-01T00:00:00Z

        """
        try csv.write(to: directory.appendingPathComponent("in.csv"), atomically: true, encoding: .utf8)
        let toParquet = try CLI.run(["convert", "in.csv", "t.parquet", "--compression", "zstd", "--row-group-size", "2"], in: directory)
        #expect(toParquet.status == 0, "\(toParquet.stderr)")
        let back = try CLI.run(["convert", "t.parquet", "out.csv"], in: directory)
        #expect(back.status == 0, "\(back.stderr)")
        let original = try CLI.run(["convert", "in.csv", "-"], in: directory)
        let roundTripped = try String(contentsOf: directory.appendingPathComponent("out.csv"), encoding: .utf8)
        #expect(roundTripped == original.stdout)

        let schema = try CLI.run(["schema", "t.parquet"], in: directory)
        #expect(schema.status == 0)
        for needle in ["id", "int64", "email", "string", "score", "float64", "active", "bool", "joined", "date", "seen", "timestamp"] {
            #expect(schema.stdout.contains(needle), "\(schema.stdout)")
        }
        let scan = try CLI.run(["scan", "t.parquet", "--columns", "id,score", "--format", "json"], in: directory)
        #expect(scan.status == 0, "\(scan.stderr)")
        #expect(scan.stdout.contains("\"rows\":4"))
        #expect(!scan.stdout.contains("email"))
        let head = try CLI.run(["head", "t.parquet", "-n", "1"], in: directory)
        #expect(head.status == 0 && head.stdout.contains("ada@example.com"), "\(head.stdout)\(head.stderr)")
    }

    @Test("a file that is not Parquet is refused with the file named; bad options are usage errors")
    func errors() throws {
        let directory = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        try "a,b\n1,2\n".write(to: directory.appendingPathComponent("fake.parquet"), atomically: true, encoding: .utf8)
        let run = try CLI.run(["scan", "fake.parquet"], in: directory)
        #expect(run.status == 1)
        #expect(run.stderr.contains("fake.parquet: error: not a Parquet file"), "\(run.stderr)")
        try "a,b\n1,2\n".write(to: directory.appendingPathComponent("in.csv"), atomically: true, encoding: .utf8)
        let badCodec = try CLI.run(["convert", "in.csv", "x.parquet", "--compression", "brotli"], in: directory)
        #expect(badCodec.status != 0)
        #expect(badCodec.stderr.contains("unknown Parquet compression"), "\(badCodec.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("x.parquet").path))
    }

    @Test("check --filter (and a dataset filter in the suite) checks only the matching rows and skips the row groups statistics rule out")
    func checkFilterSkipsRowGroups() throws {
        let directory = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        // 4 row groups of 3 rows by day; only 2024-06-02 has a null email.
        var csv = "ds,email\n"
        for day in 1...4 { for i in 0..<3 { csv += "2024-06-0\(day),\(day == 2 && i == 1 ? "" : "u\(i)@x")\n" } }
        try csv.write(to: directory.appendingPathComponent("in.csv"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["convert", "in.csv", "t.parquet", "--row-group-size", "3"], in: directory).status == 0)
        try "checks:\n  - not_null: email\n  - row_count: { min: 3, max: 3 }\n".write(to: directory.appendingPathComponent("checks.yaml"), atomically: true, encoding: .utf8)
        let clean = try CLI.run(["check", "t.parquet", "--suite", "checks.yaml", "--filter", "ds = '2024-06-03'"], in: directory)
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        #expect(clean.stderr.contains("skipped 3 of 4 row groups"), "\(clean.stderr)")
        let dirty = try CLI.run(["check", "t.parquet", "--suite", "checks.yaml", "--filter", "ds = '2024-06-02'"], in: directory)
        #expect(dirty.status == 3, "\(dirty.stdout)\(dirty.stderr)")
        let everything = try CLI.run(["check", "t.parquet", "--suite", "checks.yaml"], in: directory)
        #expect(everything.status == 3)
        // The same filter written in the suite's dataset.
        try "dataset: { path: t.parquet, filter: \"ds >= '2024-06-03'\" }\nchecks:\n  - not_null: email\n".write(to: directory.appendingPathComponent("suite.yaml"), atomically: true, encoding: .utf8)
        let fromSuite = try CLI.run(["check", "--suite", "suite.yaml"], in: directory)
        #expect(fromSuite.status == 0, "\(fromSuite.stdout)\(fromSuite.stderr)")
        #expect(fromSuite.stderr.contains("skipped 2 of 4 row groups"), "\(fromSuite.stderr)")
    }
}
