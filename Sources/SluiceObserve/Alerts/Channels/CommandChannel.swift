import Foundation

/// Runs `/bin/sh -c COMMAND` with the alert as JSON on standard input and as
/// `SLUICE_ALERT_*` environment variables; exit status 0 is delivered.
struct CommandChannel: AlertChannel {
    let command: String
    let environment: [String: String]
    var directory: String?
    var timeout = 30.0
    var kind: String { "command" }

    func send(_ alert: Alert) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        var env = environment
        for (k, v) in alert.environment { env[k] = v }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        // Standard input is a file, not a pipe: a command that never reads it cannot make us die of SIGPIPE.
        let inputPath = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-alert-\(UUID().uuidString).json").path
        guard FileManager.default.createFile(atPath: inputPath, contents: Data((alert.json + "\n").utf8)),
              let input = FileHandle(forReadingAtPath: inputPath) else {
            throw ObserveError(.delivery, message: "cannot write the alert for the command to \(inputPath)")
        }
        defer {
            try? input.close()
            try? FileManager.default.removeItem(atPath: inputPath)
        }
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        do { try process.run() } catch {
            throw ObserveError(.delivery, message: "cannot start the alert command: \(error)")
        }
        let done = DispatchSemaphore(value: 0)
        final class Box: @unchecked Sendable { var data = Data() }   // written before `done` is signalled
        let box = Box()
        let handle = output.fileHandleForReading
        DispatchQueue.global().async { box.data = handle.readDataToEndOfFile(); done.signal() }
        if done.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            throw ObserveError(.delivery, message: "the alert command ran past \(Int(timeout)) s and was stopped: \(command)")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let said = String(decoding: box.data.suffix(500), as: UTF8.self)
            throw ObserveError(.delivery, message: "the alert command exited with status \(process.terminationStatus): \(command)"
                               + (said.isEmpty ? "" : "\n  its output: \(said)"))
        }
    }
}
