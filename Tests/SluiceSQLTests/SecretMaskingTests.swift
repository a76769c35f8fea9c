import Foundation
import SluiceCore
import SluiceSQL
import Testing
import SluiceTestSupport

/// A successful run with a password in the URL (read from `${VAR}`) prints only `***`.
@Suite("SQL secrets masking")
struct SecretMaskingTests {
    @Test("sluice load and extract with a ${VAR} password show it masked", arguments: TestEngine.allCases)
    func cliMasks(engine: TestEngine) throws {
        let db = try TestDatabase(engine)
        let secret = "Top-Secret-99"
        let file = db.directory.appendingPathComponent("in.csv")
        try "id,name\n1,a\n2,b\n".write(to: file, atomically: true, encoding: .utf8)
        // The test server trusts every password; SQLite has none, so the secret rides in the path's place.
        let url: String
        switch engine {
        case .sqlite: url = db.url.description
        case .postgres: url = "postgres://postgres:${SLUICE_TEST_SECRET}@\(db.url.host!):\(db.url.port!)/postgres?sslmode=disable"
        }
        let table = db.table("masked")
        func run(_ arguments: [String]) throws -> (Int32, String) {
            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = arguments
            process.environment = ProcessInfo.processInfo.environment.merging(["SLUICE_TEST_SECRET": secret]) { $1 }
            let out = Pipe()
            process.standardOutput = out
            process.standardError = out
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: data, as: UTF8.self))
        }
        let load = try run(["load", file.path, "--to", url, "--table", table, "--mode", "replace"])
        #expect(load.0 == 0, "\(load.1)")
        #expect(load.1.hasPrefix("loaded 2 rows into \(table) at "))
        let extract = try run(["extract", "--from", url, "--query", "SELECT * FROM \(SQLDialect.sqlite.quote(table))", "--output", db.directory.appendingPathComponent("out.csv").path])
        #expect(extract.0 == 0, "\(extract.1)")
        let bad = try run(["extract", "--from", url, "--query", "SELECT * FROM no_such_table_here", "--output", db.directory.appendingPathComponent("x.csv").path])
        #expect(bad.0 == 1)
        #expect(bad.1.contains("no_such_table_here"))
        for output in [load.1, extract.1, bad.1] {
            #expect(!output.contains(secret))
            if engine == .postgres { #expect(output.contains("postgres://postgres:***@") || output.contains("no_such_table_here")) }
        }
        let connection = try SQLConnection(url: ConnectionURL(url, environment: ["SLUICE_TEST_SECRET": secret]))
        #expect(!"\(connection.url)".contains(secret))
    }
}
