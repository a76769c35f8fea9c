import Foundation
import SluiceCore
import Testing
@testable import SluiceSQL
import SluiceTestSupport

@Suite("Read-only sources")
struct ReadOnlySourceTests {
    @Test("a mistyped SQLite source path is an error naming it, and no empty file appears")
    func missingSource() throws {
        let dir = try temporaryDirectory("ro")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("warehuose.db").path
        do {
            _ = try SQLConnection(url: try ConnectionURL("sqlite:" + path), readOnly: true)
            Issue.record("opened a database that does not exist")
        } catch let error as SQLError {
            #expect(error.message == "the SQLite database \(path) does not exist")
            #expect(error.hint?.contains("never created") == true)
            #expect(error.category == .permanentIO)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("a read-only source reads, and refuses writes")
    func readsButDoesNotWrite() throws {
        let dir = try temporaryDirectory("ro")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = try ConnectionURL("sqlite:" + dir.appendingPathComponent("w.db").path)
        try SQLConnection(url: url).execute(SQLTemplate("CREATE TABLE t (id INTEGER); INSERT INTO t VALUES (1), (2)"))
        let source = try SQLConnection(url: url, readOnly: true)
        #expect(try source.extract(SQLTemplate("SELECT id FROM t")).rowCount == 2)
        #expect(throws: SQLError.self) { try source.execute(SQLTemplate("INSERT INTO t VALUES (3)")) }
    }
}
