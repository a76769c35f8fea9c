import Foundation
import Testing
import SluiceTestSupport

@Suite("sluice check")
struct CheckCommandTests {
    let orders = """
    id,user_id,total,status
    1,1,10.5,paid
    2,2,-3,paid
    3,,20,open
    3,9,30,lost
    5,1,40,paid

    """
    let users = "id,email\n1,a@x.io\n2,b@x.io\n"

    func withFiles<R>(suite: String, _ body: (URL) throws -> R) throws -> R {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        try orders.write(to: dir.appendingPathComponent("orders.csv"), atomically: true, encoding: .utf8)
        try users.write(to: dir.appendingPathComponent("users.csv"), atomically: true, encoding: .utf8)
        try suite.write(to: dir.appendingPathComponent("checks.yaml"), atomically: true, encoding: .utf8)
        return try body(dir)
    }

    let passing = """
    checks:
      - row_count: { min: 1 }
      - not_null: id
        threshold: 0
      - unique: status
        threshold: 0.8
        severity: warning

    """

    let failing = """
    dataset: orders.csv
    references:
      users: users.csv
    checks:
      - not_null: user_id
        threshold: 0.0
      - unique: id
        threshold: 1.0
      - range: { column: total, min: 0, max: 1000000 }
        severity: warning
      - referential: { column: user_id, reference: users.id }
        severity: error
      - accepted_values: { column: status, values: [paid, open] }
        severity: warning

    """

    @Test("exit 0 when nothing at or above error failed; a warning does not fail the gate")
    func passes() throws {
        try withFiles(suite: passing) { dir in
            let run = try CLI.run(["check", "orders.csv", "--suite", "checks.yaml"], in: dir)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("Total checks: 3\nPassed: 2\nFailed: 1\nPass rate: 66.67%"))
            let strict = try CLI.run(["check", "orders.csv", "--suite", "checks.yaml", "--fail-on", "warning"], in: dir)
            #expect(strict.status == 3)
            #expect(strict.stderr.contains("error: 1 check at warning or above failed: unique(status)"))
        }
    }

    @Test("exit 3 when checks fail; --fail-on critical moves the bar; the dataset comes from the suite")
    func gate() throws {
        try withFiles(suite: failing) { dir in
            let run = try CLI.run(["check", "--suite", "checks.yaml"], in: dir)
            #expect(run.status == 3)
            #expect(run.stdout.contains("FAIL    critical  not_null(user_id)"))
            #expect(run.stderr.contains("checks at error or above failed: not_null(user_id), unique(id), referential(user_id -> users.id)"))
            let critical = try CLI.run(["check", "orders.csv", "--suite", "checks.yaml", "--fail-on", "critical"], in: dir)
            #expect(critical.status == 3)
            #expect(critical.stderr.contains("1 check at critical or above failed: not_null(user_id)"))
        }
    }

    @Test("exit 2 for suite errors, bad options and unknown columns")
    func usageErrors() throws {
        try withFiles(suite: "checks:\n  - not_null: id\n    thresold: 0\n") { dir in
            let run = try CLI.run(["check", "orders.csv", "--suite", "checks.yaml"], in: dir)
            #expect(run.status == 2)
            #expect(run.stderr.contains("checks.yaml:3:5: error: unknown key \"thresold\" in a not_null check\n  hint: did you mean `threshold`?"))
            #expect(try CLI.run(["check", "orders.csv", "--suite", "checks.yaml", "--format", "jsn"], in: dir).status == 2)
            let failOn = try CLI.run(["check", "orders.csv", "--suite", "checks.yaml", "--fail-on", "eror"], in: dir)
            #expect(failOn.status == 2)
            #expect(failOn.stderr.contains("did you mean 'error'?"))
            #expect(try CLI.run(["check", "orders.csv"], in: dir).status == 2)
            #expect(try CLI.run(["check", "--suite", "checks.yaml"], in: dir).status == 2)   // no data anywhere
        }
        try withFiles(suite: "checks:\n  - not_null: usr_id\n") { dir in
            let run = try CLI.run(["check", "orders.csv", "--suite", "checks.yaml"], in: dir)
            #expect(run.status == 2)
            #expect(run.stderr.contains("did you mean `user_id`?"))
        }
        try withFiles(suite: passing) { dir in
            let run = try CLI.run(["check", "missing.csv", "--suite", "checks.yaml"], in: dir)
            #expect(run.status == 1)
        }
    }

    @Test("--quarantine and --passed split the rows, naming the failed checks")
    func quarantine() throws {
        try withFiles(suite: failing) { dir in
            let run = try CLI.run(["check", "orders.csv", "--suite", "checks.yaml", "--quarantine", "bad.csv", "--passed", "good.csv"], in: dir)
            #expect(run.status == 3)
            let bad = try String(contentsOf: dir.appendingPathComponent("bad.csv"), encoding: .utf8)
            #expect(bad == """
            id,user_id,total,status,_failed_checks
            2,2,-3.0,paid,range(total)
            3,,20.0,open,not_null(user_id)
            3,9,30.0,lost,unique(id);referential(user_id -> users.id);accepted_values(status)

            """)
            let good = try String(contentsOf: dir.appendingPathComponent("good.csv"), encoding: .utf8)
            #expect(good == "id,user_id,total,status\n1,1,10.5,paid\n5,1,40.0,paid\n")
            #expect(run.stderr.contains("quarantined 3 rows, passed 2"))
        }
    }

    @Test("expression checks: quarantined by name; a mistake is located in the suite file (exit 2); an overflow is a runtime failure (exit 1)")
    func expression() throws {
        let suite = """
        checks:
          - expression: "total >= 0 and user_id is not null"
            name: sane
          - expression: { condition: "status in ('paid', 'open')", nulls: pass }

        """
        try withFiles(suite: suite) { dir in
            let run = try CLI.run(["check", "orders.csv", "--suite", "checks.yaml", "--quarantine", "bad.csv", "--passed", "good.csv"], in: dir)
            #expect(run.status == 3)
            let bad = try String(contentsOf: dir.appendingPathComponent("bad.csv"), encoding: .utf8)
            #expect(bad == """
            id,user_id,total,status,_failed_checks
            2,2,-3.0,paid,sane
            3,,20.0,open,sane
            3,9,30.0,lost,"expression(status in ('paid', 'open'))"

            """)
            #expect(run.stderr.contains("quarantined 3 rows, passed 2"))
        }
        try withFiles(suite: "checks:\n  - expression: \"totl >= 0\"\n") { dir in
            let run = try CLI.run(["check", "orders.csv", "--suite", "checks.yaml"], in: dir)
            #expect(run.status == 2)
            #expect(run.stderr.contains("checks.yaml:2:18: error: no column \"totl\" (columns: id, user_id, total, status)\n  totl >= 0\n  ^\n  hint: did you mean `total`?"))
        }
        try withFiles(suite: "checks:\n  - expression: \"id * 9223372036854775807 > 0\"\n") { dir in
            let run = try CLI.run(["check", "orders.csv", "--suite", "checks.yaml"], in: dir)
            #expect(run.status == 1)
            #expect(run.stderr.contains("checks.yaml:2:"))
        }
    }

    @Test("--history stores every run; row_count_change is not evaluated at first, then compares with earlier runs")
    func history() throws {
        let suite = "checks:\n  - row_count_change: { max_pct: 10, over_last: 3 }\n  - not_null: id\n"
        try withFiles(suite: suite) { dir in
            let first = try CLI.run(["check", "orders.csv", "--suite", "checks.yaml", "--history", "quality.db"], in: dir)
            #expect(first.status == 0)
            #expect(first.stdout.contains("no earlier run in the history to compare row_count with"))
            #expect(first.stderr.contains("history: run check__") && first.stderr.contains(" of checks.yaml stored in quality.db"), "\(first.stderr)")
            let without = try CLI.run(["check", "orders.csv", "--suite", "checks.yaml"], in: dir)
            #expect(without.stdout.contains("no history to compare row_count with (run with --history FILE.db)"))
            #expect(try CLI.run(["check", "orders.csv", "--suite", "checks.yaml", "--history", "quality.db"], in: dir).status == 0)
            try (orders + "6,1,50,paid\n").write(to: dir.appendingPathComponent("orders.csv"), atomically: true, encoding: .utf8)
            let grown = try CLI.run(["check", "orders.csv", "--suite", "checks.yaml", "--history", "quality.db", "--format", "json"], in: dir)
            #expect(grown.status == 3)
            #expect(grown.stdout.contains("row_count 6 vs mean 5 of the last 2 runs: +20.00% (> 10.00%)"))
            #expect(grown.stderr.contains(" of checks.yaml stored in quality.db"))
        }
    }

    @Test("a suite's dataset and references can be SQL tables or queries")
    func sqlDataset() throws {
        let suite = """
        dataset: { connection: "sqlite:w.db", table: orders }
        references:
          users: { connection: "sqlite:w.db", query: "SELECT id FROM users" }
        checks:
          - referential: { column: user_id, reference: users.id }
            threshold: 0
          - row_count: { min: 5 }

        """
        try withFiles(suite: suite) { dir in
            #expect(try CLI.run(["load", "orders.csv", "--to", "sqlite:w.db", "--table", "orders"], in: dir).status == 0)
            #expect(try CLI.run(["load", "users.csv", "--to", "sqlite:w.db", "--table", "users"], in: dir).status == 0)
            let run = try CLI.run(["check", "--suite", "checks.yaml", "--format", "json"], in: dir)
            #expect(run.status == 3)
            #expect(run.stdout.contains("\"rows\": 5"))
            #expect(run.stdout.contains("missing in users.id: 1 of 5 rows"))
            #expect(run.stdout.contains("w.db table orders"))
        }
    }

    @Test("--format json|junit|html --output writes the report file; stdout stays empty")
    func formats() throws {
        try withFiles(suite: failing) { dir in
            for format in ["json", "junit", "html", "text"] {
                let run = try CLI.run(["check", "orders.csv", "--suite", "checks.yaml", "--format", format, "--output", "report.\(format)"], in: dir)
                #expect(run.status == 3)
                #expect(run.stdout.isEmpty)
                let report = try String(contentsOf: dir.appendingPathComponent("report.\(format)"), encoding: .utf8)
                for name in ["not_null(user_id)", "unique(id)", "range(total)", "accepted_values(status)"] {
                    #expect(report.contains(name), "\(format) misses \(name)")
                }
            }
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("report.json"))) as! [String: Any]
            #expect((json["summary"] as! [String: Any])["failed"] as? Int == 5)
        }
    }

    @Test("check --help documents the exit codes with examples")
    func help() throws {
        let run = try CLI.run(["check", "--help"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("Examples:"))
        #expect(run.stdout.contains("3 when one did"))
    }

    @Test("the example suite runs on generated users/orders")
    func exampleSuite() throws {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let generate = try CLI.run(["generate", "users-orders", "--users", "3000", "--seed", "42", "--output", "data"], in: dir)
        #expect(generate.status == 0, "\(generate.stderr)")
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/quality/checks.yaml")
        let suite = try String(contentsOf: example, encoding: .utf8).replacingOccurrences(of: "../../data/", with: "data/")
        try suite.write(to: dir.appendingPathComponent("checks.yaml"), atomically: true, encoding: .utf8)
        let run = try CLI.run(["check", "--suite", "checks.yaml", "--format", "json"], in: dir)
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        let checks = json["checks"] as! [[String: Any]]
        let names = checks.map { $0["name"] as! String }
        for seed in ["not_null(user_id)", "unique(id)", "range(total)", "referential(user_id -> users.id)"] {
            #expect(names.contains(seed), "missing \(seed)")
        }
        #expect(checks.count >= 8)
        // The generator's dirt is seen: ~0.2% of orders name no user, ~0.1% have negative totals.
        let referential = checks.first { $0["kind"] as? String == "referential" }!
        #expect((referential["failing_rows"] as! Int) > 0)
        #expect(referential["outcome"] as? String == "passed")

        // The users suite finds the planted dirt, as warnings: the gate passes, rows are set aside.
        let usersSuite = try String(contentsOf: example.deletingLastPathComponent().appendingPathComponent("users.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "../../data/", with: "data/")
        try usersSuite.write(to: dir.appendingPathComponent("users.yaml"), atomically: true, encoding: .utf8)
        let users = try CLI.run(["check", "--suite", "users.yaml", "--quarantine", "bad.csv", "--passed", "ok.csv"], in: dir)
        #expect(users.status == 0, "\(users.stdout)\n\(users.stderr)")
        #expect(users.stdout.contains("FAIL    warning   unique(id)"))
        #expect(users.stdout.contains("FAIL    warning   pattern(email)"))
        let bad = try String(contentsOf: dir.appendingPathComponent("bad.csv"), encoding: .utf8)
        #expect(bad.hasPrefix("id,email,name,created_at,_failed_checks\n"))
        #expect(bad.contains(",unique(id)\n"))
        #expect(try CLI.run(["check", "--suite", "users.yaml", "--fail-on", "warning"], in: dir).status == 3)
    }
}
