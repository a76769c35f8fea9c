import Foundation
import SluiceCore
@testable import SluiceFormats
import SluiceSQL
import Testing

@Suite("sluice load survives being killed")
struct LoadCrashTests {
    func count(_ db: SQLiteConnection, _ sql: String) throws -> Int64 {
        let statement = try db.prepare(sql)
        try statement.step()
        return statement.int64(at: 0)
    }

    @Test("SIGKILL mid-load leaves the old table exactly; a rerun converges", arguments: ["replace", "upsert"])
    func killMidLoad(mode: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try UsersOrdersGenerator(users: 150_000, seed: 11).write(to: dir.path)
        let csv = dir.appendingPathComponent("orders.csv").path
        let dbPath = dir.appendingPathComponent("w.db").path
        var keyArguments = mode == "upsert" ? ["--key", "id"] : []

        // The old state: the first 1,000 orders.
        let head = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).prefix(1_001)
        let small = dir.appendingPathComponent("small.csv").path
        try (head.joined(separator: "\n") + "\n").write(toFile: small, atomically: true, encoding: .utf8)
        let first = try CLI.run(["load", small, "--to", "sqlite:" + dbPath, "--table", "orders", "--mode", mode] + keyArguments)
        #expect(first.status == 0, "\(first.stderr)")

        // Start the big load and kill it as soon as its transaction is writing.
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["load", csv, "--to", "sqlite:" + dbPath, "--table", "orders", "--mode", mode] + keyArguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let journal = dbPath + "-journal"
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: journal) && process.isRunning && Date() < deadline {
            usleep(2_000)
        }
        usleep(50_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the load finished before it could be killed")

        let db = try SQLiteConnection(path: dbPath)
        #expect(try count(db, "SELECT count(*) FROM orders") == 1_000)
        #expect(try count(db, "SELECT sum(id) FROM orders") == 500_500)

        // Rerun to completion, twice: the table converges to the file.
        keyArguments = mode == "upsert" ? ["--key", "id"] : []
        for _ in 0..<2 {
            let rerun = try CLI.run(["load", csv, "--to", "sqlite:" + dbPath, "--table", "orders", "--mode", mode] + keyArguments)
            #expect(rerun.status == 0, "\(rerun.stderr)")
        }
        let rows = try count(db, "SELECT count(*) FROM orders")
        let expected = try TableFile.read(path: csv).0.rowCount
        #expect(rows == Int64(expected))
        #expect(try count(db, "SELECT count(DISTINCT id) FROM orders") == rows)
    }
}
