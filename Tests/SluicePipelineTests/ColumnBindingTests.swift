import Foundation
import SluiceCore
import SluiceFormats
import SluiceSQL
import Testing
@testable import SluicePipeline

@Suite("Column binding before anything runs")
struct ColumnBindingTests {
    static let orders = "id,user_id,amount,order_date\n1,1,5.5,2024-06-01\n2,2,7,2024-06-02\n"

    @Test("a typo in a transform, a check and a load key: each reported at its line with did-you-mean, no row read")
    func typos() throws {
        let ws = try Workspace(); defer { ws.remove() }
        try ws.write("orders.csv", Self.orders)
        let p = try ws.pipeline("""
        pipeline: p
        connections: { wh: "sqlite:wh.db" }
        tasks:
          extract:
            extract: { file: orders.csv }
          totals:
            after: [extract]
            transform:
              - aggregate: { by: [user_id], compute: { revenue: sum(amout) } }
          gate:
            after: [extract]
            check:
              checks:
                - not_null: amount
                - range: { column: amonut, min: 0 }
          load:
            after: [gate]
            load: { connection: wh, table: t, mode: upsert, key: [idd] }
        """)
        let error = pipelineError { _ = try p.bindColumns() }
        let text = error?.description ?? ""
        #expect(error?.diagnostics.count == 3, "\(text)")
        #expect(text.contains("pipeline.yaml:9:9: error: task \"totals\": step 1 (aggregate): "), "\(text)")
        #expect(text.contains("amout"), "\(text)")
        #expect(text.contains("pipeline.yaml:15:11: error: task \"gate\": check range(amonut): no column \"amonut\""), "\(text)")
        #expect(text.contains("did you mean `amount`?"), "\(text)")
        // At the key's own place in the YAML, not the task line.
        #expect(text.contains("pipeline.yaml:18:59: error: task \"load\": load key column \"idd\" is not a column of its input"), "\(text)")
        #expect(text.contains("did you mean `id`?"), "\(text)")
        #expect(!FileManager.default.fileExists(atPath: ws.path("wh.db")))
    }

    @Test("an expression typo is located at its step with the caret; a join file that is neither file nor task is named")
    func expressionAndJoin() throws {
        let ws = try Workspace(); defer { ws.remove() }
        try ws.write("orders.csv", Self.orders)
        try ws.write("users.csv", "id,email\n1,a@x\n")
        let p = try ws.pipeline("""
        pipeline: p
        tasks:
          extract:
            extract: { file: orders.csv }
          t:
            after: [extract]
            transform:
              - derive: { big: "amount * 2 > totl" }
              - join: { file: user.csv, on: { user_id: id } }
        """)
        let text = pipelineError { _ = try p.bindColumns() }?.description ?? ""
        #expect(text.contains("no file"), "\(text)")
        #expect(text.contains("user.csv"), "\(text)")
        let fixed = try ws.pipeline("""
        pipeline: p
        tasks:
          extract:
            extract: { file: orders.csv }
          t:
            after: [extract]
            transform:
              - join: { file: users.csv, on: { user_id: id } }
              - derive: { big: "amount * 2 > totl" }
        """)
        let typo = pipelineError { _ = try fixed.bindColumns() }?.description ?? ""
        #expect(typo.contains("pipeline.yaml:9:9: error: task \"t\": step 2 (derive): no column \"totl\""), "\(typo)")
        #expect(typo.contains("amount * 2 > totl\n"), "\(typo)")
        // A step's output feeds the next: the joined email column binds.
        let ok = try ws.pipeline("""
        pipeline: p
        tasks:
          extract:
            extract: { file: orders.csv }
          t:
            after: [extract]
            transform:
              - join: { file: users.csv, on: { user_id: id } }
              - derive: { domain: "lower(email)" }
          gate:
            after: [t]
            check: { checks: [ { not_null: domain } ] }
        """)
        let binding = try ok.bindColumns()
        #expect(binding.schemas["t"]?.names == ["id", "user_id", "amount", "order_date", "email", "domain"])
    }

    @Test("a SQL extract's columns come from the prepared statement on its source; a typo downstream is found")
    func sqlExtract() throws {
        let ws = try Workspace(); defer { ws.remove() }
        let source = try SQLConnection(url: ConnectionURL("sqlite:" + ws.path("src.db")))
        try source.execute(SQLTemplate("CREATE TABLE orders (id INTEGER, revenue REAL)"))
        let p = try ws.pipeline("""
        pipeline: p
        connections: { src: "sqlite:src.db" }
        tasks:
          extract:
            extract: { connection: src, query: "SELECT id, revenue, revenue * 2 AS doubled FROM orders" }
          gate:
            after: [extract]
            check: { checks: [ { range: { column: revenu, min: 0 } }, { not_null: doubled } ] }
        """)
        let text = pipelineError { _ = try p.bindColumns() }?.description ?? ""
        #expect(text.contains("check range(revenu): no column \"revenu\""), "\(text)")
        #expect(text.contains("did you mean `revenue`?"), "\(text)")
    }

    @Test("a load key given as one name and a replace_partition column are each reported at their own place")
    func loadColumnsLocated() throws {
        let ws = try Workspace(); defer { ws.remove() }
        try ws.write("orders.csv", Self.orders)
        let p = try ws.pipeline("""
        pipeline: p
        connections: { wh: "sqlite:wh.db" }
        tasks:
          extract:
            extract: { file: orders.csv }
          keyed:
            after: [extract]
            load: { connection: wh, table: a, mode: upsert, key: usr_id }
          daily:
            after: [extract]
            load:
              connection: wh
              table: b
              mode: replace_partition
              partition: "order_dat={{ ds }}"
        """)
        let error = pipelineError { _ = try p.bindColumns() }
        let text = error?.description ?? ""
        #expect(error?.diagnostics.count == 2, "\(text)")
        #expect(text.contains("pipeline.yaml:8:58: error: task \"keyed\": load key column \"usr_id\" is not a column of its input"), "\(text)")
        #expect(text.contains("did you mean `user_id`?"), "\(text)")
        #expect(text.contains("pipeline.yaml:15:18: error: task \"daily\": load partition column \"order_dat\""), "\(text)")
        #expect(text.contains("did you mean `order_date`?"), "\(text)")
    }

    @Test("what cannot be known before a run is skipped and said so, not failed")
    func skipped() throws {
        let ws = try Workspace(); defer { ws.remove() }
        let p = try ws.pipeline("""
        pipeline: p
        connections: { src: "sqlite:not-yet.db" }
        tasks:
          made:
            shell: "echo id > made.csv"
          read:
            after: [made]
            extract: { file: made.csv }
          daily:
            extract: { file: "data/{{ ds }}.csv" }
          query:
            extract: { connection: src, query: "SELECT 1 AS one" }
        """)
        let binding = try p.bindColumns()
        let reasons = Dictionary(uniqueKeysWithValues: binding.skipped.map { ($0.task, $0.reason) })
        #expect(reasons["read"]?.contains("does not exist yet") == true, "\(reasons)")
        #expect(reasons["daily"]?.contains("uses run values") == true, "\(reasons)")
        #expect(reasons["query"]?.contains("does not exist yet") == true, "\(reasons)")
        #expect(!FileManager.default.fileExists(atPath: ws.path("not-yet.db")))
    }
}

@Suite("Templates in every string that names data")
struct TemplateEverywhereTests {
    @Test("{{ ds }} in an expression is a date, a param a typed literal that cannot change the expression")
    func typedLiterals() throws {
        let v = RunVariables(pipeline: "p", runID: "2024-06-01", logicalDate: day("2024-06-01"), intervalStart: day("2024-06-01"),
                             intervalEnd: day("2024-06-02"), params: ["min": "10", "name": "x' or 1=1 or 'a"])
        #expect(try v.bindExpression("order_date = {{ ds }}") == "order_date = cast('2024-06-01' as date)")
        #expect(try v.bindExpression("amount >= {{ params.min }}") == "amount >= (10)")
        let bound = try v.bindExpression("name = {{ params.name }}")
        let table = try Table([("name", Column(string: ["x' or 1=1 or 'a", "b"]))])
        let kept = try BoundExpression(bound, schema: table.schema).evaluate(on: table)
        #expect(kept.unsafeValue(at: 0) == .bool(true) && kept.unsafeValue(at: 1) == .bool(false))
        #expect(throws: PipelineError.self) { try v.bindExpression("name = '{{ ds }}'") }
        #expect(throws: PipelineError.self) { try v.bindExpression("x = {{ dss }}") }
    }

    @Test("a pipeline run: {{ ds }} in a derive is a date column, a check reference path is rendered")
    func runRendersEverywhere() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        try FileManager.default.createDirectory(atPath: ws.path("ref"), withIntermediateDirectories: true)
        try ws.write("ref/users.csv", "id\n1\n2\n")
        try ws.write("orders.csv", "id,user_id\n1,1\n2,2\n")
        let p = try ws.pipeline("""
        pipeline: p
        params: { refs: ref }
        tasks:
          extract:
            extract: { file: orders.csv }
          t:
            after: [extract]
            transform:
              - derive: { day: "{{ ds }}", later: "{{ ds }} + interval '1 day'" }
          gate:
            after: [t]
            check:
              references: { users: "{{ params.refs }}/users.csv" }
              checks:
                - referential: { column: user_id, reference: users.id }
                  threshold: 0
        """)
        try p.validate()
        _ = try p.bindColumns()
        let runner = PipelineRunner(pipeline: p, store: try ws.store(), clock: ManualClock())
        runner.artifactsRoot = ws.path("artifacts")
        runner.keepArtifacts = true
        let summary = try await runner.run(RunRequest(logicalDate: day("2024-06-01")))
        #expect(summary.succeeded, "\(summary.tasks.map { "\($0.task): \($0.error ?? "")" })")
        let table = try TableFile.read(path: ws.path("artifacts/p/2024-06-01/t.sluice")).0
        #expect(table.column(named: "day")?.type == .date)
        #expect(table.column(named: "day")?.unsafeValue(at: 0) == .date(Int32(day("2024-06-01") / 86_400_000_000)))
    }

    @Test("an unknown template in a check reference or a join file is a validate error at the task")
    func unknownTemplates() throws {
        let ws = try Workspace(); defer { ws.remove() }
        try ws.write("orders.csv", "id\n1\n")
        let error = pipelineError { _ = try ws.pipeline("""
        pipeline: p
        tasks:
          extract:
            extract: { file: orders.csv }
          gate:
            after: [extract]
            check:
              references: { users: "{{ params.data }}/users.csv" }
              checks: [ { referential: { column: id, reference: users.id } } ]
        """) }
        #expect(error?.message.contains("{{ params.data }} is not a param") == true, "\(String(describing: error))")
        #expect(error?.line == 5)
        let join = pipelineError { _ = try ws.pipeline("""
        pipeline: p
        tasks:
          extract:
            extract: { file: orders.csv }
          t:
            after: [extract]
            transform:
              - join: { file: "{{ param.x }}.csv", on: [id] }
        """) }
        #expect(join?.message.contains("unknown template value {{ param.x }}") == true, "\(String(describing: join))")
    }
}
