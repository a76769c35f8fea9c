import SluiceCore
import Testing
@testable import SluiceQuality

@Suite("accepted_values, referential, row_count, schema, pattern, freshness")
struct OtherChecksTests {
    @Test("accepted_values: strings and numbers; nulls are not judged; threshold 0 by default")
    func acceptedValues() throws {
        let t = try Table([("s", Column(string: ["paid", "open", nil, "lost", "paid"])), ("n", Column(int64: [1, 2, 3, nil, 1]))])
        let strings = try AcceptedValuesCheck(column: "s", values: [.string("paid"), .string("open")])
        let result = try evaluate(strings, on: t)
        #expect(result.outcome == .failed)
        #expect(result.failingRows == 1)
        #expect(result.samples == [SampleRow(row: 4, values: ["lost"])])
        // Numbers written as text (from YAML) are parsed to the column's type.
        let numbers = try AcceptedValuesCheck(column: "n", values: [.int64(1), .string("2")], threshold: 0.2)
        let numeric = try evaluate(numbers, on: t)
        #expect(numeric.failingRows == 1)
        #expect(numeric.outcome == .passed)   // 1/5 = 0.2 <= 0.2
        #expect(throws: QualityError.self) { try evaluate(AcceptedValuesCheck(column: "n", values: [.string("x")]), on: t) }
    }

    @Test("referential: absent values fail, nulls are not absent, int64 refers to float64 keys")
    func referential() throws {
        let users = Column(int64: [1, 2, 3, nil])
        let orders = table("user_id", Column(int64: [1, 2, 2, 4, nil, 3, 5, 1, 1, 1]))
        let check = try ReferentialCheck(column: "user_id", reference: users, referenceName: "users.id")
        #expect(check.severity == .critical)
        let result = try evaluate(check, on: orders)
        #expect(result.failingRows == 2)
        #expect(result.observed == 0.2)
        #expect(result.outcome == .failed)
        #expect(try failingIndices(check, on: orders) == [3, 6])
        let floats = try ReferentialCheck(column: "user_id", reference: Column(float64: [1, 2, 3, 4, 5]), referenceName: "f.id", threshold: 0)
        #expect(try evaluate(floats, on: orders).outcome == .passed)
        let strings = try ReferentialCheck(column: "user_id", reference: Column(string: ["1"]), referenceName: "s.id")
        #expect(throws: QualityError.self) { try evaluate(strings, on: orders) }
        let stringKeys = table("k", Column(string: ["a", "b", "zz", nil]))
        let stringRef = try ReferentialCheck(column: "k", reference: Column(string: ["a", "b", "c"]), referenceName: "r.k", threshold: 0)
        #expect(try failingIndices(stringRef, on: stringKeys) == [2])
    }

    @Test("row_count is evaluated on an empty table: zero rows fail min 1")
    func rowCount() throws {
        let check = try RowCountCheck(min: 1, severity: .critical)
        let empty = try evaluate(check, on: table("x", Column(int64: [])))
        #expect(empty.outcome == .failed)
        #expect(empty.observed == 0)
        #expect(try evaluate(check, on: table("x", Column(int64: [1]))).outcome == .passed)
        let bounded = try RowCountCheck(min: 2, max: 3)
        #expect(try evaluate(bounded, on: table("x", Column(int64: [1, 2, 3]))).outcome == .passed)   // max exactly met
        #expect(try evaluate(bounded, on: table("x", Column(int64: [1, 2, 3, 4]))).outcome == .failed)
        #expect(throws: QualityError.self) { try RowCountCheck(min: 5, max: 1) }
    }

    @Test("schema: missing, mistyped and (when strict) extra columns")
    func schema() throws {
        let t = try Table([("id", Column(int64: [])), ("email", Column(string: [])), ("extra", Column(bool: []))])
        let loose = SchemaCheck(expected: [Field("id", .int64), Field("email", .string)])
        #expect(try evaluate(loose, on: t).outcome == .passed)
        let strict = SchemaCheck(expected: [(name: "id", type: .float64), (name: "emial", type: nil)], allowExtraColumns: false)
        let result = try evaluate(strict, on: t)
        #expect(result.outcome == .failed)
        #expect(result.observed == 4)
        #expect(result.message == "column \"id\" is int64, expected float64; missing column \"emial\" (did you mean \"email\"?); unexpected column \"email\"; unexpected column \"extra\"")
    }

    @Test("pattern: POSIX extended regex searches each non-null string")
    func pattern() throws {
        let t = table("email", Column(string: ["a@b.io", "nope", nil, "x@y.z", " c@d.ee"]))
        let check = try PatternCheck(column: "email", pattern: "^[^@ ]+@[^@ ]+\\.[a-z]+$")
        #expect(try failingIndices(check, on: t) == [1, 4])
        #expect(try PatternCheck(column: "email", pattern: "@").metrics(for: t).count == 1)
        #expect(try failingIndices(PatternCheck(column: "email", pattern: "@"), on: t) == [1])
        #expect { try PatternCheck(column: "email", pattern: "(") } throws: { error in
            (error as? QualityError)?.message.hasPrefix("invalid pattern \"(\"") == true
        }
        #expect(throws: QualityError.self) { try evaluate(PatternCheck(column: "n", pattern: "1"), on: table("n", Column(int64: [1]))) }
    }

    @Test("freshness: the newest value's age against max_age; all-null is not evaluated")
    func freshness() throws {
        let hour: Int64 = 3_600_000_000
        let now: Int64 = 1_000 * hour
        let t = table("t", Column(timestamp: [now - 30 * hour, now - 2 * hour, nil]))
        let check = try FreshnessCheck(column: "t", maxAge: 7_200)
        let exact = try evaluate(check, on: t, now: now)
        #expect(exact.outcome == .passed)        // exactly 2h old, max 2h
        #expect(exact.observed == 7_200)
        #expect(try evaluate(check, on: t, now: now + 1).outcome == .failed)
        #expect(try evaluate(check, on: table("t", Column(timestamp: [nil, nil])), now: now).outcome == .notEvaluated)
        #expect(try evaluate(check, on: table("t", Column(timestamp: [])), now: now).outcome == .notEvaluated)
        let dates = table("d", Column(date: [10, 12]))
        #expect(try evaluate(FreshnessCheck(column: "d", maxAge: 86_400), on: dates, now: 13 * 24 * hour).outcome == .passed)
        #expect(parseDuration("24h") == 86_400)
        #expect(parseDuration("1.5d") == 129_600)
        #expect(parseDuration("soon") == nil)
    }
}
