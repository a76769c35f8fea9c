import Testing
import SluiceCore
@testable import SluiceTransform

private func values(_ table: Table, _ name: String) throws -> [Value] { try table.column(name).allValues }

@Suite("Bucket (pd.cut)")
struct BucketTests {
    // Checked with pandas 3.1.1: pd.cut(pd.Series([...]), bins=[0, 100, 1000, float('inf')], labels=['Bronze','Silver','Gold'])
    // gives NaN for 0 (the lowest edge is open), -5, -0.01 and null; 100 → Bronze; 100.01 → Silver;
    // 1000 → Silver; 1000.01 → Gold; 1e9 → Gold. With include_lowest=True, 0 → Bronze.
    // With right=False: 0 → Bronze, 100 → Silver, 1000 → Gold, 99.99 → Bronze.
    let input = try! Table([("total", Column(float64: [0, 100, 1000, -5, nil, 100.01, 1000.01, 1e9, -0.01, 0.01, 99.99]))])
    let edges: [Double] = [0, 100, 1000, .infinity]
    let labels = ["Bronze", "Silver", "Gold"]

    @Test("right-closed intervals, lowest edge open, outside and null give null")
    func rightClosed() throws {
        let out = try Step.bucket(BucketSpec(column: "total", into: "segment", edges: edges, labels: labels)).apply(to: input)
        #expect(try values(out, "segment") == [.null, .string("Bronze"), .string("Silver"), .null, .null, .string("Silver"),
                                               .string("Gold"), .string("Gold"), .null, .string("Bronze"), .string("Bronze")])
    }

    @Test("include_lowest closes the first interval")
    func includeLowest() throws {
        let out = try Step.bucket(BucketSpec(column: "total", into: "segment", edges: edges, labels: labels, includeLowest: true)).apply(to: input)
        #expect(try values(out, "segment")[0] == .string("Bronze"))
        #expect(try values(out, "segment")[3] == .null)
    }

    @Test("right: false makes intervals left-closed")
    func leftClosed() throws {
        let out = try Step.bucket(BucketSpec(column: "total", edges: edges, labels: labels, right: false)).apply(to: input)
        #expect(try values(out, "total") == [.string("Bronze"), .string("Silver"), .string("Gold"), .null, .null, .string("Silver"),
                                             .string("Gold"), .string("Gold"), .null, .string("Bronze"), .string("Bronze")])
    }

    @Test("without labels the interval text is the label; int64 input works")
    func intervalLabels() throws {
        let t = try Table([("n", Column(int64: [5, 50, nil]))])
        let out = try Step.bucket(BucketSpec(column: "n", into: "b", edges: [0, 10, 100])).apply(to: t)
        #expect(try values(out, "b") == [.string("(0.0, 10.0]"), .string("(10.0, 100.0]"), .null])   // pandas prints the same intervals
    }

    @Test("bad edges and label counts are errors")
    func invalid() throws {
        #expect(throws: TransformError.self) { try Step.bucket(BucketSpec(column: "total", edges: [0, 0, 1])).apply(to: input) }
        #expect(throws: TransformError.self) { try Step.bucket(BucketSpec(column: "total", edges: [0, 1], labels: ["a", "b"])).apply(to: input) }
    }
}

@Suite("Join")
struct JoinTests {
    let users = try! Table([("id", Column(int64: [1, 2, 3, nil])), ("name", Column(string: ["ann", "bob", "cy", "nil-id"]))])
    let orders = try! Table([("user_id", Column(int64: [1, 1, 3, nil, 9])), ("total", Column(float64: [10, 20, 5, 7, 1]))])

    func join(_ kind: JoinSpec.Kind) throws -> Table {
        try Step.join(JoinSpec(right: orders, on: [("id", "user_id")], kind: kind)).apply(to: users)
    }

    @Test("inner: null keys never match")
    func inner() throws {
        let out = try join(.inner)
        #expect(out.schema.names == ["id", "name", "total"])
        #expect(try values(out, "id") == [.int64(1), .int64(1), .int64(3)])
        #expect(try values(out, "total") == [.float64(10), .float64(20), .float64(5)])
    }

    @Test("left keeps unmatched rows (and the null-key row) with nulls")
    func left() throws {
        let out = try join(.left)
        #expect(try values(out, "name") == [.string("ann"), .string("ann"), .string("bob"), .string("cy"), .string("nil-id")])
        #expect(try values(out, "total") == [.float64(10), .float64(20), .null, .float64(5), .null])
    }

    @Test("semi and anti")
    func semiAnti() throws {
        #expect(try values(try join(.semi), "name") == [.string("ann"), .string("cy")])
        #expect(try values(try join(.anti), "name") == [.string("bob"), .string("nil-id")])
    }

    @Test("multi-key string join and empty inputs")
    func multiKey() throws {
        let a = try Table([("k", Column(string: ["x", "x", "y"])), ("n", Column(int64: [1, 2, 1])), ("v", Column(int64: [10, 20, 30]))])
        let b = try Table([("k", Column(string: ["x", "y", "y"])), ("n", Column(int64: [2, 1, 2])), ("w", Column(string: ["p", "q", "r"]))])
        let out = try Step.join(JoinSpec(right: b, on: [("k", "k"), ("n", "n")])).apply(to: a)
        #expect(try values(out, "v") == [.int64(20), .int64(30)])
        #expect(try values(out, "w") == [.string("p"), .string("q")])
        let empty = try Step.join(JoinSpec(right: Table(emptyWith: b.schema), on: [("k", "k")], kind: .left)).apply(to: a)
        #expect(empty.rowCount == 3)
        #expect(try values(empty, "w") == [.null, .null, .null])
        #expect(try Step.join(JoinSpec(right: b, on: [("k", "k")])).apply(to: Table(emptyWith: a.schema)).rowCount == 0)
    }

    @Test("key type mismatch is a clear error")
    func mismatch() throws {
        let other = try Table([("user_id", Column(string: ["1"]))])
        let error = #expect(throws: TransformError.self) { try Step.join(JoinSpec(right: other, on: [("id", "user_id")])).apply(to: users) }
        #expect(error?.code == .keyTypeMismatch)
        #expect(error?.description.contains("\"id\" is int64 on the left, \"user_id\" is string on the right") == true)
    }
}

@Suite("Aggregate")
struct AggregateTests {
    let t = try! Table([
        ("k", Column(string: ["a", nil, "a", "b", nil, "a"])),
        ("v", Column(int64: [1, 2, nil, 4, 5, 1])),
        ("m", Column(float64: [60.10, 0.1, 39.90, 0.2, nil, nil])),
    ])

    @Test("null key is its own group; every function with nulls")
    func functions() throws {
        let spec = AggregateSpec(by: ["k"], measures: [
            .init("rows", .count), .init("n", .count, "v"), .init("d", .countDistinct, "v"), .init("s", .sum, "v"),
            .init("lo", .min, "v"), .init("hi", .max, "v"), .init("mean", .avg, "v"), .init("f", .first, "v"),
            .init("l", .last, "v"), .init("money", .sum, "m"),
        ])
        let out = try Step.aggregate(spec).apply(to: t)
        #expect(try values(out, "k") == [.string("a"), .null, .string("b")])
        #expect(try values(out, "rows") == [.int64(3), .int64(2), .int64(1)])
        #expect(try values(out, "n") == [.int64(2), .int64(2), .int64(1)])
        #expect(try values(out, "d") == [.int64(1), .int64(2), .int64(1)])
        #expect(try values(out, "s") == [.int64(2), .int64(7), .int64(4)])
        #expect(try values(out, "lo") == [.int64(1), .int64(2), .int64(4)])
        #expect(try values(out, "hi") == [.int64(1), .int64(5), .int64(4)])
        #expect(try values(out, "mean") == [.float64(1), .float64(3.5), .float64(4)])
        #expect(try values(out, "f") == [.int64(1), .int64(2), .int64(4)])
        #expect(try values(out, "l") == [.int64(1), .int64(5), .int64(4)])
        #expect(try values(out, "money") == [.float64(100), .float64(0.1), .float64(0.2)])
    }

    @Test("money sums are exact at bucket edges (60.10 + 39.90 is Bronze)")
    func exactMoney() throws {
        #expect(60.10 + 39.90 != 100 || 0.1 + 0.2 != 0.3)   // the float trap is real
        let t = try Table([("u", Column(int64: [1, 1, 2, 2, 2])), ("total", Column(float64: [60.10, 39.90, 0.1, 0.2, 999.7]))])
        let out = try Transform([
            .aggregate(AggregateSpec(by: ["u"], measures: [.init("spent", .sum, "total")])),
            .bucket(BucketSpec(column: "spent", into: "segment", edges: [0, 100, 1000, .infinity], labels: ["Bronze", "Silver", "Gold"])),
        ]).apply(to: t)
        #expect(try values(out, "spent") == [.float64(100), .float64(1000)])
        #expect(try values(out, "segment") == [.string("Bronze"), .string("Silver")])
    }

    @Test("no keys: one row, also for an empty table")
    func global() throws {
        let spec = AggregateSpec(by: [], measures: [.init("n", .count), .init("s", .sum, "v")])
        #expect(try Step.aggregate(spec).apply(to: t).row(0) == [.int64(6), .int64(13)])
        #expect(try Step.aggregate(spec).apply(to: Table(emptyWith: t.schema)).row(0) == [.int64(0), .null])
        #expect(try Step.aggregate(AggregateSpec(by: ["k"], measures: [.init("n", .count)])).apply(to: Table(emptyWith: t.schema)).rowCount == 0)
    }

    @Test("seeded random groups against a naive dictionary model", arguments: [0, 1, 63, 64, 65, 1000])
    func random(size: Int) throws {
        var rng = SplitMix64(seed: UInt64(size) + 7)
        var keys: [Int64?] = [], vals: [Int64?] = []
        for _ in 0..<size {
            keys.append(rng.next(below: 6) == 0 ? nil : Int64(rng.next(below: 9)))
            vals.append(rng.next(below: 5) == 0 ? nil : Int64(rng.next(below: 100)))
        }
        let table = try Table([("k", Column(int64: keys)), ("v", Column(int64: vals))])
        let out = try Step.aggregate(AggregateSpec(by: ["k"], measures: [.init("n", .count), .init("s", .sum, "v"), .init("hi", .max, "v")])).apply(to: table)
        var order: [Int64?] = []
        var model: [Int64?: (n: Int64, s: Int64?, hi: Int64?)] = [:]
        for (k, v) in zip(keys, vals) {
            if model[k] == nil { order.append(k); model[k] = (0, nil, nil) }
            model[k]!.n += 1
            if let v { model[k]!.s = (model[k]!.s ?? 0) + v; model[k]!.hi = max(model[k]!.hi ?? v, v) }
        }
        #expect(try values(out, "k") == order.map { $0.map(Value.int64) ?? .null })
        #expect(try values(out, "n") == order.map { .int64(model[$0]!.n) })
        #expect(try values(out, "s") == order.map { model[$0]!.s.map(Value.int64) ?? .null })
        #expect(try values(out, "hi") == order.map { model[$0]!.hi.map(Value.int64) ?? .null })
    }
}

@Suite("Row and column steps")
struct StepTests {
    let t = try! Table([("id", Column(int64: [3, 1, 2, 1, nil])), ("email", Column(string: ["\tC@X.io ", nil, "b@x.io", "a@x.io", "z"]))])

    @Test("select, drop, rename, derive, filter, limit")
    func basics() throws {
        #expect(try Step.select(["email", "id"]).apply(to: t).schema.names == ["email", "id"])
        #expect(try Step.drop(["email"]).apply(to: t).schema.names == ["id"])
        #expect(try Step.rename([("email", "mail")]).apply(to: t).schema.names == ["id", "mail"])
        let derived = try Step.derive([("email", "lower(trim(email))"), ("twice", "id * 2")]).apply(to: t)
        #expect(try values(derived, "email") == [.string("c@x.io"), .null, .string("b@x.io"), .string("a@x.io"), .string("z")])
        #expect(try values(derived, "twice") == [.int64(6), .int64(2), .int64(4), .int64(2), .null])
        #expect(try values(try Step.filter("id >= 2").apply(to: t), "id") == [.int64(3), .int64(2)])
        #expect(try Step.limit(2).apply(to: t).rowCount == 2)
        let error = #expect(throws: TransformError.self) { try Step.select(["emial"]).apply(to: t) }
        #expect(error?.hint == "did you mean `email`?")
        #expect(throws: TransformError.self) { try Step.filter("id + 1").apply(to: t) }
    }

    @Test("cast and fill_null")
    func castFill() throws {
        let s = try Table([("n", Column(string: ["1", nil, " 3 "]))])
        #expect(try values(try Step.cast([("n", .int64)]).apply(to: s), "n") == [.int64(1), .null, .int64(3)])
        #expect(try values(try Step.fillNull([("n", .string("?"))]).apply(to: s), "n") == [.string("1"), .string("?"), .string(" 3 ")])
        #expect(try values(try Step.fillNull([("id", .int64(0))]).apply(to: t), "id") == [.int64(3), .int64(1), .int64(2), .int64(1), .int64(0)])
    }

    @Test("dedupe keeps first or last, nulls equal to each other")
    func dedupe() throws {
        let first = try Step.dedupe(keys: ["id"], keepLast: false).apply(to: t)
        #expect(try values(first, "email") == [.string("\tC@X.io "), .null, .string("b@x.io"), .string("z")])
        let last = try Step.dedupe(keys: ["id"], keepLast: true).apply(to: t)
        #expect(try values(last, "email") == [.string("\tC@X.io "), .string("b@x.io"), .string("a@x.io"), .string("z")])
    }

    @Test("sort: multi-key, stable, nulls first or last")
    func sort() throws {
        let asc = try Step.sort([SortKey("id")]).apply(to: t)
        #expect(try values(asc, "id") == [.int64(1), .int64(1), .int64(2), .int64(3), .null])
        #expect(try values(asc, "email")[0...1] == [.null, .string("a@x.io")])   // stable
        let desc = try Step.sort([SortKey("id", descending: true, nullsFirst: false), SortKey("email", descending: true)]).apply(to: t)
        // Descending keys put nulls first by default (PostgreSQL), so the null email precedes a@x.io.
        #expect(try values(desc, "email") == [.string("\tC@X.io "), .string("b@x.io"), .null, .string("a@x.io"), .string("z")])
    }

    @Test("union widens types")
    func union() throws {
        let other = try Table([("email", Column(string: ["q"])), ("id", Column(float64: [1.5]))])
        let out = try Step.union(other).apply(to: t)
        #expect(out.rowCount == 6)
        #expect(try values(out, "id").last == .float64(1.5))
    }
}

@Suite("YAML steps")
struct YAMLStepTests {
    @Test("the seed's transform parses and runs")
    func seed() throws {
        let orders = try Table([("user_id", Column(int64: [1, 1])), ("total", Column(float64: [60.10, 39.90]))])
        let transform = try Transform(yaml: """
            - join: { file: orders.csv, on: { id: user_id }, how: left }
            - aggregate: { by: [id, email], compute: { order_count: count(total), total_spent: sum(total) } }
            - derive: { email: "lower(trim(email))" }
            - bucket: { column: total_spent, into: customer_segment, edges: [0, 100, 1000, .inf], labels: [Bronze, Silver, Gold] }
            - sort: [-order_count, id]
            """, loadTable: { path in
                #expect(path == "orders.csv")
                return orders
            })
        let users = try Table([("id", Column(int64: [1, 2])), ("email", Column(string: [" A@X.IO\t", nil]))])
        let out = try transform.apply(to: users)
        #expect(out.schema.names == ["id", "email", "order_count", "total_spent", "customer_segment"])
        #expect(out.row(0) == [.int64(1), .string("a@x.io"), .int64(2), .float64(100), .string("Bronze")])
        #expect(out.row(1) == [.int64(2), .null, .int64(0), .null, .null])
    }

    @Test("unknown step and key names give file:line:column and did you mean")
    func errors() throws {
        let step = #expect(throws: TransformError.self) { try Transform(yaml: "- filter: a > 1\n- filtr: b > 2\n", file: "steps.yaml") }
        #expect(step?.description == "steps.yaml:2:3: error: unknown step 'filtr'\n  hint: did you mean 'filter'?")
        let key = #expect(throws: TransformError.self) {
            try Transform(yaml: "- bucket: { column: x, edgs: [0, 1] }\n", file: "s.yaml")
        }
        #expect(key?.description.hasPrefix("s.yaml:1:24: error: unknown key 'edgs' in bucket") == true)
        #expect(key?.hint?.hasPrefix("did you mean 'edges'?") == true)
        let aggregate = #expect(throws: TransformError.self) { try Transform(yaml: "- aggregate: { compute: { n: cnt(x) } }") }
        #expect(aggregate?.hint == "did you mean count()?")
    }

    @Test("one-line steps; errors name the step number")
    func oneStep() throws {
        let t = try Table([("total", Column(int64: [-1, 5]))])
        #expect(try Transform(oneStep: "filter: total >= 0").apply(to: t).rowCount == 1)
        let error = #expect(throws: TransformError.self) { try Transform(yaml: "- limit: 1\n- filter: totl > 0").apply(to: t) }
        #expect(error?.step == 2)
        #expect(error?.description.contains("did you mean `total`?") == true)
    }
}

@Suite("Key encoding")
struct KeyEncoderTests {
    @Test("string and multi-column keys against a dictionary model", arguments: [0, 1, 63, 64, 65, 5000])
    func strings(size: Int) throws {
        var rng = SplitMix64(seed: UInt64(size) + 3)
        var words: [String?] = [], numbers: [Int64?] = []
        for _ in 0..<size {
            let w = rng.next(below: 400)
            words.append(w == 0 ? nil : String(repeating: "k", count: w % 13) + "\(w)")
            numbers.append(rng.next(below: 10) == 0 ? nil : Int64(rng.next(below: 3)))
        }
        let columns = [Column(string: words), Column(int64: numbers)]
        for nullsMatch in [true, false] {
            let encoder = KeyEncoder(columns, nullsMatch: nullsMatch)
            var model: [String: Int] = [:]
            for i in 0..<size {
                if !nullsMatch && (words[i] == nil || numbers[i] == nil) {
                    #expect(encoder.codes[i] == -1)
                    continue
                }
                let key = "\(words[i] ?? "∅")|\(numbers[i].map(String.init) ?? "∅")"
                if let code = model[key] { #expect(encoder.codes[i] == code) } else {
                    #expect(encoder.codes[i] == model.count)   // dense, first-seen order
                    model[key] = encoder.codes[i]
                }
            }
            #expect(encoder.cardinality == model.count)
        }
    }
}
