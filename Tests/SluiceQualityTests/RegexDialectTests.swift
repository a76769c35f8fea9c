import Testing
import SluiceCore
@testable import SluiceQuality

/// The `pattern` check and `regexp_matches` read one dialect: the same pattern gives the
/// same answer on the same values.
@Suite("RegexPattern")
struct RegexDialectTests {
    static let values: [String?] = ["a@b.io", "nope", nil, "x@y.z", " c@d.ee", "", "ÉCOLE", "id-0042", "tab\there", "a.b"]
    static let patterns = ["^[^@ ]+@[^@ ]+\\.[a-z]+$", "@", "[0-9]{4}$", "^$", "\\s", "É", "^[[:upper:]]", "a|b", "\\.", "^(id|ab)-[0-9]+$"]

    @Test("a pattern check and regexp_matches agree value by value", arguments: patterns)
    func sameAnswer(pattern: String) throws {
        let t = table("s", Column(string: Self.values))
        let failing = Set(try failingIndices(PatternCheck(column: "s", pattern: pattern), on: t))
        let literal = "'\(pattern)'"  // no pattern here holds a quote
        let matched = try BoundExpression("regexp_matches(s, \(literal))", schema: t.schema).evaluate(on: t).allValues
        for (row, value) in Self.values.enumerated() {
            if value == nil {
                #expect(matched[row] == .null)
                #expect(!failing.contains(row))
            } else {
                #expect(matched[row] == .bool(!failing.contains(row)), "row \(row) \(value!) against /\(pattern)/")
            }
        }
    }

    @Test("an invalid pattern is the same error in a check and in an expression")
    func sameError() throws {
        let check = #expect(throws: QualityError.self) { try PatternCheck(column: "s", pattern: "a{2") }
        let expression = #expect(throws: ExpressionError.self) {
            try BoundExpression("regexp_matches(s, 'a{2')", schema: Schema([Field("s", .string)]))
        }
        #expect(check?.message.hasPrefix("invalid pattern \"a{2\": ") == true)
        #expect(check?.message == expression?.message)
        #expect(check?.hint == expression?.hint)
        #expect(expression?.position == 18)
    }
}
