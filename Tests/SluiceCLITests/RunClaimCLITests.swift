import Foundation
import Testing
import SluiceCore
import SluiceTestSupport

/// Real `sluice run` processes racing for one run (issue 13 §1).
@Suite("sluice run claims")
struct RunClaimCLITests {
    @Test("pairs of `sluice run` processes execute each run once", arguments: ["sqlite", "postgres"])
    func processPairsExecuteOnce(state: String) async throws {
        try await offPool { try Self.processPairs(state: state) }
    }

    static func processPairs(state: String) throws {
        let dir = try temporaryDirectory("cli"); defer { try? FileManager.default.removeItem(at: dir) }
        var stateOption: [String] = []
        if state == "postgres" {
            let url = try #require(ProcessInfo.processInfo.environment["SLUICE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 },
                                   "SLUICE_TEST_POSTGRES_URL is not set: run with scripts/with-postgres.sh (make test does)")
            stateOption = ["--state", url]
        }
        let name = "race_" + UUID().uuidString.prefix(8).lowercased()
        try """
        pipeline: \(name)
        schedule: "@daily"
        tasks:
          append:
            shell: "echo $RUN_ID >> executions.txt; sleep 0.05"
        """.write(to: dir.appendingPathComponent("pipeline.yaml"), atomically: true, encoding: .utf8)
        // Pairs one after another, the two runs of a pair started together: the race is within a
        // pair, and 2 processes at a time keep the machine (and the other tests) responsive.
        let pairs = 10
        let statuses = Statuses()
        let stateArguments = stateOption
        for pair in 0..<pairs {
            let date = String(format: "2024-02-%02d", pair + 1)
            DispatchQueue.concurrentPerform(iterations: 2) { _ in
                let result = try? CLI.run(["run", "pipeline.yaml", "--date", date] + stateArguments, in: dir)
                statuses.append("\(date) \(result?.status ?? -1) \(result?.stderr.contains("is being run by") == true ? "locked" : "")")
            }
        }
        let lines = try String(contentsOf: dir.appendingPathComponent("executions.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        var counts: [String: Int] = [:]
        for line in lines { counts[line, default: 0] += 1 }
        #expect(counts.count == pairs, "\(statuses.all)")
        #expect(counts.values.allSatisfy { $0 == 1 }, "\(counts.filter { $0.value != 1 }) \(statuses.all)")
    }

    @Test("`sluice runs` shows a run whose owner died as abandoned")
    func runsShowsAbandoned() async throws {
        try await offPool(Self.abandoned)
    }

    @Sendable static func abandoned() throws {
        let dir = try temporaryDirectory("cli"); defer { try? FileManager.default.removeItem(at: dir) }
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
    private let lock = Lock()   // guards `lines`
    private var lines: [String] = []
    func append(_ line: String) { lock.locked { lines.append(line) } }
    var all: [String] { lock.locked { lines } }
}

