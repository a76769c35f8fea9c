import Foundation
import Testing
@testable import SluiceObserve
import SluicePipeline
import SluiceTransform
import SluiceTestSupport

@Suite("PipelineLineage")
struct PipelineLineageTests {
    /// The end-to-end inputs of `column` of the pipeline's only destination.
    func inputs(_ lineage: PipelineLineage, _ column: String) throws -> [(source: FieldRef, transformations: [ColumnTransformation])] {
        let output = try #require(lineage.datasets.first { $0.role == .destination })
        return try #require(output.shape.column(named: column)).inputs.bySource
    }

    @Test("the seed pipeline's datasets are named by the OpenLineage naming spec")
    func seedDatasets() throws {
        let lineage = PipelineLineage(try seedPipeline())
        let directory = repositoryRoot.appendingPathComponent("examples/user_analytics").standardizedFileURL.path
        #expect(lineage.inputs == [DatasetName(namespace: "sqlite://" + directory + "/data/source.db", name: "users"),
                                   DatasetName(namespace: "sqlite://" + directory + "/data/source.db", name: "orders")])
        #expect(lineage.outputs == [DatasetName(namespace: "sqlite://" + directory + "/data/warehouse.db", name: "user_analytics")])
        #expect(lineage.jobs.map(\.task) == ["extract", "transform", "quality", "load"])
        #expect(lineage.job("transform")?.inputs == [.intermediate(pipeline: "user_analytics", task: "extract")])
        #expect(lineage.job("load")?.outputs == lineage.outputs)
        #expect(lineage.notes.isEmpty)
    }

    @Test("the seed pipeline's column lineage, field by field")
    func seedColumns() throws {
        let lineage = PipelineLineage(try seedPipeline())
        let users = lineage.inputs[0], orders = lineage.inputs[1]
        let output = try #require(lineage.datasets.first { $0.role == .destination })
        #expect(output.shape.names == ["id", "email", "name", "created_at", "order_count", "total_spent", "customer_segment"])

        let id = try inputs(lineage, "id")
        #expect(id.map(\.source) == [FieldRef(users, "id")])
        #expect(id[0].transformations == [.identity])

        // email ← users.email DIRECT, through lower(trim(email)).
        let email = try inputs(lineage, "email")
        #expect(email.map(\.source) == [FieldRef(users, "email")])
        #expect(email[0].transformations == [.transformation("lower(trim(email))")])

        let name = try inputs(lineage, "name")
        #expect(name.map(\.source) == [FieldRef(users, "name")] && name[0].transformations == [.identity])

        // total_spent ← orders.total AGGREGATION.
        let total = try inputs(lineage, "total_spent")
        #expect(total.map(\.source) == [FieldRef(orders, "total")])
        #expect(total[0].transformations == [.aggregation("SUM(o.total)")])

        // order_count ← orders.id AGGREGATION, masking (a count hides the values).
        let count = try inputs(lineage, "order_count")
        #expect(count.map(\.source) == [FieldRef(orders, "id")])
        #expect(count[0].transformations == [ColumnTransformation(.direct, .aggregation, description: "COUNT(o.id)", masking: true)])

        // customer_segment ← orders.total INDIRECT through total_spent and the bucket.
        let segment = try inputs(lineage, "customer_segment")
        #expect(segment.map(\.source) == [FieldRef(orders, "total")])
        #expect(segment[0].transformations.count == 1)
        #expect(segment[0].transformations[0].kind == .indirect)
        #expect(segment[0].transformations[0].subtype == .conditional)
        #expect(segment[0].transformations[0].detail == "SUM(o.total) → bucket(total_spent; edges 0, 100, 1000, inf → Bronze, Silver, Gold)")

        // Rows: join keys, the interval filter and the group keys are INDIRECT.
        let rows = output.shape.datasetInputs
        #expect(rows.contains(FieldDependency(FieldRef(users, "id"), .indirect(.join, "JOIN ON u.id = o.user_id"))))
        #expect(rows.contains(FieldDependency(FieldRef(orders, "user_id"), .indirect(.join, "JOIN ON u.id = o.user_id"))))
        #expect(rows.contains { $0.source == FieldRef(users, "created_at") && $0.transformation.subtype == .filter })
        #expect(rows.contains { $0.source == FieldRef(users, "email") && $0.transformation.subtype == .groupBy })
        #expect(!rows.contains { $0.source.field == "total" })
    }

    @Test("one-hop lineage of the transform task reads the extract's table")
    func hopLineage() throws {
        let lineage = PipelineLineage(try seedPipeline())
        let extract = DatasetName.intermediate(pipeline: "user_analytics", task: "extract")
        let transform = try #require(lineage.dataset(.intermediate(pipeline: "user_analytics", task: "transform")))
        let segment = try #require(transform.hopShape.column(named: "customer_segment"))
        #expect(segment.inputs.map(\.source) == [FieldRef(extract, "total_spent")])
        #expect(segment.inputs[0].transformation.subtype == .conditional)
        #expect(transform.hopShape.column(named: "id")?.inputs == [FieldDependency(FieldRef(extract, "id"), .identity)])
    }

    @Test("transform steps: rename, select, cast, filter, aggregate, join, derive with case")
    func steps() throws {
        let source = DatasetName.file("/data/orders.csv")
        let users = DatasetName.file("/data/users.csv")
        var shape = TableShape.dataset(source, fields: [("id", .int64), ("user_id", .int64), ("total", .string), ("status", .string)])
        let usersShape = TableShape.dataset(users, fields: [("id", .int64), ("email", .string)])
        shape = shape.applying(.rename([("total", "amount")]))
        shape = shape.applying(.cast([("amount", .float64)]))
        shape = shape.applying(.filter("status = 'paid'"))
        shape = shape.applying(.join(JoinSpec(right: .empty, on: [("user_id", "id")], kind: .left)), other: (users, usersShape))
        #expect(shape.names == ["id", "user_id", "amount", "status", "email"])
        #expect(shape.column(named: "email")?.inputs == [FieldDependency(FieldRef(users, "email"), .identity)])
        #expect(shape.column(named: "amount")?.inputs == [FieldDependency(FieldRef(source, "total"), .transformation("cast(amount as float64)"))])
        #expect(shape.column(named: "amount")?.type == .float64)
        shape = shape.applying(.derive([("big", "case when amount > 100 then email else 'small' end")]))
        let big = try #require(shape.column(named: "big")).inputs
        #expect(big.contains(FieldDependency(FieldRef(source, "total"), ColumnTransformation.transformation("cast(amount as float64)").then(.indirect(.conditional, "case when amount > 100 then email else 'small' end")))))
        #expect(big.contains(FieldDependency(FieldRef(users, "email"), .transformation("case when amount > 100 then email else 'small' end"))))
        shape = shape.applying(.aggregate(AggregateSpec(by: ["email"], measures: [.init("spent", .sum, "amount"), .init("orders", .count)])))
        #expect(shape.names == ["email", "spent", "orders"])
        #expect(shape.column(named: "spent")?.inputs.map(\.transformation.subtype) == [.aggregation])
        #expect(shape.column(named: "orders")?.inputs == [])
        shape = shape.applying(.select(["spent"]))
        #expect(shape.names == ["spent"])
        let rowSubtypes = Set(shape.datasetInputs.map(\.transformation.subtype))
        #expect(rowSubtypes == [.filter, .join, .groupBy])
        #expect(shape.datasetInputs.contains { $0.source == FieldRef(users, "id") && $0.transformation.subtype == .join })
        #expect(shape.datasetInputs.contains { $0.source == FieldRef(source, "status") && $0.transformation.subtype == .filter })
    }

    @Test("dataset names strip credentials")
    func naming() throws {
        let pg = try DatasetName.table("sales.orders", connection: "postgres://app:s3cret@db.example:5433/shop?sslmode=require")
        #expect(pg == DatasetName(namespace: "postgres://db.example:5433", name: "shop.sales.orders"))
        let defaults = try DatasetName.table("orders", connection: "postgres://app:${NO_SUCH_PASSWORD_VAR}@localhost/app")
        #expect(defaults == DatasetName(namespace: "postgres://localhost:5432", name: "app.public.orders"))
        #expect(!defaults.description.contains("app:"))
        #expect(DatasetName.kafka(topic: "events", brokers: "k1:9093,k2:9093") == DatasetName(namespace: "kafka://k1:9093", name: "events"))
        #expect(DatasetName.kafka(topic: "events", brokers: "broker") == DatasetName(namespace: "kafka://broker:9092", name: "events"))
        #expect(DatasetName.file("out/../data/x.csv", baseDirectory: "/srv/p") == DatasetName(namespace: "file", name: "/srv/p/data/x.csv"))
        #expect(try DatasetName.table("t", connection: "sqlite:/tmp/a.db") == DatasetName(namespace: "sqlite:///tmp/a.db", name: "t"))
    }

    @Test("every format renders the graph")
    func formats() throws {
        let lineage = PipelineLineage(try seedPipeline())
        let mermaid = lineage.rendered(.mermaid)
        #expect(mermaid.hasPrefix("flowchart LR\n"))
        #expect(mermaid.contains("_total -->|AGGREGATION| "))
        #expect(mermaid.contains("_total -.->|CONDITIONAL| "))
        let dot = lineage.rendered(.dot)
        #expect(dot.hasPrefix("digraph \"user_analytics\""))
        #expect(dot.contains(":email -> ") && dot.contains("style=dashed"))
        let json = lineage.rendered(.json)
        #expect(json.contains("\"subtype\": \"AGGREGATION\""))
        let text = lineage.rendered(.text)
        #expect(text.contains("customer_segment  ← orders.total  INDIRECT/CONDITIONAL"))
    }

    @Test("an sql task's INSERT … SELECT gives its target column lineage")
    func sqlTask() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let yaml = """
            pipeline: elt
            connections: { wh: "postgres://app:pw@db:5432/wh" }
            tasks:
              daily:
                sql:
                  connection: wh
                  statements:
                    - "DELETE FROM daily_totals WHERE day = {{ ds }}"
                    - "INSERT INTO daily_totals (day, user_id, spent) SELECT {{ ds }}, o.user_id, SUM(o.total) FROM raw.orders o WHERE o.day = {{ ds }} GROUP BY o.user_id"
            """
        let file = directory.appendingPathComponent("pipeline.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let lineage = PipelineLineage(try Pipeline.load(path: file.path))
        let orders = DatasetName(namespace: "postgres://db:5432", name: "wh.raw.orders")
        let totals = try #require(lineage.dataset(DatasetName(namespace: "postgres://db:5432", name: "wh.public.daily_totals")))
        #expect(totals.role == .destination)
        #expect(lineage.job("daily")?.inputs == [orders])
        #expect(totals.shape.names == ["day", "user_id", "spent"])
        #expect(totals.shape.column(named: "spent")?.inputs == [FieldDependency(FieldRef(orders, "total"), .aggregation("SUM(o.total)"))])
        #expect(totals.shape.column(named: "day")?.inputs == [])
        #expect(totals.shape.datasetInputs.contains { $0.source == FieldRef(orders, "day") && $0.transformation.subtype == .filter })
    }
}
