import Foundation
import SluiceCore
import SluiceSQL
import Testing
@testable import SluiceQuality
import SluiceTestSupport

@Suite("SQL datasets in suites")
struct SQLDatasetTests {
    /// A directory with `warehouse.db` holding `orders` and `users`.
    func withWarehouse<R>(_ body: (URL) throws -> R) throws -> R {
        let dir = try temporaryDirectory("sqlds")
        defer { try? FileManager.default.removeItem(at: dir) }
        let connection = try SQLConnection(url: ConnectionURL("sqlite:" + dir.appendingPathComponent("warehouse.db").path))
        for (name, table) in [
            ("orders", try Table([("id", Column(int64: [1, 2, 3, 4])), ("user_id", Column(int64: [1, 2, nil, 9])), ("total", Column(float64: [5, -1, 7, 8]))])),
            ("users", try Table([("id", Column(int64: [1, 2, 3]))])),
        ] {
            var pending: Table? = table
            try connection.load(into: name, schema: table.schema, options: LoadOptions(mode: .replace)) {
                defer { pending = nil }
                return pending
            }
        }
        return try body(dir)
    }

    @Test("a table and a query as dataset and reference; a relative SQLite path is relative to the suite file")
    func tableAndQuery() throws {
        try withWarehouse { dir in
            let suiteFile = dir.appendingPathComponent("checks.yaml").path
            let spec = try SuiteSpec.parse("""
            dataset: { connection: "sqlite:warehouse.db", table: orders }
            references:
              users: { connection: "sqlite:warehouse.db", query: "SELECT id FROM users WHERE id < 3" }
            checks:
              - not_null: user_id
                threshold: 0
              - referential: { column: user_id, reference: users.id }
                threshold: 0
              - expression: "total >= 0"
            """, file: suiteFile)
            let dataset = try #require(spec.dataset)
            #expect(dataset.connection == "sqlite:" + dir.path + "/warehouse.db")
            #expect(dataset.table == "orders")
            #expect(dataset.name == "sqlite:\(dir.path)/warehouse.db table orders")
            #expect(spec.references["users"]?.query == "SELECT id FROM users WHERE id < 3")
            let (table, report, references) = try spec.read(dataset)
            #expect(table?.rowCount == 4)
            #expect(report?.rows == 4)
            #expect(table?.schema.names == ["id", "user_id", "total"])
            #expect(references["users"]?.rowCount == 2)
            let result = try spec.makeSuite(references: references).run(on: table!)
            #expect(result.results.map(\.failingRows) == [1, 1, 1])   // a null user_id; user 9 absent; total -1
        }
    }

    @Test("mistakes: connection and path together, neither table nor query, a table without a connection, a bad URL, a missing table")
    func mistakes() throws {
        func error(_ dataset: String) -> QualityError? {
            do { _ = try SuiteSpec.parse("dataset: \(dataset)\nchecks: []\n", file: "c.yaml") } catch let e as QualityError { return e } catch {}
            return nil
        }
        #expect(error("{ connection: \"sqlite:w.db\", table: t, path: x.csv }")?.message == "dataset reads from a connection or from a path, not both")
        #expect(error("{ connection: \"sqlite:w.db\" }")?.message == "dataset needs either `table` or `query` with its connection")
        #expect(error("{ connection: \"sqlite:w.db\", table: t, query: \"SELECT 1\" }")?.line == 1)
        #expect(error("{ table: t }")?.message == "dataset has a table or query but no connection")
        let url = error("{ connection: \"mysql://h/db\", table: t }")
        #expect(url?.code == .invalidOption)
        #expect(url?.column == 24)   // the value's opening quote
        #expect(error("{ conection: \"sqlite:w.db\", table: t }")?.hint?.hasPrefix("did you mean `connection`?") == true)
        try withWarehouse { dir in
            let spec = try SuiteSpec.parse("dataset: { connection: \"sqlite:warehouse.db\", table: order }\nchecks: []\n",
                                           file: dir.appendingPathComponent("c.yaml").path)
            #expect(throws: SQLError.self) { try spec.read(spec.dataset) }
        }
    }
}
