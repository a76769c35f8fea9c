import Foundation
import Testing
import SluiceTestSupport

/// A unique secret set through each route never appears in any output, log, state
/// database, report or artifact (issue 13 §3).
@Suite("Secret canary")
struct SecretCanaryTests {
    /// Runs `sluice` with extra environment variables (the one CLI runner).
    static func run(_ arguments: [String], in directory: URL, environment: [String: String]) throws -> CLIRun {
        try CLI.run(arguments, in: directory, environment: environment)
    }

    @Test("no route leaks a secret: URL passwords, ?password=, ${VAR} connections, shell environments")
    func canary() async throws {
        try await offPool(Self.canaryRoutes)
    }

    @Sendable static func canaryRoutes() throws {
        let dir = try temporaryDirectory("cli"); defer { try? FileManager.default.removeItem(at: dir) }
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
        func sluice(_ arguments: [String]) throws { outputs.append(try run(arguments, in: dir, environment: environment)) }
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
            try sluice(["check", "orders.csv", "--suite", "checks.yaml", "--history", withPassword, "--format", "json", "--output", "report.json"])
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

    @Test("alert channel secrets (${VAR} in webhook, Slack and Alertmanager URLs, SMTP and URL passwords) never leak: output, logs, state, alert records, payloads")
    func alertChannels() async throws {
        try await offPool(Self.alertRoutes)
    }

    @Sendable static func alertRoutes() throws {
        let dir = try temporaryDirectory("cli"); defer { try? FileManager.default.removeItem(at: dir) }
        let tag = UUID().uuidString.prefix(8).lowercased()
        let hook = "canaryHOOK\(tag)", slack = "canarySLACK\(tag)", am = "canaryAM\(tag)", smtp = "canarySMTP\(tag)",
            literal = "canaryLIT\(tag)", token = "canaryTOK\(tag)"
        let secrets = [hook, slack, am, smtp, literal, token]
        let environment = ["SLUICE_CANARY_HOOK": hook, "SLUICE_CANARY_SLACK": slack, "SLUICE_CANARY_AM": am,
                           "SLUICE_CANARY_SMTP": smtp, "SLUICE_CANARY_TOKEN": token]
        // Every network channel points at a closed port: each delivery fails and its error is
        // logged and recorded. The command channel works and writes the payload to a file.
        try """
        pipeline: alert_canary
        tasks:
          fail:
            shell: { command: "echo token=$TOKEN >&2; exit 3", env: { TOKEN: "${SLUICE_CANARY_TOKEN}" } }
        alerts:
          channels:
            hook:  { webhook: "http://127.0.0.1:1/hooks/${SLUICE_CANARY_HOOK}?key=${SLUICE_CANARY_HOOK}" }
            chat:  { slack: "http://127.0.0.1:1/services/${SLUICE_CANARY_SLACK}" }
            am:    { alertmanager: "http://sluice:${SLUICE_CANARY_AM}@127.0.0.1:1" }
            am2:   { alertmanager: "http://sluice:\(literal)@127.0.0.1:1/" }
            mail:  { email: { smtp: "smtp://alerts:${SLUICE_CANARY_SMTP}@127.0.0.1:1", from: a@example.com, to: [b@example.com] } }
            file:  { command: "cat > payload-$SLUICE_ALERT_STATUS.json" }
          rules:
            - failure
          delivery: { attempts: 2, backoff: 10ms }
        """.write(to: dir.appendingPathComponent("pipeline.yaml"), atomically: true, encoding: .utf8)
        var outputs: [CLIRun] = []
        func sluice(_ arguments: [String]) throws { outputs.append(try run(arguments, in: dir, environment: environment)) }
        try sluice(["run", "pipeline.yaml", "--date", "2024-01-02"])
        #expect(outputs.last?.status == 1)
        // The failed deliveries were logged (masked) and recorded.
        #expect(outputs.last?.stderr.contains("not delivered to channel hook") == true, "\(outputs.last?.stderr ?? "")")
        try sluice(["alerts", "test", "pipeline.yaml"])
        try sluice(["runs", "--pipeline", "pipeline.yaml"])
        try sluice(["logs", "2024-01-02", "fail", "--pipeline", "pipeline.yaml"])
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("payload-firing.json").path))

        for secret in secrets {
            for (i, output) in outputs.enumerated() {
                #expect(!output.stdout.contains(secret) && !output.stderr.contains(secret),
                        "command \(i) printed a secret:\n\(output.stdout.prefix(1500))\n\(output.stderr.prefix(1500))")
            }
        }
        // The state database (alert records with their errors), logs, payloads: every file but the spec.
        let files = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }
            .filter { $0.lastPathComponent != "pipeline.yaml" }
        #expect(files.contains { $0.lastPathComponent == "state.db" })
        for file in files {
            guard let data = try? Data(contentsOf: file) else { continue }
            for secret in secrets {
                #expect(data.range(of: Data(secret.utf8)) == nil, "\(file.lastPathComponent) holds a secret")
            }
        }
        // The records are there, with masked errors.
        let state = try String(decoding: Data(contentsOf: dir.appendingPathComponent(".sluice/state.db")), as: UTF8.self)
        #expect(state.contains("sluice_alert_notifications"))
    }
}
