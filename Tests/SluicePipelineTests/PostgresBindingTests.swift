import Foundation
import SluiceCore
import SluiceSQL
import SluiceTestSupport
import Testing
@testable import SluicePipeline

/// Column binding against a PostgreSQL extract's result columns (planned under `LIMIT 0`,
/// no row read), on the test server `scripts/with-postgres.sh` starts.
@Suite("Column binding on a PostgreSQL extract")
struct PostgresBindingTests {
    /// A fresh database (``PostgresStateTests/withDatabase(_:)``) holding an `orders` table.
    static func withSource(_ body: (String) throws -> Void) async throws {
        try await PostgresStateTests.withDatabase { url in
            let source = try SQLConnection(url: try ConnectionURL(url))
            try source.execute(SQLTemplate("CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, amount numeric(10,2), created date)"))
            try source.execute(SQLTemplate("INSERT INTO orders VALUES (1, 1, 5.50, '2024-06-01'), (2, 2, 7.00, '2024-06-02')"))
            try body(url)
        }
    }

    static func pipeline(_ ws: Workspace, source: String, query: String, transform: String, check: String, key: String) throws -> Pipeline {
        try ws.pipeline("""
        pipeline: pg
        connections: { src: "\(source)", wh: "sqlite:wh.db" }
        tasks:
          extract:
            extract: { connection: src, query: "\(query)" }
          totals:
            after: [extract]
            transform:
              - aggregate: { by: [user_id], compute: { revenue: "\(transform)" } }
          gate:
            after: [extract]
            check:
              checks:
                - not_null: \(check)
          load:
            after: [gate]
            load: { connection: wh, table: totals, mode: upsert, key: [\(key)] }
        """)
    }

    @Test("typos in a transform, a check and a load key against the query's result columns: reported at validate, located")
    func typos() async throws {
        try await Self.withSource { url in
            let ws = try Workspace(); defer { ws.remove() }
            let p = try Self.pipeline(ws, source: url, query: "SELECT id, user_id, amount FROM orders WHERE created = {{ ds }};",
                                      transform: "sum(amout)", check: "usr_id", key: "idd")
            let error = pipelineError { _ = try p.bindColumns() }
            let text = error?.description ?? ""
            #expect(error?.diagnostics.count == 3, "\(text)")
            #expect(text.contains("pipeline.yaml:9:9: error: task \"totals\": step 1 (aggregate): "), "\(text)")
            #expect(text.contains("amout"), "\(text)")
            #expect(text.contains("did you mean `amount`?"), "\(text)")
            // The check and the load bind against the query's columns (id, user_id, amount).
            #expect(text.contains("pipeline.yaml:14:11: error: task \"gate\": check not_null(usr_id)"), "\(text)")
            #expect(text.contains("did you mean `user_id`?"), "\(text)")
            #expect(text.contains("pipeline.yaml:17:64: error: task \"load\": load key column \"idd\""), "\(text)")
            #expect(text.contains("did you mean `id`?"), "\(text)")
            #expect(!FileManager.default.fileExists(atPath: ws.path("wh.db")))
        }
    }

    @Test("a correct pipeline binds: result column names and types, a CTE and a parameter")
    func binds() async throws {
        try await Self.withSource { url in
            let ws = try Workspace(); defer { ws.remove() }
            let p = try Self.pipeline(ws, source: url,
                                      query: "WITH o AS (SELECT * FROM orders) SELECT id, user_id, amount, created FROM o WHERE created <= {{ ds }} ORDER BY id",
                                      transform: "sum(amount)", check: "user_id", key: "id")
            let binding = try p.bindColumns()
            let extract = try #require(binding.schemas["extract"])
            #expect(extract.names == ["id", "user_id", "amount", "created"])
            #expect(extract.fields.map(\.type).contains(.date))
            #expect(binding.schemas["totals"]?.names == ["user_id", "revenue"])
            #expect(binding.skipped.isEmpty, "\(binding.skipped)")
        }
    }

    @Test("a query on a table that does not exist is reported at validate, with the server's message")
    func missingTable() async throws {
        try await Self.withSource { url in
            let ws = try Workspace(); defer { ws.remove() }
            let p = try Self.pipeline(ws, source: url, query: "SELECT id, user_id, amount FROM ordrs",
                                      transform: "sum(amount)", check: "user_id", key: "id")
            let error = pipelineError { _ = try p.bindColumns() }
            let text = error?.description ?? ""
            #expect(text.contains("pipeline.yaml:4:3: error: task \"extract\""), "\(text)")
            #expect(text.contains("ordrs"), "\(text)")
            #expect(!text.contains(url), "the DSN is not printed: \(text)")
        }
    }

    @Test("a source database that does not exist is an error at validate (not skipped as unreachable)")
    func missingDatabase() async throws {
        try await Self.withSource { url in
            let ws = try Workspace(); defer { ws.remove() }
            let missing = url.replacingOccurrences(of: "/sluice_state_", with: "/nosuch_")
            let p = try Self.pipeline(ws, source: missing, query: "SELECT id, user_id, amount FROM orders",
                                      transform: "sum(amount)", check: "user_id", key: "id")
            let error = pipelineError { _ = try p.bindColumns() }
            let text = error?.description ?? ""
            #expect(text.contains("pipeline.yaml:4:3: error: task \"extract\""), "\(text)")
            #expect(text.contains("does not exist"), "\(text)")
        }
    }
}
