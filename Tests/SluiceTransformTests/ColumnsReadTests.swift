import Testing
import SluiceCore
import SluiceTransform
import SluiceTestSupport

/// Which columns of a joined file the steps use (`Transform.columnsRead`), so a pipeline
/// reads only those: found on empty tables, and never leaving out a column the output
/// depends on.
@Suite("Columns a join reads")
struct ColumnsReadTests {
    static let users = Schema([Field("id", .int64), Field("email", .string), Field("created_at", .timestamp)])
    static let orders = Schema([Field("id", .int64), Field("user_id", .int64), Field("total", .float64),
                                Field("created_at", .timestamp), Field("status", .string)])

    static func join(_ kind: JoinSpec.Kind = .left) -> Step {
        .join(JoinSpec(table: .reference(TableReference(name: "orders.csv")), on: [("id", "user_id")], kind: kind))
    }

    static func read(_ steps: [Step]) -> [String]? {
        Transform(steps).columnsRead(byJoinAt: 0, input: users, right: orders)
    }

    @Test("the seed's join and aggregate reads the key, the counted id and the summed total")
    func seedPipeline() throws {
        let aggregate = Step.aggregate(AggregateSpec(by: ["id", "email", "created_at"],
                                                     measures: [.init("order_count", .count, "id_right"), .init("total_spent", .sum, "total")]))
        #expect(Self.read([Self.join(), aggregate, .derive([("email", "lower(trim(email))")])]) == ["id", "user_id", "total"])
    }

    @Test("a column the output keeps, or a later step names, is read")
    func usedColumns() {
        // Nothing after the join: every right column is in the output.
        #expect(Self.read([Self.join()]) == nil)
        // A filter names status; select keeps total: both, with the key.
        #expect(Self.read([Self.join(), .filter("status = 'paid'"), .select(["id", "total"])]) == ["user_id", "total", "status"])
        // A derived column from created_at_right (the clashing name), then dropped.
        #expect(Self.read([Self.join(), .derive([("late", "created_at_right > created_at")]), .select(["id", "late"])])
                == ["user_id", "created_at"])
        // Semi and anti joins add no columns: only the key.
        #expect(Self.read([Self.join(.semi)]) == ["user_id"])
        #expect(Self.read([Self.join(.anti)]) == ["user_id"])
    }

    @Test("steps that read whole rows, or tables not known yet, keep every column")
    func wholeRows() {
        #expect(Self.read([Self.join(), .dedupe(keys: [], keepLast: false), .select(["id"])]) == nil)
        #expect(Self.read([Self.join(), .union(.reference(TableReference(name: "more.csv"))), .select(["id"])]) == nil)
        let later = Step.join(JoinSpec(table: .reference(TableReference(name: "other.csv")), on: [("id", "k")], kind: .left))
        #expect(Self.read([Self.join(), later, .select(["id"])]) == nil)
    }

    @Test("the output is the same reading only those columns", arguments: [JoinSpec.Kind.left, .inner, .semi, .anti])
    func sameOutput(kind: JoinSpec.Kind) throws {
        var rng = SplitMix64(seed: 7)
        let n = 500
        let usersTable = try Table([("id", Column(int64: (0..<n).map { Int64($0 % 400) })),
                                    ("email", Column(string: (0..<n).map { "U\($0 % 37)@X.org " })),
                                    ("created_at", randomColumn(.timestamp, count: n, &rng))])
        let m = 1_500
        let ordersTable = try Table([("id", Column(int64: (0..<m).map { Int64($0) })),
                                     ("user_id", randomColumn(.int64, count: m, &rng).mappingInt64 { $0 % 450 }),
                                     ("total", randomColumn(.float64, count: m, &rng)),
                                     ("created_at", randomColumn(.timestamp, count: m, &rng)),
                                     ("status", Column(string: (0..<m).map { ["paid", "open", nil][$0 % 3] }))])
        let steps: [Step] = [Self.join(kind),
                             .aggregate(AggregateSpec(by: ["id", "email"], measures: kind == .left || kind == .inner
                                ? [.init("n", .count, "id_right"), .init("spent", .sum, "total"), .init("rows", .count)]
                                : [.init("rows", .count)])),
                             .derive([("email", "lower(trim(email))")])]
        let transform = Transform(steps)
        let columns = try #require(transform.columnsRead(byJoinAt: 0, input: usersTable.schema, right: ordersTable.schema))
        #expect(!columns.contains("created_at") && !columns.contains("status"))
        let projected = try Table(zip(ordersTable.schema.names, ordersTable.columns).filter { columns.contains($0.0) })
        let whole = try transform.resolvingTables { _ in ordersTable }.apply(to: usersTable)
        let narrow = try transform.resolvingTables { _ in projected }.apply(to: usersTable)
        #expect(narrow == whole)
    }
}

private extension Column {
    /// The int64 column with `transform` applied to each value (nulls stay null).
    func mappingInt64(_ transform: (Int64) -> Int64) -> Column {
        Column(int64: (0..<count).map { row -> Int64? in
            guard case .int64(let v) = unsafeValue(at: row) else { return nil }
            return transform(v)
        })
    }
}
