import Foundation
import Testing
import SluiceTestSupport

@Suite("sluice load and extract")
struct SQLCommandTests {
    let sample = """
    id,name,ds
    1,"Smith, John",2024-01-02
    2,,2024-01-02
    3,Zoë,2024-01-02

    """

    @Test("load then extract round-trips a CSV through SQLite, reruns converge")
    func roundTrip() throws {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        try sample.write(to: dir.appendingPathComponent("in.csv"), atomically: true, encoding: .utf8)
        for _ in 0..<2 {
            let load = try CLI.run(["load", "in.csv", "--to", "sqlite:w.db", "--table", "order", "--mode", "replace_partition", "--partition", "ds=2024-01-02"], in: dir)
            #expect(load.status == 0, "\(load.stderr)")
            #expect(load.stdout.hasPrefix("loaded 3 rows into order at sqlite:w.db (replace_partition"))
        }
        let extract = try CLI.run(["extract", "--from", "sqlite:w.db", "--query", "SELECT * FROM \"order\" WHERE id >= {{ low }} ORDER BY id",
                                   "--param", "low=2", "--output", "out.csv"], in: dir)
        #expect(extract.status == 0, "\(extract.stderr)")
        #expect(extract.stdout.hasPrefix("extracted 2 rows from sqlite:w.db to out.csv in "))
        let text = try String(contentsOf: dir.appendingPathComponent("out.csv"), encoding: .utf8)
        #expect(text == "id,name,ds\n2,,2024-01-02\n3,Zoë,2024-01-02\n")
    }

    @Test("a password never appears in errors; usage mistakes exit 2")
    func masking() throws {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        try sample.write(to: dir.appendingPathComponent("in.csv"), atomically: true, encoding: .utf8)
        let run = try CLI.run(["load", "in.csv", "--to", "postgres://app:Sup3rSecret@127.0.0.1:1/db", "--table", "t"], in: dir)
        #expect(run.status == 1)
        #expect(run.stderr.contains("postgres://app:***@127.0.0.1:1/db"))
        #expect(!run.stderr.contains("Sup3rSecret") && !run.stdout.contains("Sup3rSecret"))
        let mode = try CLI.run(["load", "in.csv", "--to", "sqlite:w.db", "--table", "t", "--mode", "upsrt"], in: dir)
        #expect(mode.status == 2)
        #expect(mode.stderr.contains("did you mean 'upsert'?"))
        let missing = try CLI.run(["extract", "--from", "postgres://app:${SLUICE_NO_SUCH_VAR}@h/db", "--query", "select 1", "--output", "x.csv"], in: dir)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("environment variable SLUICE_NO_SUCH_VAR is not set"))
        let format = try CLI.run(["load", "in.csv", "--to", "sqlite:w.db", "--table", "t", "--copy-format", "xml"], in: dir)
        #expect(format.status == 2)
        #expect(format.stderr.contains("--copy-format must be auto, text or csv, not 'xml'"))
        let name = try CLI.run(["load", "in.csv", "--to", "sqlite:w.db", "--table", "a.b.c"], in: dir)
        #expect(name.status == 2)
        #expect(name.stderr.contains("table name \"a.b.c\": 3 parts"))
    }

    @Test("load into main.table on SQLite is the table itself")
    func qualifiedTable() throws {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        try sample.write(to: dir.appendingPathComponent("in.csv"), atomically: true, encoding: .utf8)
        let load = try CLI.run(["load", "in.csv", "--to", "sqlite:w.db", "--table", "main.events", "--mode", "replace"], in: dir)
        #expect(load.status == 0, "\(load.stderr)")
        let extract = try CLI.run(["extract", "--from", "sqlite:w.db", "--query", "SELECT COUNT(*) AS n FROM events", "--output", "-"], in: dir)
        #expect(extract.stdout == "n\n3\n")
    }

    @Test("load and extract --help show examples")
    func help() throws {
        for command in ["load", "extract"] {
            let run = try CLI.run([command, "--help"])
            #expect(run.status == 0)
            #expect(run.stdout.contains("Examples:"))
        }
    }
}
