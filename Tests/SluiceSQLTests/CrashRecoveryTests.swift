import Foundation
import SluiceCore
import SluiceFormats
import SluiceSQL
import Testing
import SluiceTestSupport

/// Kills `sluice load` mid-load: the destination must keep its old rows exactly, and a
/// rerun must converge to what an uninterrupted load gives.
@Suite("SQL load crash recovery")
struct CrashRecoveryTests {
    static let rows = 200_000

    /// A file large enough that the load spans several 64K-row batches. It is a `.sluice`
    /// file: the (debug-built) binary then spends its time loading, not parsing CSV.
    static func writeLargeFile(to path: String, rows: Int) throws {
        var id = ColumnBuilder(type: .int64, capacity: rows), name = ColumnBuilder(type: .string, capacity: rows)
        var ds = ColumnBuilder(type: .date, capacity: rows), amount = ColumnBuilder(type: .float64, capacity: rows)
        for i in 0..<rows {
            id.append(int64: Int64(i))
            name.append(string: "name \(i % 977)")
            ds.append(date: 19724)   // 2024-01-02
            amount.append(float64: Double(i % 10_000) / 4)
        }
        let table = try Table([("id", id.finish()), ("name", name.finish()), ("ds", ds.finish()), ("amount", amount.finish())])
        try TableFile.write(table, to: path)
    }

    /// Starts the load, waits for its first progress line, then SIGKILLs it.
    static func startAndKill(_ arguments: [String]) throws -> Bool {
        let process = Process()
        process.executableURL = CLI.binary
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
        process.executableURL = CLI.binary
        process.arguments = arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("SIGKILL mid-load leaves the old rows; a rerun converges", arguments: TestEngine.allCases, LoadMode.allCases)
    func killMidLoad(engine: TestEngine, mode: LoadMode) throws {
        let db = try TestDatabase(engine)
        let file = db.directory.appendingPathComponent("big.sluice")
        try Self.writeLargeFile(to: file.path, rows: Self.rows)
        let connection = try db.connect()
        let table = db.table("crash"), reference = db.table("crash_ref")
        // The old state: a few rows. For replace and upsert one of them (id 5) is also in the new data,
        // with other values, and the table has a primary key on id. For append and replace_partition
        // the ids are new, and one row (id -3) lies outside the partition the load replaces.
        let keyed = mode == .replace || mode == .upsert
        let old = keyed
            ? try Table([("id", Column(int64: [-2, -1, 5])), ("name", Column(string: [nil, "x", "old five"])),
                         ("ds", Column(date: [19724, 19724, 19724])), ("amount", Column(float64: [2, 1, 99.5]))])
            : try Table([("id", Column(int64: [-3, -2, -1])), ("name", Column(string: ["other day", nil, "x"])),
                         ("ds", Column(date: [19723, 19724, 19724])), ("amount", Column(float64: [3, 2, 1]))])
        let setup = LoadOptions(mode: .replace, key: keyed ? ["id"] : [])
        try connection.load(old, into: table, options: setup)
        try connection.load(old, into: reference, options: setup)

        var base = ["load", file.path, "--to", db.url.unmaskedForTests, "--mode", mode.rawValue]
        if mode == .upsert { base += ["--key", "id"] }
        if mode == .replacePartition { base += ["--partition", "ds=2024-01-02"] }
        let killed = try Self.startAndKill(base + ["--table", table, "--progress"])
        #expect(killed, "the load finished before it could be killed; make the file larger")
        #expect(try db.rows(connection, table, orderBy: "id") == old)

        let rerun = try Self.runLoad(base + ["--table", table])
        #expect(rerun.0 == 0, "\(rerun.1)")
        let uninterrupted = try Self.runLoad(base + ["--table", reference])
        #expect(uninterrupted.0 == 0, "\(uninterrupted.1)")
        let final = try db.rows(connection, table, orderBy: "id")
        let kept = switch mode {
        case .replace: 0
        case .upsert: 2            // ids -2 and -1; id 5 was updated
        case .append: 3
        case .replacePartition: 1  // id -3, from another day
        }
        #expect(final.rowCount == Self.rows + kept)
        #expect(final == (try db.rows(connection, reference, orderBy: "id")))
    }
}

extension ConnectionURL {
    /// Tests pass the URL on to a child process; the test server's URL has no password.
    var unmaskedForTests: String { description }
}
