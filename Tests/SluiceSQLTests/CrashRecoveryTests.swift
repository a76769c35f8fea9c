import Foundation
import SluiceCore
import SluiceSQL
import Testing

/// Kills `sluice load` mid-load: the destination must keep its old rows exactly, and a
/// rerun must converge to what an uninterrupted load gives.
@Suite("SQL load crash recovery")
struct CrashRecoveryTests {
    static let rows = 300_000

    /// A CSV large enough that the load spans several 64K-row batches.
    static func writeLargeCSV(to url: URL, rows: Int) throws {
        var text = "id,name,ds,amount\n"
        text.reserveCapacity(rows * 40)
        for i in 0..<rows {
            text += "\(i),name \(i % 977),2024-01-02,\(Double(i % 10_000) / 4)\n"
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// Starts the load, waits for its first progress line, then SIGKILLs it.
    static func startAndKill(_ arguments: [String]) throws -> Bool {
        let process = Process()
        process.executableURL = sluiceBinary
        process.arguments = arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var seen = ""
        while !seen.contains("loaded") {
            let data = err.fileHandleForReading.availableData
            if data.isEmpty { break }
            seen += String(decoding: data, as: UTF8.self)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
    }

    static func runLoad(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = sluiceBinary
        process.arguments = arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("SIGKILL mid-load leaves the old rows; a rerun converges", arguments: TestEngine.allCases, [LoadMode.replace, .upsert])
    func killMidLoad(engine: TestEngine, mode: LoadMode) throws {
        let db = try TestDatabase(engine)
        let file = db.directory.appendingPathComponent("big.csv")
        try Self.writeLargeCSV(to: file, rows: Self.rows)
        let connection = try db.connect()
        let table = db.table("crash"), reference = db.table("crash_ref")
        // The old state: a few rows, one of which the new data also has (id 5), with other values.
        let old = try Table([("id", Column(int64: [-2, -1, 5])), ("name", Column(string: [nil, "x", "old five"])),
                             ("ds", Column(date: [19724, 19724, 19724])), ("amount", Column(float64: [2, 1, 99.5]))])
        let keyed = LoadOptions(mode: .replace, key: ["id"])
        try connection.load(old, into: table, options: keyed)
        try connection.load(old, into: reference, options: keyed)

        let base = ["load", file.path, "--to", db.url.unmaskedForTests, "--mode", mode.rawValue] + (mode == .upsert ? ["--key", "id"] : [])
        let killed = try Self.startAndKill(base + ["--table", table, "--progress"])
        #expect(killed, "the load finished before it could be killed; make the file larger")
        #expect(try db.rows(connection, table, orderBy: "id") == old)

        let rerun = try Self.runLoad(base + ["--table", table])
        #expect(rerun.0 == 0, "\(rerun.1)")
        let uninterrupted = try Self.runLoad(base + ["--table", reference])
        #expect(uninterrupted.0 == 0, "\(uninterrupted.1)")
        let final = try db.rows(connection, table, orderBy: "id")
        #expect(final.rowCount == Self.rows + (mode == .upsert ? 2 : 0))
        #expect(final == (try db.rows(connection, reference, orderBy: "id")))
    }
}

extension ConnectionURL {
    /// Tests pass the URL on to a child process; the test server's URL has no password.
    var unmaskedForTests: String { description }
}
