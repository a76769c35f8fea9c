import Foundation
import Testing

/// A unique secret set through each route never appears in any output, log, state
/// database, report or artifact (issue 13 §3).
@Suite("Secret canary")
struct SecretCanaryTests {
    /// Runs `sluice` with extra environment variables.
    static func run(_ arguments: [String], in directory: URL, environment: [String: String]) throws -> CLIRun {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        final class Collected: @unchecked Sendable { var data = Data() }   // written before group.wait(), read after
        let errData = Collected()
        let group = DispatchGroup()
        let errHandle = err.fileHandleForReading
        DispatchQueue.global().async(group: group) { errData.data = errHandle.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CLIRun(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData.data, as: UTF8.self))
    }

    @Test("no route leaks a secret: URL passwords, ?password=, ${VAR} connections, shell environments")
    func canary() throws {
        let dir = try CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let tag = UUID().uuidString.prefix(8).lowercased()
        let userInfoSecret = "canaryUI\(tag)", querySecret = "canaryQP\(tag)", variableSecret = "canaryVAR\(tag)",
            declaredSecret = "canaryENV\(tag)"
        let secrets = [userInfoSecret, querySecret, variableSecret, declaredSecret]
        let environment = ["SLUICE_CANARY_PASSWORD": variableSecret, "SLUICE_CANARY_TOKEN": declaredSecret]
        try "id,total\n1,5\n2,7\n".write(to: dir.appendingPathComponent("orders.csv"), atomically: true, encoding: .utf8)
        try "checks:\n  - row_count: { min: 1 }\n".write(to: dir.appendingPathComponent("checks.yaml"), atomically: true, encoding: .utf8)
        try """
        pipeline: canary
        schedule: "@daily"
        connections:
          warehouse: "postgres://loader:${SLUICE_CANARY_PASSWORD}@127.0.0.1:1/dw?sslmode=disable&connect_timeout=2"
        tasks:
          dump_env:
            shell: { command: "env; echo token=$TOKEN", env: { TOKEN: "${SLUICE_CANARY_TOKEN}" } }
          extract: { extract: { file: orders.csv } }
          load:
            after: [extract]
            load: { connection: warehouse, table: orders, mode: append }
        """.write(to: dir.appendingPathComponent("pipeline.yaml"), atomically: true, encoding: .utf8)

        var outputs: [CLIRun] = []
        func sluice(_ arguments: [String]) throws { outputs.append(try Self.run(arguments, in: dir, environment: environment)) }
        // A failing pipeline (the warehouse is unreachable), then everything that reads its state.
        try sluice(["run", "pipeline.yaml", "--date", "2024-01-02"])
        #expect(outputs.last?.status == 1)
        try sluice(["runs", "--pipeline", "pipeline.yaml"])
        try sluice(["status", "2024-01-02", "--pipeline", "pipeline.yaml", "--format", "json"])
        for task in ["dump_env", "load"] {
            try sluice(["logs", "2024-01-02", task, "--pipeline", "pipeline.yaml"])
            try sluice(["logs", "2024-01-02", task, "--pipeline", "pipeline.yaml", "--format", "json"])
        }
        // Passwords on the command line, in the user-info part and as a query parameter.
        try sluice(["check", "orders.csv", "--suite", "checks.yaml", "--history", "postgres://u:\(userInfoSecret)@127.0.0.1:1/db?connect_timeout=2"])
        try sluice(["check", "orders.csv", "--suite", "checks.yaml", "--history", "postgres://u@127.0.0.1:1/db?password=\(querySecret)&connect_timeout=2"])
        try sluice(["load", "orders.csv", "--to", "postgres://u@127.0.0.1:1/db?connect_timeout=2&password=\(querySecret)", "--table", "t"])
        try sluice(["extract", "--from", "postgres://u:\(userInfoSecret)@127.0.0.1:1/db?connect_timeout=2", "--query", "SELECT 1"])
        if let base = ProcessInfo.processInfo.environment["SLUICE_TEST_POSTGRES_URL"], !base.isEmpty {
            // A store that works (the test server trusts every password): the success message names it too.
            let withPassword = base.replacingOccurrences(of: "postgres://postgres@", with: "postgres://postgres:\(userInfoSecret)@")
            try sluice(["check", "orders.csv", "--suite", "checks.yaml", "--history", withPassword])
            #expect(outputs.last?.status == 0, "\(outputs.last?.stderr ?? "")")
        }

        // The shell task ran and printed its environment: the runner's variables were not in it.
        let log = outputs.first { $0.stdout.contains("token=") }?.stdout ?? ""
        #expect(log.contains("token=***"), "\(log.prefix(2000))")
        #expect(!log.contains("SLUICE_CANARY_PASSWORD"), "the shell task inherited the runner's environment")

        for secret in secrets {
            for (i, output) in outputs.enumerated() {
                #expect(!output.stdout.contains(secret) && !output.stderr.contains(secret),
                        "command \(i) printed a secret:\n\(output.stdout.prefix(1500))\n\(output.stderr.prefix(1500))")
            }
        }
        // Every file the runs left: state database (and its WAL), artifacts, reports.
        let files = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }
        #expect(files.contains { $0.lastPathComponent == "state.db" })
        for file in files {
            guard let data = try? Data(contentsOf: file) else { continue }
            for secret in secrets {
                #expect(data.range(of: Data(secret.utf8)) == nil, "\(file.lastPathComponent) holds a secret")
            }
        }
    }
}
