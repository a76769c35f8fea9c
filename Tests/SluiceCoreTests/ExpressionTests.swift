import Testing
@testable import SluiceCore
import SluiceTestSupport

private func eval(_ text: String, _ table: Table) throws -> [Value] {
    try BoundExpression(text, schema: table.schema).evaluate(on: table).allValues
}

private let sample = try! Table([
    ("a", Column(int64: [1, nil, 3, 0, -4])),
    ("b", Column(int64: [2, 5, nil, 0, 4])),
    ("x", Column(float64: [1.5, nil, 2.0, 0, -1])),
    ("s", Column(string: [" Ab\t", nil, "abc", "", "ÉCOLE"])),
    ("f", Column(bool: [true, nil, false, true, nil])),
    ("d", Column(date: [19_723, nil, 0, 1, 2])),
])

@Suite("Expression parsing and binding")
struct ExpressionBindingTests {
    @Test("an unknown column gets did-you-mean and a caret under it")
    func unknownColumn() throws {
        let error = #expect(throws: ExpressionError.self) { try BoundExpression("lower(trim(emial))", schema: Schema([Field("id", .int64), Field("email", .string)])) }
        #expect(error?.code == .unknownColumn)
        #expect(error?.description == """
            error: no column "emial" (columns: id, email)
              lower(trim(emial))
                         ^
              hint: did you mean `email`?
            """)
    }

    @Test("type errors are found before evaluation, with the position")
    func typeErrors() throws {
        let error = #expect(throws: ExpressionError.self) { try BoundExpression("a + s", schema: sample.schema) }
        #expect(error?.code == .typeMismatch)
        #expect(error?.position == 4)
        #expect(throws: ExpressionError.self) { try BoundExpression("f and a", schema: sample.schema) }
        #expect(throws: ExpressionError.self) { try BoundExpression("s = 1", schema: sample.schema) }
        #expect(throws: ExpressionError.self) { try BoundExpression("d = s", schema: sample.schema) }
        #expect(throws: ExpressionError.self) { try BoundExpression("s < d", schema: sample.schema) }
        #expect(throws: ExpressionError.self) { try BoundExpression("d = 'not a date'", schema: sample.schema) }
        #expect(throws: ExpressionError.self) { try BoundExpression("upper(a)", schema: sample.schema) }
        let unknown = #expect(throws: ExpressionError.self) { try BoundExpression("lowr(s)", schema: sample.schema) }
        #expect(unknown?.hint == "did you mean lower()?")
        #expect((#expect(throws: ExpressionError.self) { try BoundExpression("substr(s)", schema: sample.schema) })?.code == .wrongArgumentCount)
    }

    @Test("syntax errors point at the token", arguments: [("a +", 3), ("(a", 2), ("a b", 2), ("'open", 0), ("case when a then", 16), ("", 0)])
    func syntax(text: String, position: Int) throws {
        let error = #expect(throws: ExpressionError.self) { try Expression(parsing: text) }
        #expect(error?.code == .syntax)
        #expect(error?.position == position)
    }

    @Test("quoted identifiers, doubled quotes and precedence")
    func parsing() throws {
        let table = try Table([("order total", Column(int64: [10])), ("it's", Column(string: ["x"]))])
        #expect(try eval("\"order total\" + 2 * 3", table) == [.int64(16)])
        #expect(try eval("(\"order total\" + 2) * 3", table) == [.int64(36)])
        #expect(try eval("'it''s' || \"it's\"", table) == [.string("it'sx")])
        #expect(try eval("-9223372036854775808", table) == [.int64(.min)])
        #expect(try eval("not 1 = 2 and 2 > 1", table) == [.bool(true)])
    }
}

@Suite("Expression evaluation")
struct ExpressionEvaluationTests {
    @Test("arithmetic with nulls; division by zero is null")
    func arithmetic() throws {
        #expect(try eval("a + b", sample) == [.int64(3), .null, .null, .int64(0), .int64(0)])
        #expect(try eval("a / b", sample) == [.int64(0), .null, .null, .null, .int64(-1)])
        #expect(try eval("a % b", sample) == [.int64(1), .null, .null, .null, .int64(0)])
        #expect(try eval("x / 0", sample) == [.null, .null, .null, .null, .null])
        #expect(try eval("a * x", sample) == [.float64(1.5), .null, .float64(6), .float64(0), .float64(4)])
        #expect(try eval("-a", sample) == [.int64(-1), .null, .int64(-3), .int64(0), .int64(4)])
        #expect(try eval("d + 1", sample) == [.date(19_724), .null, .date(1), .date(2), .date(3)])
    }

    @Test("integer overflow is an error naming the row")
    func overflow() throws {
        let table = try Table([("v", Column(int64: [1, nil, .max]))])
        let error = #expect(throws: ExpressionError.self) { try eval("v + 1", table) }
        #expect(error?.code == .overflow)
        #expect(error?.message.contains("row 2") == true)
        #expect(try eval("v * 2", try Table([("v", Column(int64: [nil]))])) == [.null])
        #expect(throws: ExpressionError.self) { try eval("-v", try Table([("v", Column(int64: [.min]))])) }
    }

    @Test("three-valued logic")
    func logic() throws {
        let t = try Table([("p", Column(bool: [true, true, true, false, false, false, nil, nil, nil])),
                           ("q", Column(bool: [true, false, nil, true, false, nil, true, false, nil]))])
        #expect(try eval("p and q", t) == [.bool(true), .bool(false), .null, .bool(false), .bool(false), .bool(false), .null, .bool(false), .null])
        #expect(try eval("p or q", t) == [.bool(true), .bool(true), .bool(true), .bool(true), .bool(false), .null, .bool(true), .null, .null])
        #expect(try eval("not p", t) == [.bool(false), .bool(false), .bool(false), .bool(true), .bool(true), .bool(true), .null, .null, .null])
    }

    @Test("comparisons, is null, in, between, like")
    func predicates() throws {
        #expect(try eval("a < b", sample) == [.bool(true), .null, .null, .bool(false), .bool(true)])
        #expect(try eval("a <> b", sample) == [.bool(true), .null, .null, .bool(false), .bool(true)])
        #expect(try eval("s is null", sample) == [.bool(false), .bool(true), .bool(false), .bool(false), .bool(false)])
        #expect(try eval("a is not null", sample) == [.bool(true), .bool(false), .bool(true), .bool(true), .bool(true)])
        #expect(try eval("a in (1, 3)", sample) == [.bool(true), .null, .bool(true), .bool(false), .bool(false)])
        #expect(try eval("a in (1, null)", sample) == [.bool(true), .null, .null, .null, .null])
        #expect(try eval("a not in (1, 3)", sample) == [.bool(false), .null, .bool(false), .bool(true), .bool(true)])
        #expect(try eval("a between 0 and 3", sample) == [.bool(true), .null, .bool(true), .bool(true), .bool(false)])
        #expect(try eval("s like 'a%'", sample) == [.bool(false), .null, .bool(true), .bool(false), .bool(false)])
        #expect(try eval("s like '_COLE'", sample) == [.bool(false), .null, .bool(false), .bool(false), .bool(true)])
        #expect(try eval("s not like '%b%'", sample) == [.bool(false), .null, .bool(false), .bool(true), .bool(true)])
        #expect(try eval("d >= '2024-01-01'", sample) == [.bool(true), .null, .bool(false), .bool(false), .bool(false)])
    }

    @Test("string functions with nulls; trim removes tabs")
    func strings() throws {
        #expect(try eval("trim(s)", sample) == [.string("Ab"), .null, .string("abc"), .string(""), .string("ÉCOLE")])
        #expect(try eval("ltrim(s) || '|'", sample) == [.string("Ab\t|"), .null, .string("abc|"), .string("|"), .string("ÉCOLE|")])
        #expect(try eval("rtrim(s)", sample)[0] == .string(" Ab"))
        #expect(try eval("lower(s)", sample) == [.string(" ab\t"), .null, .string("abc"), .string(""), .string("école")])
        #expect(try eval("upper(s)", sample)[2] == .string("ABC"))
        #expect(try eval("length(s)", sample) == [.int64(4), .null, .int64(3), .int64(0), .int64(5)])
        #expect(try eval("substr(s, 2, 2)", sample) == [.string("Ab"), .null, .string("bc"), .string(""), .string("CO")])
        #expect(try eval("substr(s, 3)", sample)[4] == .string("OLE"))
        #expect(try eval("replace(s, 'b', 'XY')", sample) == [.string(" AXY\t"), .null, .string("aXYc"), .string(""), .string("ÉCOLE")])
        #expect(try eval("concat(s, '-', a)", sample) == [.string(" Ab\t-1"), .string("-"), .string("abc-3"), .string("-0"), .string("ÉCOLE--4")])
        #expect(try eval("s || a", sample)[1] == .null)
        #expect(try eval("split_part('a,b,,c', ',', a)", sample) == [.string("a"), .null, .string(""), .null, .null])
    }

    @Test("null-handling and numeric functions")
    func functions() throws {
        #expect(try eval("coalesce(a, b, 0)", sample) == [.int64(1), .int64(5), .int64(3), .int64(0), .int64(-4)])
        #expect(try eval("nullif(a, b)", sample) == [.int64(1), .null, .int64(3), .null, .int64(-4)])
        #expect(try eval("greatest(a, b)", sample) == [.int64(2), .int64(5), .int64(3), .int64(0), .int64(4)])
        #expect(try eval("least(a, b, null)", sample) == [.int64(1), .int64(5), .int64(3), .int64(0), .int64(-4)])
        #expect(try eval("abs(a)", sample) == [.int64(1), .null, .int64(3), .int64(0), .int64(4)])
        #expect(try eval("abs(x)", sample)[4] == .float64(1))
        let t = try Table([("v", Column(float64: [2.5, -2.5, 2.675, nil, 1.005]))])
        #expect(try eval("round(v)", t) == [.float64(3), .float64(-3), .float64(3), .null, .float64(1)])
        #expect(try eval("round(v, 2)", t) == [.float64(2.5), .float64(-2.5), .float64(2.68), .null, .float64(1.01)])
        #expect(try eval("floor(v)", t) == [.float64(2), .float64(-3), .float64(2), .null, .float64(1)])
        #expect(try eval("ceil(v)", t) == [.float64(3), .float64(-2), .float64(3), .null, .float64(2)])
        #expect(try eval("case when a > 0 then 'pos' when a < 0 then 'neg' end", sample) == [.string("pos"), .null, .string("pos"), .null, .string("neg")])
        #expect(try eval("case a when 0 then 1.5 else a end", sample) == [.float64(1), .null, .float64(3), .float64(1.5), .float64(-4)])
        #expect(try eval("cast(s as int64)", try Table([("s", Column(string: [" 12", nil]))])) == [.int64(12), .null])
        #expect((#expect(throws: ExpressionError.self) { try eval("cast(s as int64)", sample) })?.code == .invalidCast)
        #expect(try eval("cast(x as int64)", sample) == [.int64(2), .null, .int64(2), .int64(0), .int64(-1)])
        #expect(try eval("cast(a as string)", sample)[0] == .string("1"))
    }

    @Test("regular expressions; bad patterns are found when binding")
    func regex() throws {
        #expect(try eval("regexp_matches(s, '^[a-z]+$')", sample) == [.bool(false), .null, .bool(true), .bool(false), .bool(false)])
        #expect(try eval("regexp_replace(s, '[aeiou]', '*')", sample) == [.string(" Ab\t"), .null, .string("*bc"), .string(""), .string("ÉCOLE")])
        #expect(try eval("regexp_replace(s, '\\s+', '')", sample)[0] == .string("Ab"))
        // Group references: \1…\9, \0 the whole match, \\ a backslash; a group that did not match is empty.
        let emails = try Table([("e", Column(string: ["alice@example.com", "x", nil]))])
        #expect(try eval("regexp_replace(e, '^([^@]+)@(.*)$', '\\2/\\1')", emails) == [.string("example.com/alice"), .string("x"), .null])
        #expect(try eval("regexp_replace(e, '(z)?([a-z]+)@', '[\\0|\\1|\\\\]')", emails)[0] == .string("[alice@||\\]example.com"))
        let error = #expect(throws: ExpressionError.self) { try BoundExpression("regexp_matches(s, '(')", schema: sample.schema) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.position == 18)
    }

    @Test("now() is a timestamp fixed at bind time")
    func now() throws {
        let plan = try BoundExpression("now()", schema: sample.schema)
        #expect(plan.type == .timestamp)
        let values = try plan.evaluate(on: sample).allValues
        guard case .timestamp(let t) = values[0] else { Issue.record("not a timestamp"); return }
        #expect(t > 1_700_000_000_000_000)
        #expect(Set(values).count == 1)
    }

    @Test("dates: extract and date_trunc")
    func dates() throws {
        let t = try Table([("t", Column(timestamp: [1_718_000_000_000_000, nil])), ("d", Column(date: [19_723, nil]))])
        #expect(try eval("extract(year from t)", t) == [.int64(2024), .null])
        #expect(try eval("extract(hour from t)", t) == [.int64(6), .null])
        #expect(try eval("extract(month from d)", t)[0] == .int64(1))
        #expect(try eval("date_trunc('month', d)", t)[0] == .date(19_723))
        #expect(try eval("date_trunc('day', t)", t)[0] == .timestamp(1_717_977_600_000_000))
    }

    @Test("intervals, strftime and strptime")
    func intervals() throws {
        // 2024-01-31 and 2024-01-31T10:30:00Z
        let t = try Table([("d", Column(date: [19_753, nil])), ("t", Column(timestamp: [1_706_697_000_000_000, nil]))])
        #expect(try eval("d + interval '1 month'", t) == [.date(19_782), .null])            // clamped to 2024-02-29
        #expect(try eval("d - interval '1 year 2 days'", t) == [.date(19_753 - 365 - 2), .null])
        #expect(try eval("d + interval '2 hours'", t) == [.timestamp(19_753 * 86_400_000_000 + 7_200_000_000), .null])
        #expect(try eval("strftime(t + interval '1 day 30 minutes', '%Y-%m-%d %H:%M:%S')", t) == [.string("2024-02-01 11:00:00"), .null])
        #expect(try eval("strftime(d, '%d/%m/%Y %%')", t) == [.string("31/01/2024 %"), .null])
        #expect(try eval("strptime('31/01/2024 10:30', '%d/%m/%Y %H:%M') = t", t) == [.bool(true), .null])
        let bad = #expect(throws: ExpressionError.self) { try eval("strptime('2024-13-01', '%Y-%m-%d')", t) }
        #expect(bad?.code == .invalidCast)
        #expect((#expect(throws: ExpressionError.self) { try BoundExpression("d + interval '3 fortnights'", schema: t.schema) })?.code == .invalidArgument)
        #expect(throws: ExpressionError.self) { try BoundExpression("1 + interval '1 day'", schema: t.schema) }
    }

    @Test("hash is stable and distinguishes types and nulls")
    func hash() throws {
        let values = try eval("hash(a, s)", sample)
        #expect(values == (try eval("hash(a, s)", sample)))
        #expect(Set(values).count == 5)
        let one = try Table([("z", Column(int64: [1]))])
        #expect(try eval("hash('1')", one) != (try eval("hash(1)", one)))
        #expect(try eval("hash(null)", one) != (try eval("hash('')", one)))
    }
}

// MARK: - Naive row-by-row reference on seeded random tables

private typealias Row = (a: Int64?, b: Int64?, x: Double?, s: String?, f: Bool?)

private func and3(_ p: Bool?, _ q: Bool?) -> Bool? { p == false || q == false ? false : (p == nil || q == nil ? nil : true) }
private func or3(_ p: Bool?, _ q: Bool?) -> Bool? { p == true || q == true ? true : (p == nil || q == nil ? nil : false) }
private func trimmed(_ s: String) -> String {
    var u = Substring(s)
    while let c = u.first, c == " " || c == "\t" { u = u.dropFirst() }
    while let c = u.last, c == " " || c == "\t" { u = u.dropLast() }
    return String(u)
}

private let references: [(String, @Sendable (Row) -> Value)] = [
    ("a + b * 2", { r in guard let a = r.a, let b = r.b else { return .null }; return .int64(a + b * 2) }),
    ("a / b", { r in guard let a = r.a, let b = r.b, b != 0 else { return .null }; return .int64(a / b) }),
    ("a % b", { r in guard let a = r.a, let b = r.b, b != 0 else { return .null }; return .int64(a % b) }),
    ("x - a", { r in guard let a = r.a, let x = r.x else { return .null }; return .float64(x - Double(a)) }),
    ("a < b and f", { r in .bool3(and3(r.a.flatMap { a in r.b.map { a < $0 } }, r.f)) }),
    ("x >= 0 or not f", { r in .bool3(or3(r.x.map { $0 >= 0 }, r.f.map { !$0 })) }),
    ("s is null or a is not null", { r in .bool(r.s == nil || r.a != nil) }),
    ("a in (1, 2, b)", { r in
        guard let a = r.a else { return .null }
        if a == 1 || a == 2 || a == r.b { return .bool(true) }
        return r.b == nil ? .null : .bool(false)
    }),
    ("a between b and 5", { r in .bool3(and3(r.a.flatMap { a in r.b.map { a >= $0 } }, r.a.map { $0 <= 5 })) }),
    ("s like '%a%'", { r in r.s.map { .bool($0.contains("a")) } ?? .null }),
    ("lower(trim(s)) || '!'", { r in r.s.map { .string(trimmed($0).lowercased() + "!") } ?? .null }),
    ("length(s) + a", { r in guard let s = r.s, let a = r.a else { return .null }; return .int64(Int64(s.unicodeScalars.count) + a) }),
    ("coalesce(a, b, -99)", { r in .int64(r.a ?? r.b ?? -99) }),
    ("nullif(a, b)", { r in guard let a = r.a else { return .null }; return a == r.b ? .null : .int64(a) }),
    ("greatest(a, b)", { r in [r.a, r.b].compactMap { $0 }.max().map { .int64($0) } ?? .null }),
    ("case when a > b then 'gt' when a < b then 'lt' else upper(s) end", { r in
        if let a = r.a, let b = r.b, a > b { return .string("gt") }
        if let a = r.a, let b = r.b, a < b { return .string("lt") }
        return r.s.map { .string($0.uppercased()) } ?? .null
    }),
    ("abs(x) + round(x, 1)", { r in
        // x has two decimals: round in exact integer hundredths, halves away from zero.
        guard let x = r.x else { return .null }
        let hundredths = Int64((x * 100).rounded())
        let tenths = (Swift.abs(hundredths) + 5) / 10 * (hundredths < 0 ? -1 : 1)
        return .float64(abs(x) + Double(tenths) / 10)
    }),
    ("replace(s, 'a', 'xy')", { r in r.s.map { .string($0.replacing("a", with: "xy")) } ?? .null }),
]

private extension Value {
    static func bool3(_ b: Bool?) -> Value { b.map { .bool($0) } ?? .null }
}

@Suite("Expressions against a naive row-by-row model")
struct ExpressionReferenceTests {
    @Test("random tables", arguments: [0, 1, 63, 64, 65, 1000])
    func matchesReference(size: Int) throws {
        let table = try randomExpressionTable(size, seed: UInt64(size) &+ 99)
        for (text, reference) in references {
            let got = try eval(text, table)
            for i in 0..<size {
                let row: Row = (table.columns[0].value(at: i).flatMap { if case .int64(let v) = $0 { v } else { nil } },
                                table.columns[1].value(at: i).flatMap { if case .int64(let v) = $0 { v } else { nil } },
                                table.columns[2].value(at: i).flatMap { if case .float64(let v) = $0 { v } else { nil } },
                                table.columns[3].value(at: i).flatMap { if case .string(let v) = $0 { v } else { nil } },
                                table.columns[4].value(at: i).flatMap { if case .bool(let v) = $0 { v } else { nil } })
                let expected = reference(row)
                if got[i] != expected {
                    Issue.record("\(text) at row \(i) \(row): got \(got[i]), expected \(expected)")
                    break
                }
            }
        }
    }
}
