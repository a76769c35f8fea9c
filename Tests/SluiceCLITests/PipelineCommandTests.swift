import Foundation
import Testing
import SluiceTestSupport

@Suite("sluice run, validate, backfill, status, logs, clear")
struct PipelineCommandTests {
    static let pipeline = """
    pipeline: orders_copy
    schedule: "@daily"
    connections: { warehouse: "sqlite:warehouse.db" }
    defaults: { retries: 1, retry_delay: 0s }
    tasks:
      extract:
        extract: { file: data/orders.csv }
      clean:
        after: [extract]
        transform:
          - filter: "total >= 0"
      gate:
        after: [clean]
        check:
          checks:
            - not_null: id
              threshold: 0
              severity: critical
      load:
        after: [gate]
        load: { connection: warehouse, table: orders, mode: upsert, key: [id] }
    """

    /// A workspace with generated orders and the pipeline above (warehouse file named `warehouse`).
    static func workspace(users: Int, warehouse: String = "warehouse.db") throws -> URL {
        let dir = try temporaryDirectory("cli")
        let generate = try CLI.run(["generate", "users-orders", "--users", String(users), "--seed", "3", "--output", "data"], in: dir)
        #expect(generate.status == 0, "\(generate.stderr)")
        try pipeline.replacingOccurrences(of: "warehouse.db", with: warehouse)
            .write(to: dir.appendingPathComponent("pipeline.yaml"), atomically: true, encoding: .utf8)
        return dir
    }

    /// The warehouse table as sorted CSV text.
    static func warehouse(_ dir: URL, _ file: String = "warehouse.db") throws -> String {
        let out = "dump-\(UUID().uuidString).csv"
        let run = try CLI.run(["extract", "--from", "sqlite:\(file)", "--query", "SELECT * FROM orders ORDER BY id", "--output", out], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        return try String(contentsOf: dir.appendingPathComponent(out), encoding: .utf8)
    }

    @Test("run succeeds, a second run is a no-op, status/logs/runs read the state")
    func runTwice() throws {
        let dir = try Self.workspace(users: 2_000)
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try CLI.run(["run", "pipeline.yaml", "--date", "2024-01-02", "--keep-artifacts"], in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("orders_copy 2024-01-02: success"))
        #expect(first.stdout.contains("not_null(id)"))
        let before = try Self.warehouse(dir)
        let second = try CLI.run(["run", "pipeline.yaml", "--date", "2024-01-02"], in: dir)
        #expect(second.status == 0)
        #expect(second.stdout.contains("already succeeded"))
        #expect(try Self.warehouse(dir) == before)

        let status = try CLI.run(["status", "2024-01-02", "--pipeline", "pipeline.yaml", "--format", "json"], in: dir)
        #expect(status.status == 0, "\(status.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let tasks = json?["tasks"] as? [[String: Any]]
        #expect(tasks?.map { $0["task"] as? String } == ["extract", "clean", "gate", "load"])
        #expect(tasks?.allSatisfy { $0["state"] as? String == "success" } == true)
        let logs = try CLI.run(["logs", "2024-01-02", "load", "--pipeline", "pipeline.yaml"], in: dir)
        #expect(logs.stdout.contains("loaded"), "\(logs.stdout)")
        let runs = try CLI.run(["runs", "--pipeline", "pipeline.yaml", "--format", "json"], in: dir)
        #expect((try JSONSerialization.jsonObject(with: Data(runs.stdout.utf8)) as? [Any])?.count == 1)
        let badTask = try CLI.run(["logs", "2024-01-02", "lod", "--pipeline", "pipeline.yaml"], in: dir)
        #expect(badTask.status == 2)
        #expect(badTask.stderr.contains("did you mean load"))

        let clear = try CLI.run(["clear", "2024-01-02", "gate", "--pipeline", "pipeline.yaml"], in: dir)
        #expect(clear.stdout.contains("cleared gate, load"), "\(clear.stdout)")
        let resumed = try CLI.run(["run", "pipeline.yaml", "--date", "2024-01-02", "--format", "json"], in: dir)
        let executed = (try JSONSerialization.jsonObject(with: Data(resumed.stdout.utf8)) as? [String: Any])?["executed"] as? [String]
        // The cleared gate reads clean's table, kept by --keep-artifacts: only gate and load run again.
        #expect(executed == ["gate", "load"])
    }

    @Test("validate reports located errors with exit 2")
    func validate() throws {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.pipeline.replacingOccurrences(of: "after: [clean]", with: "after: [claen]")
            .write(to: dir.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let run = try CLI.run(["validate", "p.yaml"], in: dir)
        #expect(run.status == 2)
        #expect(run.stderr.contains("p.yaml:12"), "\(run.stderr)")
        #expect(run.stderr.contains("did you mean \"clean\""))
        try Self.pipeline.write(to: dir.appendingPathComponent("ok.yaml"), atomically: true, encoding: .utf8)
        let ok = try CLI.run(["validate", "ok.yaml"], in: dir)
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("extract → clean → gate → load"))
    }

    @Test("SIGKILL mid-load, then run again: only the load reruns and the warehouse equals an uninterrupted run's")
    func crashResume() throws {
        let dir = try Self.workspace(users: 60_000)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.pipeline.replacingOccurrences(of: "warehouse.db", with: "reference.db")
            .replacingOccurrences(of: "pipeline: orders_copy", with: "pipeline: orders_reference")
            .write(to: dir.appendingPathComponent("reference.yaml"), atomically: true, encoding: .utf8)

        // Hold the warehouse's write lock from another process, so that the load, once started,
        // waits for it (SQLite's busy timeout) instead of finishing before it can be killed.
        guard let python = ProcessInfo.processInfo.environment["SLUICE_TEST_PYTHON"], !python.isEmpty else {
            Issue.record("SLUICE_TEST_PYTHON is not set: run `make test`, or export SLUICE_TEST_PYTHON=\"$(bash scripts/test-venv.sh)\"")
            return
        }
        let locker = Process(), lockInput = Pipe(), lockOutput = Pipe()
        locker.executableURL = URL(fileURLWithPath: python)
        locker.arguments = ["-c", "import sqlite3, sys; c = sqlite3.connect('warehouse.db', isolation_level=None); c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); sys.stdin.read()"]
        locker.currentDirectoryURL = dir
        locker.standardInput = lockInput
        locker.standardOutput = lockOutput
        try locker.run()
        defer { try? lockInput.fileHandleForWriting.close(); locker.waitUntilExit() }
        #expect(String(decoding: lockOutput.fileHandleForReading.availableData, as: UTF8.self).contains("locked"))

        // Start the run and kill it once the load task has started (its state says running).
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["run", "pipeline.yaml", "--date", "2024-01-02"]
        process.currentDirectoryURL = dir
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var seen = ""
        while !seen.contains("✔ gate") {
            let data = err.fileHandleForReading.availableData
            if data.isEmpty { break }
            seen += String(decoding: data, as: UTF8.self)
        }
        // Kill once the state store says the load is running and the table it reads is safely stored.
        for _ in 0..<100 {
            let status = try CLI.run(["status", "2024-01-02", "--pipeline", "pipeline.yaml", "--format", "json"], in: dir)
            let tasks = (try? JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["tasks"] as? [[String: Any]] ?? []
            let state = Dictionary(tasks.map { ($0["task"] as? String ?? "", $0["state"] as? String ?? "") }, uniquingKeysWith: { a, _ in a })
            if state["load"] == "running" && state["clean"] == "success" { break }
            usleep(5_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try lockInput.fileHandleForWriting.close()
        locker.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the run finished before it could be killed: \(seen)")
        #expect(!seen.contains("✔ load"))

        let status = try CLI.run(["status", "2024-01-02", "--pipeline", "pipeline.yaml", "--format", "json"], in: dir)
        let run = (try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["run"] as? [String: Any]
        #expect(run?["state"] as? String == "running")

        let resumed = try CLI.run(["run", "pipeline.yaml", "--date", "2024-01-02", "--format", "json"], in: dir)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(resumed.stdout.utf8)) as? [String: Any]
        #expect(summary?["executed"] as? [String] == ["load"])

        let reference = try CLI.run(["run", "reference.yaml", "--date", "2024-01-02"], in: dir)
        #expect(reference.status == 0, "\(reference.stderr)")
        let resumedRows = try Self.warehouse(dir)
        #expect(resumedRows == (try Self.warehouse(dir, "reference.db")))
        let ids = resumedRows.split(separator: "\n").dropFirst().map { $0.split(separator: ",", maxSplits: 1)[0] }
        #expect(Set(ids).count == ids.count, "duplicate rows in the warehouse")
        #expect(ids.count > 100_000)
    }

    @Test("backfill skips succeeded days and reports a summary")
    func backfill() throws {
        let dir = try Self.workspace(users: 500)
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try CLI.run(["backfill", "pipeline.yaml", "--start-date", "2024-01-01", "--end-date", "2024-01-04", "--parallel", "2"], in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("4 succeeded, 0 failed, 0 skipped"), "\(first.stdout)")
        let second = try CLI.run(["backfill", "pipeline.yaml", "--start-date", "2024-01-01", "--end-date", "2024-01-05", "--format", "json"], in: dir)
        let json = try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: [String]]
        #expect(json?["succeeded"] == ["2024-01-05"])
        #expect(json?["skipped"]?.count == 4)
    }
}
