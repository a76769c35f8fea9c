import Foundation

/// What one run of the `sluice` binary gave.
public struct CLIRun: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// Runs the built `sluice` binary (next to the test bundle, or `$SLUICE_BIN`).
public enum CLI {
    /// The built `sluice` binary.
    public static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["SLUICE_BIN"] { return URL(fileURLWithPath: path) }
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = runner.deletingLastPathComponent()
        // On Linux the runner is <bin>/SluicePackageTests.xctest; on macOS it sits inside a bundle.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("sluice")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return runner.deletingLastPathComponent().appendingPathComponent("sluice")
    }

    /// Runs `sluice arguments…` in `directory`, feeding `input` on standard input, with
    /// `environment` added to this process's.
    public static func run(_ arguments: [String], in directory: URL? = nil, input: Data? = nil,
                    environment: [String: String] = [:]) throws -> CLIRun {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe(), inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        try process.run()
        if let input { inPipe.fileHandleForWriting.write(input) }
        try inPipe.fileHandleForWriting.close()
        // Read both pipes before waiting so a chatty child cannot block on a full pipe.
        final class Collected: @unchecked Sendable { var data = Data() }   // written before group.wait(), read after
        let errData = Collected()
        let group = DispatchGroup()
        let errHandle = err.fileHandleForReading
        DispatchQueue.global().async(group: group) { errData.data = errHandle.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CLIRun(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData.data, as: UTF8.self))
    }
}

/// Starts `sluice arguments…` in `directory` with extra environment; its standard output and
/// error go to a log file in `directory`. The caller waits for or terminates the process.
public func startSluice(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Process {
    let process = Process()
    process.executableURL = CLI.binary
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let log = directory.appendingPathComponent("sluice-\(UUID().uuidString.prefix(6)).log")
    FileManager.default.createFile(atPath: log.path, contents: nil)
    let handle = try FileHandle(forWritingTo: log)
    process.standardError = handle
    process.standardOutput = handle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    return process
}

/// Waits until `condition` holds, polling every 50 ms; false when `seconds` pass first
/// (the condition is asked once more at the end).
public func waitUntil(seconds: Double = 60, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        usleep(50_000)
    }
    return try condition()
}

/// Runs blocking or CPU-heavy `body` (processes, waits, sweeps) on a thread of its own with
/// 8 MiB of stack, so a test never holds one of the few cooperative threads that other
/// suites' async tests need meanwhile.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
