import Foundation
import Testing
import SluiceTestSupport

/// `sluice load --key` with repeated keys, and the counts it prints (issue 12).
@Suite("sluice load --key and --on-duplicate")
struct KeyedLoadCommandTests {
    let repeated = "id,name\n1,a\n2,b\n1,c\n3,d\n"

    @Test("a repeated key is a data error naming rows; --on-duplicate last loads; a rerun counts unchanged and updated rows")
    func duplicatesAndCounts() throws {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        try repeated.write(to: dir.appendingPathComponent("in.csv"), atomically: true, encoding: .utf8)
        for mode in ["upsert", "replace"] {
            let failed = try CLI.run(["load", "in.csv", "--to", "sqlite:w.db", "--table", "t_\(mode)", "--mode", mode, "--key", "id"], in: dir)
            #expect(failed.status == 1, "\(failed.stderr)")
            #expect(failed.stderr.contains("load into \"t_\(mode)\": 1 row repeats the key id of an earlier row: id=1 (rows 1 and 3); nothing was written"), "\(failed.stderr)")
            #expect(!failed.stderr.contains("staging"))
            let loaded = try CLI.run(["load", "in.csv", "--to", "sqlite:w.db", "--table", "t_\(mode)", "--mode", mode, "--key", "id", "--on-duplicate", "last"], in: dir)
            #expect(loaded.status == 0, "\(loaded.stderr)")
            #expect(loaded.stdout.hasPrefix("loaded 4 rows into t_\(mode) at sqlite:w.db (\(mode): 3 inserted, 1 duplicate row dropped; created the table)"), "\(loaded.stdout)")
        }
        try "id,name\n1,c\n2,B\n4,e\n".write(to: dir.appendingPathComponent("next.csv"), atomically: true, encoding: .utf8)
        let again = try CLI.run(["load", "next.csv", "--to", "sqlite:w.db", "--table", "t_upsert", "--mode", "upsert", "--key", "id"], in: dir)
        #expect(again.stdout.hasPrefix("loaded 3 rows into t_upsert at sqlite:w.db (upsert: 1 inserted, 1 updated, 1 unchanged)"), "\(again.stdout)")
        let usage = try CLI.run(["load", "in.csv", "--to", "sqlite:w.db", "--table", "t", "--on-duplicate", "lats", "--key", "id"], in: dir)
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("--on-duplicate must be one of error, last, first, not 'lats' (did you mean 'last'?)"), "\(usage.stderr)")
        let noKey = try CLI.run(["load", "in.csv", "--to", "sqlite:w.db", "--table", "t", "--on-duplicate", "last"], in: dir)
        #expect(noKey.status == 2)
    }
}
