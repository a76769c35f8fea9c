import Foundation
import Testing
import SluiceTestSupport

@Suite("sluice command line")
struct CLICommandTests {
    let sample = """
    id,email,name,total,created_at
    1,A@x.io,"Smith, John",12.5,2024-01-02 10:00:00
    2,,"Bob ""B"" Lee",100,2024-01-03T11:00:00Z
    3,c@x.io,Zoë,-3.25,2024-01-04 00:00:00

    """

    func withSample<R>(_ body: (URL) throws -> R) throws -> R {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        try sample.write(to: dir.appendingPathComponent("users.csv"), atomically: true, encoding: .utf8)
        return try body(dir)
    }

    @Test("--version prints the version and exits 0")
    func version() throws {
        let run = try CLI.run(["--version"])
        #expect(run.status == 0)
        #expect(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
    }

    @Test("--help lists every command with examples")
    func help() throws {
        let run = try CLI.run(["--help"])
        #expect(run.status == 0)
        for command in ["schema", "head", "convert", "scan"] {
            #expect(run.stdout.contains(command), "help misses \(command)")
        }
        for command in ["generate", "schema", "head", "convert", "scan"] {
            let sub = try CLI.run([command, "--help"])
            #expect(sub.status == 0)
            #expect(sub.stdout.contains("Examples:"), "\(command) --help has no examples")
        }
    }

    @Test("an unknown option exits 2 with did you mean")
    func unknownOption() throws {
        try withSample { dir in
            let run = try CLI.run(["head", "users.csv", "--widht", "10"], in: dir)
            #expect(run.status == 2)
            #expect(run.stderr.contains("did you mean '--width'?"))
        }
    }

    @Test("an unknown command exits 2 with did you mean")
    func unknownCommand() throws {
        let run = try CLI.run(["shema", "x.csv"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("unknown command 'shema'; did you mean 'schema'?"))
    }

    @Test("schema prints inferred types and the --schema form")
    func schema() throws {
        try withSample { dir in
            let run = try CLI.run(["schema", "users.csv"], in: dir)
            #expect(run.status == 0)
            #expect(run.stdout.contains("--schema id:int64,email:string,name:string,total:float64,created_at:timestamp"))
            let json = try CLI.run(["schema", "users.csv", "--format", "json"], in: dir)
            #expect(json.stdout.contains("{\"name\":\"total\",\"type\":\"float64\"}"))
        }
    }

    @Test("head shows nulls distinctly and aligns numbers")
    func head() throws {
        try withSample { dir in
            let run = try CLI.run(["head", "users.csv", "-n", "2"], in: dir)
            #expect(run.status == 0)
            #expect(run.stdout.contains("│     2 │ ∅      │ Bob \"B\" Lee │   100.0 │"))
            #expect(run.stdout.contains("2 rows × 5 columns"))
        }
    }

    @Test("convert CSV to JSON Lines and back gives the same CSV")
    func convertRoundTrip() throws {
        try withSample { dir in
            var run = try CLI.run(["convert", "users.csv", "users.jsonl"], in: dir)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("converted 3 rows × 5 columns"))
            run = try CLI.run(["convert", "users.jsonl", "back.csv", "--schema", "created_at:timestamp"], in: dir)
            #expect(run.status == 0, "\(run.stderr)")
            let back = try String(contentsOf: dir.appendingPathComponent("back.csv"), encoding: .utf8)
            #expect(back == """
            id,email,name,total,created_at
            1,A@x.io,"Smith, John",12.5,2024-01-02T10:00:00Z
            2,,"Bob ""B"" Lee",100.0,2024-01-03T11:00:00Z
            3,c@x.io,Zoë,-3.25,2024-01-04T00:00:00Z

            """)
        }
    }

    @Test("malformed input exits 1 with file:line:column and leaves no output behind")
    func malformed() throws {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        try "a,b\n1,2\n3,\"x\n".write(to: dir.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        let run = try CLI.run(["convert", "bad.csv", "out.jsonl"], in: dir)
        #expect(run.status == 1)
        #expect(run.stderr.contains("bad.csv:3:3: error: quoted field in column \"b\" is never closed"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(leftovers == ["bad.csv"])
    }

    @Test("a bad --schema is a usage error (exit 2) with a suggestion")
    func badSchema() throws {
        try withSample { dir in
            let run = try CLI.run(["scan", "users.csv", "--schema", "totl:float64"], in: dir)
            #expect(run.status == 2)
            #expect(run.stderr.contains("did you mean `total`?"))
            let type = try CLI.run(["scan", "users.csv", "--schema", "total:flaot"], in: dir)
            #expect(type.status == 2)
            #expect(type.stderr.contains("unknown type \"flaot\""))
        }
    }

    @Test("scan --json reports rows, nulls and sums")
    func scanJSON() throws {
        try withSample { dir in
            let run = try CLI.run(["scan", "users.csv", "--format", "json"], in: dir)
            #expect(run.status == 0)
            #expect(run.stdout.contains("\"rows\":3"))
            #expect(run.stdout.contains("{\"name\":\"id\",\"type\":\"int64\",\"nulls\":0,\"sum\":6,\"min\":\"1\",\"max\":\"3\"}"))
            #expect(run.stdout.contains("{\"name\":\"email\",\"type\":\"string\",\"nulls\":1}"))
        }
    }

    @Test("scan sums a declared decimal column exactly, with its scale; an int64 sum that overflows is left out")
    func scanDecimalAndOverflow() throws {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        // 1,000 × 0.10 and 9,223,372,036,854,775,807 + 1 in one file.
        var csv = "a,b\n"
        for i in 0..<1000 { csv += "0.10,\(i == 0 ? "9223372036854775807" : i == 1 ? "1" : "")\n" }
        try csv.write(to: dir.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        let run = try CLI.run(["scan", "d.csv", "--schema", "a:decimal(10,2),b:int64", "--format", "json"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\"sum\":\"100.00\""), "\(run.stdout)")
        #expect(run.stdout.contains("\"min\":\"0.10\",\"max\":\"0.10\""), "\(run.stdout)")
        #expect(!run.stdout.contains("\"name\":\"b\",\"type\":\"int64\",\"nulls\":998,\"sum\""), "\(run.stdout)")
    }

    @Test("reading from standard input")
    func standardInput() throws {
        let run = try CLI.run(["head", "-", "-n", "1"], input: Data(sample.utf8))
        #expect(run.status == 0)
        #expect(run.stdout.contains("A@x.io"))
    }

    @Test("a .sluice file converts, shows and scans like text; a cut one exits 1 naming it")
    func sluiceFiles() throws {
        try withSample { dir in
            #expect(try CLI.run(["convert", "users.csv", "users.sluice"], in: dir).status == 0)
            let schema = try CLI.run(["schema", "users.sluice"], in: dir)
            #expect(schema.stdout.contains("--schema id:int64,email:string,name:string,total:float64,created_at:timestamp"))
            let head = try CLI.run(["head", "users.sluice", "-n", "2"], in: dir)
            #expect(head.status == 0)
            #expect(head.stdout.contains("Smith, John"))
            #expect(!head.stdout.contains("Zoë"))
            let scan = try CLI.run(["scan", "users.sluice", "--format", "json"], in: dir)
            #expect(scan.stdout.contains("{\"name\":\"total\",\"type\":\"float64\",\"nulls\":0,\"sum\":109.25,\"min\":\"-3.25\",\"max\":\"100.0\"}"))
            #expect(try CLI.run(["convert", "users.sluice", "back.csv"], in: dir).status == 0)
            #expect(try CLI.run(["convert", "users.csv", "direct.csv"], in: dir).status == 0)
            let direct = try Data(contentsOf: dir.appendingPathComponent("direct.csv"))
            #expect(try Data(contentsOf: dir.appendingPathComponent("back.csv")) == direct)

            let full = try Data(contentsOf: dir.appendingPathComponent("users.sluice"))
            try full.prefix(full.count - 10).write(to: dir.appendingPathComponent("cut.sluice"))
            let cut = try CLI.run(["scan", "cut.sluice"], in: dir)
            #expect(cut.status == 1)
            #expect(cut.stderr.hasPrefix("cut.sluice: error: truncated .sluice file"))
        }
    }
}
