import Foundation
import Testing
import SluiceTestSupport

@Suite("CLI errors: one prefix, did you mean")
struct CLIErrorTests {
    @Test("a mistyped option gets did you mean, even when a required option is then missing")
    func mistypedOption() throws {
        let run = try CLI.run(["check", "orders.csv", "--suit", "checks.yaml"])
        #expect(run.status == 2)
        #expect(run.stderr.split(separator: "\n").first == "error: unknown option '--suit'; did you mean '--suite'?")
        #expect(run.stderr.contains("hint: see 'sluice check --help'"))
        let nested = try CLI.run(["stream", "run", "spec.yaml", "--folow"])
        #expect(nested.status == 2)
        #expect(nested.stderr.hasPrefix("error: unknown option '--folow'; did you mean '--follow'?"))
        let equals = try CLI.run(["profile", "x.csv", "--delimeter=;"])
        #expect(equals.stderr.hasPrefix("error: unknown option '--delimeter'; did you mean '--delimiter'?"), "\(equals.stderr)")
    }

    @Test("a renamed option says its new name")
    func renamedOption() throws {
        let backfill = try CLI.run(["backfill", "p.yaml", "--from", "2024-01-01", "--to", "2024-01-02"])
        #expect(backfill.status == 2)
        #expect(backfill.stderr.hasPrefix("error: unknown option '--from'; it is now '--start-date'"))
        let convert = try CLI.run(["convert", "a.csv", "b.csv", "--to", "jsonl"])
        #expect(convert.stderr.hasPrefix("error: unknown option '--to'; it is now '--output-format'"))
    }

    @Test("deprecated spellings still work, with a warning")
    func deprecatedSpellings() throws {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let generate = try CLI.run(["generate", "user-events", "--events", "10", "--out", "events.jsonl"], in: dir)
        #expect(generate.status == 0, "\(generate.stderr)")
        #expect(generate.stderr.contains("warning: --out is deprecated; use --output"))
        let schema = try CLI.run(["schema", "events.jsonl", "--json"], in: dir)
        #expect(schema.status == 0 && schema.stdout.hasPrefix("{\"file\":\"events.jsonl\""), "\(schema.stdout)\(schema.stderr)")
        #expect(schema.stderr.contains("warning: --json is deprecated; use --format json"))
    }

    /// `location: error: message` or `error: message`: one `error:`, lower case, on the first line.
    static func isUniform(_ stderr: String) -> Bool {
        guard let first = stderr.split(separator: "\n").first.map(String.init) else { return false }
        let parts = first.components(separatedBy: "error: ")
        return parts.count == 2 && (parts[0].isEmpty || parts[0].hasSuffix(": ")) && !parts[1].isEmpty
            && !stderr.contains("Error:") && !stderr.contains("error: error:")
    }

    @Test("every kind of failure starts its first line with one `error:`")
    func uniformPrefix() throws {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        try "id,total\n1,2.5\n".write(to: dir.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
        try "pipeline: p\ntasks:\n  - name: a\n    kind: shell\n    command: exit 3\n".write(to: dir.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        try "checks:\n  - not_nul: id\n".write(to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let failing: [(arguments: [String], status: Int32)] = [
            (["check", "t.csv"], 2),                                   // the parser: missing --suite
            (["profile", "t.csv", "--format", "jsn"], 2),              // a validation error
            (["runs"], 2),                                             // a command's usage error
            (["schema", "missing.csv"], 1),                            // an I/O error, located
            (["check", "t.csv", "--suite", "bad.yaml"], 2),            // a spec error, located
            (["convert", "t.csv", "t.json"], 2),                       // an unknown output format
            (["status", "2024-01-01", "--pipeline", "p.yaml"], 2),     // no such run
            (["shema", "t.csv"], 2),                                   // an unknown command
            (["head", "t.csv", "--bad-rows", "skipp"], 2),
            (["convert", "t.csv", "t.csv", "--nan", "null"], 2),       // --nan null is for JSON Lines
        ]
        for (arguments, status) in failing {
            let run = try CLI.run(arguments, in: dir)
            #expect(run.status == status, "sluice \(arguments.joined(separator: " ")): \(run.stderr)")
            #expect(Self.isUniform(run.stderr), "sluice \(arguments.joined(separator: " ")):\n\(run.stderr)")
        }
    }
}
