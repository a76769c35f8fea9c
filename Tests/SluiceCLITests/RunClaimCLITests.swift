import Foundation
import Testing

/// Real `sluice run` processes racing for one run (issue 13 §1).
@Suite("sluice run claims")
struct RunClaimCLITests {
    @Test("pairs of `sluice run` processes execute each run once")
    func processPairsExecuteOnce() throws {
        let dir = try CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        try """
        pipeline: race
        schedule: "@daily"
        tasks:
          append:
            shell: "echo $RUN_ID >> executions.txt; sleep 0.05"
        """.write(to: dir.appendingPathComponent("pipeline.yaml"), atomically: true, encoding: .utf8)
        let pairs = 12
        let statuses = Statuses()
        DispatchQueue.concurrentPerform(iterations: pairs * 2) { i in
            let date = String(format: "2024-02-%02d", i / 2 + 1)
            let result = try? CLI.run(["run", "pipeline.yaml", "--date", date], in: dir)
            statuses.append("\(date) \(result?.status ?? -1) \(result?.stderr.contains("is being run by") == true ? "locked" : "")")
        }
        let lines = try String(contentsOf: dir.appendingPathComponent("executions.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        var counts: [String: Int] = [:]
        for line in lines { counts[line, default: 0] += 1 }
        #expect(counts.count == pairs, "\(statuses.all)")
        #expect(counts.values.allSatisfy { $0 == 1 }, "\(counts.filter { $0.value != 1 }) \(statuses.all)")
    }

    @Test("`sluice runs` shows a run whose owner died as abandoned")
    func runsShowsAbandoned() throws {
        let dir = try CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        try """
        pipeline: orphan
        schedule: "@daily"
        tasks:
          t:
            shell: "true"
        """.write(to: dir.appendingPathComponent("pipeline.yaml"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["run", "pipeline.yaml", "--date", "2024-01-02"], in: dir).status == 0)
        // Pretend a process of this host that exited left the run running.
        let host = ProcessInfo.processInfo.hostName
        let sql = "UPDATE sluice_runs SET state = 'running', owner = '\(host):999999#1', heartbeat = 0"
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sqlite.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()",
                            dir.appendingPathComponent(".sluice/state.db").path, sql]
        try sqlite.run(); sqlite.waitUntilExit()
        let runs = try CLI.run(["runs", "--pipeline", "pipeline.yaml"], in: dir)
        #expect(runs.stdout.contains("abandoned (owner"), "\(runs.stdout)")
        let status = try CLI.run(["status", "2024-01-02", "--pipeline", "pipeline.yaml", "--format", "json"], in: dir)
        #expect(status.stdout.contains("\"abandoned\":true"), "\(status.stdout)")
        let again = try CLI.run(["run", "pipeline.yaml", "--date", "2024-01-02"], in: dir)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try CLI.run(["runs", "--pipeline", "pipeline.yaml"], in: dir).stdout.contains("success"))
    }
}

final class Statuses: @unchecked Sendable {
    private let lock = NSLock()   // guards `lines`
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
