import Testing
@testable import SluiceObserve

@Suite("SQLLineage")
struct SQLLineageTests {
    func column(_ sql: SQLLineage, _ name: String) -> SQLLineage.OutputColumn? { sql.columns?.first { $0.name == name } }

    @Test("aliases, joins, aggregates and group keys")
    func select() throws {
        let sql = SQLLineage(sql: """
            SELECT u.id AS user_id, lower(u.email) email, COUNT(*) AS n, AVG(o.total) AS mean,
                   CASE WHEN o.status = 'paid' THEN o.total ELSE 0 END AS paid
            FROM public.users AS u JOIN orders o ON o.user_id = u.id -- a comment
            WHERE u.created_at >= {{ data_interval_start }} AND o.total > 0
            GROUP BY u.id, u.email
            ORDER BY u.id
            """)
        #expect(sql.inputTables == ["public.users", "orders"])
        #expect(sql.columns?.map(\.name) == ["user_id", "email", "n", "mean", "paid"])
        #expect(column(sql, "user_id")?.inputs.map(\.column) == ["id"])
        #expect(column(sql, "user_id")?.inputs.first?.transformation == .identity)
        #expect(column(sql, "email")?.inputs.first?.transformation == .transformation("lower(u.email)"))
        #expect(column(sql, "n")?.inputs.isEmpty == true)
        #expect(column(sql, "mean")?.inputs.first?.transformation == .aggregation("AVG(o.total)"))
        let paid = column(sql, "paid")!.inputs
        #expect(paid.contains { $0.column == "status" && $0.transformation.subtype == .conditional })
        #expect(paid.contains { $0.column == "total" && $0.transformation.subtype == .transformation })
        #expect(sql.templateValues == ["data_interval_start"])
        let subtypes = sql.rowInputs.map { "\($0.table).\($0.column):\($0.transformation.subtype.rawValue)" }
        #expect(subtypes == ["orders.user_id:JOIN", "public.users.id:JOIN", "public.users.created_at:FILTER", "orders.total:FILTER",
                             "public.users.id:GROUP_BY", "public.users.email:GROUP_BY", "public.users.id:SORT"])
    }

    @Test("SELECT * leaves the table open; unsupported shapes still list their tables")
    func fallbacks() {
        let star = SQLLineage(sql: "select * from events where kind = 'click'")
        #expect(star.starTables == ["events"])
        #expect(star.columns?.isEmpty == true)
        let cte = SQLLineage(sql: "WITH recent AS (SELECT * FROM orders) SELECT id FROM recent JOIN users ON users.id = recent.user_id")
        #expect(cte.columns == nil)
        #expect(cte.problem == "a WITH clause")
        #expect(cte.inputTables == ["orders", "users"])
        let insert = SQLLineage(sql: "INSERT INTO daily (day, n) SELECT date(created_at), count(*) FROM orders GROUP BY 1")
        #expect(insert.outputTables == ["daily"])
        #expect(insert.columns?.map(\.name) == ["day", "n"])
        #expect(insert.columns?.first?.inputs.first?.transformation == .transformation("date(created_at)"))
        #expect(insert.inputTables == ["orders"])
        let create = SQLLineage(sql: "CREATE TABLE IF NOT EXISTS totals AS SELECT user_id, sum(total) AS t FROM orders GROUP BY user_id")
        #expect(create.outputTables == ["totals"])
        #expect(create.columns?.map(\.name) == ["user_id", "t"])
        let cast = SQLLineage(sql: "SELECT CAST(o.total AS REAL) AS total FROM orders o")
        #expect(cast.columns?.first?.inputs.map(\.column) == ["total"])
    }
}
