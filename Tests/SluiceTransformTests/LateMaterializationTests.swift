import Testing
import SluiceCore
@testable import SluiceTransform
import SluiceTestSupport

/// `column` at `rows` (-1 = null), value by value.
private func naiveGather(_ column: Column, _ rows: [Int]) throws -> Column {
    try Column(type: column.type, values: rows.map { $0 < 0 ? .null : column.unsafeValue(at: $0) })
}

/// The join by nested loops: null keys never match; right key left out, clashes get `_right`.
private func naiveJoin(_ left: Table, _ right: Table, _ leftKey: String, _ rightKey: String, _ kind: JoinSpec.Kind) throws -> Table {
    let l = try left.column(leftKey), r = try right.column(rightKey)
    var outLeft: [Int] = [], outRight: [Int] = []
    for i in 0..<left.rowCount {
        let key = l.unsafeValue(at: i)
        let matches = key == .null ? [] : (0..<right.rowCount).filter { r.unsafeValue(at: $0) == key }
        switch kind {
        case .semi: if !matches.isEmpty { outLeft.append(i) }
        case .anti: if matches.isEmpty { outLeft.append(i) }
        case .inner, .left:
            for j in matches { outLeft.append(i); outRight.append(j) }
            if matches.isEmpty && kind == .left { outLeft.append(i); outRight.append(-1) }
        }
    }
    var pairs = try zip(left.schema.names, left.columns).map { ($0.0, try naiveGather($0.1, outLeft)) }
    if kind == .inner || kind == .left {
        for (name, column) in zip(right.schema.names, right.columns) where name != rightKey {
            var outName = name
            while pairs.contains(where: { $0.0 == outName }) { outName += "_right" }
            pairs.append((outName, try naiveGather(column, outRight)))
        }
    }
    return try Table(pairs)
}

private let rightMeasures: [AggregateSpec.Measure] = [
    .init("rows", .count), .init("orders", .count, "id_right"), .init("notes", .countDistinct, "note"),
    .init("spent", .sum, "total"), .init("items", .sum, "qty"), .init("mean", .avg, "total"), .init("mean_qty", .avg, "qty"),
    .init("first_note", .min, "note"), .init("last_day", .max, "day"), .init("low", .min, "total"), .init("any_paid", .max, "paid"),
    .init("earliest", .min, "created_at"), .init("f", .first, "note"), .init("l", .last, "total"), .init("users", .countDistinct, "id"),
]

private let leftMeasures: [AggregateSpec.Measure] = [
    .init("rows", .count), .init("emails", .count, "email"), .init("names", .countDistinct, "name"), .init("low", .min, "name"),
    .init("f", .first, "created_at"), .init("hi", .max, "id"), .init("s", .sum, "id"),
]

@Suite("Late materialization after joins")
struct LateMaterializationTests {
    @Test("joins agree with nested loops", arguments: [0, 1, 63, 64, 65, 300])
    func joins(size: Int) throws {
        let (users, orders) = try randomUsersAndOrders(size, seed: UInt64(size) + 11)
        for kind in JoinSpec.Kind.allCases {
            let spec = JoinSpec(right: orders, on: [("id", "user_id")], kind: kind)
            let expected = try naiveJoin(users, orders, "id", "user_id", kind)
            #expect(try Transform([.join(spec)]).apply(to: users) == expected, "\(kind)")
            #expect(try Step.join(spec).apply(to: users) == expected, "\(kind)")
        }
    }

    @Test("every key type and value spread joins like nested loops (direct codes and encoded keys)", arguments: [0, 1, 65, 200])
    func keyTypes(size: Int) throws {
        var rng = SplitMix64(seed: UInt64(size) + 77)
        func values(_ n: Int) -> [Value] {
            (0..<n).map { _ in rng.next(below: 7) == 0 ? .null : .int64(Int64(rng.next(below: 12))) }
        }
        let leftBase = values(size), rightBase = values(2 * size)
        // The same small integers as each type (and spread far apart, and at the extremes).
        let conversions: [(DataType, (Int64) -> Value)] = [
            (.int64, { .int64($0) }), (.int64, { .int64($0 * 1_000_000_000_007) }), (.int64, { .int64($0 % 2 == 0 ? .min + $0 : .max - $0) }),
            (.date, { .date(Int32($0) - 6) }), (.bool, { .bool($0 % 2 == 0) }), (.timestamp, { .timestamp($0 * 86_400_000_000) }),
            (.float64, { .float64($0 == 0 ? -0.0 : Double($0) / 4) }), (.string, { .string("k\($0)") }),
        ]
        for (type, convert) in conversions {
            func column(_ base: [Value]) throws -> Column {
                try Column(type: type, values: base.map { if case .int64(let v) = $0 { convert(v) } else { .null } })
            }
            let left = try Table([("k", try column(leftBase)), ("row", Column(int64: (0..<Int64(size)).map { $0 }))])
            let right = try Table([("key", try column(rightBase)), ("other", Column(int64: (0..<Int64(2 * size)).map { $0 }))])
            for kind in JoinSpec.Kind.allCases {
                let joined = try Step.join(JoinSpec(right: right, on: [("k", "key")], kind: kind)).apply(to: left)
                #expect(joined == (try naiveJoin(left, right, "k", "key", kind)), "\(type) \(kind)")
            }
        }
    }

    @Test("aggregates read through the join's row indices exactly as through built columns",
          arguments: [0, 1, 63, 64, 65, 300])
    func aggregates(size: Int) throws {
        let (users, orders) = try randomUsersAndOrders(size, seed: UInt64(size) + 5)
        let keySets = [["id", "email", "name", "created_at"], ["email"], ["note"], ["note", "day"], ["id", "note"], ["paid", "email"], []]
        for kind in JoinSpec.Kind.allCases {
            let spec = JoinSpec(right: orders, on: [("id", "user_id")], kind: kind)
            let joined = try naiveJoin(users, orders, "id", "user_id", kind)
            let rightSide = kind == .inner || kind == .left
            for keys in keySets where rightSide || keys.allSatisfy(users.schema.names.contains) {
                let aggregate = AggregateSpec(by: keys, measures: rightSide ? rightMeasures : leftMeasures)
                let lazy = try Transform([.join(spec), .aggregate(aggregate)]).apply(to: users)
                let built = try Step.aggregate(aggregate).apply(to: joined)
                #expect(lazy == built, "\(kind) by \(keys)")
                // Groups against a dictionary model: first-seen order, null a value of its own.
                var order: [[Value]] = [], counts: [[Value]: Int64] = [:]
                for i in 0..<joined.rowCount {
                    let key = try keys.map { try joined.column($0).unsafeValue(at: i) }
                    if counts[key] == nil { order.append(key) }
                    counts[key, default: 0] += 1
                }
                if keys.isEmpty { order = [[]]; counts[[]] = counts[[]] ?? 0 }
                #expect(lazy.rowCount == order.count)
                #expect(try lazy.column("rows").allValues == order.map { .int64(counts[$0]!) })
                for (k, name) in keys.enumerated() {
                    #expect(try lazy.column(name).allValues == order.map { $0[k] })
                }
            }
        }
    }

    @Test("a left join's unmatched rows group with right-side keys that are null")
    func unmatchedRowsAreNullKeys() throws {
        let users = try Table([("id", Column(int64: [1, 2, 3]))])
        let orders = try Table([("user_id", Column(int64: [1, 1, 3])), ("note", Column(string: ["a", nil, nil])),
                                ("total", Column(float64: [1.5, 2.25, 4]))])
        let out = try Transform([
            .join(JoinSpec(right: orders, on: [("id", "user_id")], kind: .left)),
            .aggregate(AggregateSpec(by: ["note"], measures: [.init("rows", .count), .init("spent", .sum, "total"), .init("users", .countDistinct, "id")])),
        ]).apply(to: users)
        // Rows: (1, a, 1.5), (1, null, 2.25), (2, null, null), (3, null, 4).
        #expect(try out.column("note").allValues == [.string("a"), .null])
        #expect(try out.column("rows").allValues == [.int64(1), .int64(3)])
        #expect(try out.column("spent").allValues == [.float64(1.5), .float64(6.25)])
        #expect(try out.column("users").allValues == [.int64(1), .int64(3)])
    }

    @Test("select, drop and rename between a join and an aggregate")
    func projections() throws {
        let (users, orders) = try randomUsersAndOrders(200, seed: 3)
        let join = Step.join(JoinSpec(right: orders, on: [("id", "user_id")], kind: .left))
        let steps: [Step] = [
            join, .drop(["name"]), .rename([("email", "mail"), ("total", "amount")]),
            .select(["id", "mail", "amount", "note"]),
            .aggregate(AggregateSpec(by: ["mail"], measures: [.init("n", .count), .init("sum", .sum, "amount"), .init("top", .max, "note")])),
        ]
        var built = try join.apply(to: users)
        for step in steps.dropFirst() { built = try step.apply(to: built) }
        #expect(try Transform(steps).apply(to: users) == built)
        for n in [-1, 0, 7, 10_000] {
            #expect(try Transform([join, .limit(n), .drop(["email"])]).apply(to: users) == (try join.apply(to: users).prefix(n).selecting(["id", "name", "created_at", "id_right", "total", "qty", "day", "paid", "note"])))
        }
        // Errors are the same as on built tables.
        let bad = #expect(throws: TransformError.self) { try Transform([join, .select(["emial"])]).apply(to: users) }
        #expect(bad?.hint == "did you mean `email`?")
        #expect(bad?.step == 2)
        #expect(throws: CoreError.self) { try Transform([join, .select(["id", "id"])]).apply(to: users) }
        let clash = #expect(throws: TransformError.self) { try Transform([join, .rename([("email", "id")])]).apply(to: users) }
        #expect(clash?.message.hasPrefix("rename: column \"id\" appears twice") == true)
    }

    @Test("large outputs are built in parallel, equal to one column at a time")
    func parallelMaterialization() throws {
        let n = 70_000   // above the parallel threshold
        let users = try Table([("id", Column(int64: (0..<Int64(n)).map { $0 })),
                               ("name", Column(string: (0..<n).map { $0 % 11 == 0 ? nil : "n\($0)" }))])
        let userIDs = (0..<n).map { Int64(($0 * 7919) % n) }   // a permutation of the ids
        let orders = try Table([("user_id", Column(int64: userIDs)), ("total", Column(float64: userIDs.map { Double($0) / 4 })),
                                ("note", Column(string: userIDs.map { $0 % 3 == 0 ? "x" : nil }))])
        let lazy = try JoinSpec(right: orders, on: [("id", "user_id")], kind: .inner).apply(to: LazyTable(users))
        let built = lazy.materialized()
        #expect(built == (try Table(Array(zip(lazy.names, lazy.columns.map { $0.materialized() })))))
        #expect(try built.column("total").allValues == (0..<n).map { .float64(Double($0) / 4) })
        #expect(try built.column("name").allValues == (0..<n).map { $0 % 11 == 0 ? .null : .string("n\($0)") })
        #expect(try built.column("note").allValues == (0..<n).map { $0 % 3 == 0 ? .string("x") : .null })
    }

    @Test("joins after joins compose their row indices")
    func chainedJoins() throws {
        let (users, orders) = try randomUsersAndOrders(120, seed: 9)
        let notes = try Table([("note", Column(string: ["gift", "rush", nil])), ("priority", Column(int64: [1, 2, 3]))])
        let steps: [Step] = [
            .join(JoinSpec(right: orders, on: [("id", "user_id")], kind: .left)),
            .join(JoinSpec(right: notes, on: [("note", "note")], kind: .inner)),
            .aggregate(AggregateSpec(by: ["email", "priority"], measures: [.init("n", .count), .init("spent", .sum, "total")])),
        ]
        var built = users
        for step in steps { built = try step.apply(to: built) }
        #expect(try Transform(steps).apply(to: users) == built)
        #expect(try Transform(Array(steps.prefix(2))).apply(to: users) == (try steps[1].apply(to: steps[0].apply(to: users))))
    }
}

@Suite("Rounding for exact sums")
struct RoundingTests {
    @Test("roundedHalfAway equals rounded() on halves, near integers, large and negative values")
    func matchesLibm() {
        var rng = SplitMix64(seed: 17)
        var values: [Double] = [0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994,
                                0x1p51 - 0.5, -(0x1p51 - 0.5), 0x1p51, 0x1p52 + 1, -0x1p53, 1e18, .infinity, -.infinity,
                                28.999999999999996, 100.00000000000001, 60.1 * 100, 39.9 * 100]
        for _ in 0..<20_000 {
            let k = Double(Int(rng.next(below: 2_000_000_000)) - 1_000_000_000)
            values.append(k + 0.5)
            values.append(k / 1000)
            values.append(Double(bitPattern: UInt64(rng.next(below: Int.max))) )
        }
        for x in values where !x.isNaN {
            #expect(roundedHalfAway(x) == x.rounded(), "\(x)")
        }
    }
}
