import Testing
@testable import SluiceCore

@Suite("Expression depth limits")
struct ExpressionDepthTests {
    @Test("10,000 nested parentheses are a located error, not a stack overflow")
    func deepParentheses() {
        let text = String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)
        let error = #expect(throws: ExpressionError.self) { try Expression(parsing: text) }
        #expect(error?.code == .syntax)
        #expect(error?.message == "the expression nests more than 64 levels deep")
        #expect(error?.position == 64)
        #expect(error?.category == .usage)
    }

    @Test("deep not, signs, calls and case are limited too", arguments: [
        String(repeating: "not ", count: 10_000) + "true",
        String(repeating: "-", count: 10_000) + "x",
        String(repeating: "- ", count: 10_000) + "x",
        String(repeating: "abs(", count: 10_000) + "x" + String(repeating: ")", count: 10_000),
        String(repeating: "case when ", count: 5_000) + "true",
        String(repeating: "x + ", count: 100_000) + "x",
        String(repeating: "a or ", count: 100_000) + "a",
    ])
    func deepForms(text: String) {
        #expect(throws: ExpressionError.self) { try Expression(parsing: text) }
    }

    @Test("ordinary nesting and long-ish chains still parse")
    func ordinary() throws {
        let nested = String(repeating: "(", count: 50) + "x + 1" + String(repeating: ")", count: 50)
        _ = try Expression(parsing: nested)
        _ = try Expression(parsing: Array(repeating: "x", count: 500).joined(separator: " + "))
    }
}
