import Testing
@testable import SluiceCore

@Suite("ErrorFormatter and SluiceError")
struct ErrorFormatterTests {
    @Test("location, error: once, detail lines and hint")
    func layout() {
        let text = ErrorFormatter.format(location: ErrorLocation(file: "p.yaml", line: 3, column: 7), message: "bad", detail: "a + \nb^", hint: "fix it")
        #expect(text == "p.yaml:3:7: error: bad\n  a + \n  b^\n  hint: fix it")
        #expect(ErrorFormatter.format(location: nil, message: "bad", hint: nil) == "error: bad")
        #expect(ErrorFormatter.format(location: ErrorLocation(file: "f"), message: "m", hint: nil) == "f: error: m")
        #expect(ErrorFormatter.format(location: ErrorLocation(field: "users.age", row: 4), message: "m", hint: nil) == "users.age[4]: error: m")
        #expect(ErrorFormatter.format(location: ErrorLocation(column: 5), message: "m", hint: nil) == "error: m")
    }

    @Test("never error: error:")
    func noDoublePrefix() {
        struct Plain: Error, CustomStringConvertible { var description: String }
        #expect(ErrorFormatter.text(of: Plain(description: "boom")) == "error: boom")
        #expect(ErrorFormatter.text(of: Plain(description: "error: boom")) == "error: boom")
        #expect(ErrorFormatter.line("x.yaml:1:2: error: boom") == "x.yaml:1:2: error: boom")
        let core = CoreError(.unknownColumn, message: "no column \"x\"")
        #expect(ErrorFormatter.text(of: core) == "error: no column \"x\"")
    }

    @Test("core and expression errors have categories and codes")
    func categories() throws {
        #expect(CoreError(.unknownColumn, message: "").category == .usage)
        #expect(CoreError(.invalidValue, message: "").category == .data)
        #expect(ExpressionError(.syntax, message: "", expression: "", position: 0).category == .usage)
        #expect(ExpressionError(.overflow, message: "", expression: "", position: 0).category == .data)
        let error = ExpressionError(.unknownColumn, message: "no column \"emial\"", expression: "lower(emial)", position: 6, hint: "did you mean `email`?")
        #expect(error.codeName == "unknownColumn")
        #expect(error.description == "error: no column \"emial\"\n  lower(emial)\n        ^\n  hint: did you mean `email`?")
        #expect(ErrorCategory.transientIO.isRetryable && !ErrorCategory.data.isRetryable && !ErrorCategory.permanentIO.isRetryable)
    }
}
