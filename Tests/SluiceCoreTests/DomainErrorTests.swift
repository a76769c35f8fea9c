import Testing
@testable import SluiceCore

/// A family of errors declared the way every module declares its own.
private enum SampleErrorCode: String, ErrorCode {
    case alpha
    case beta

    var category: ErrorCategory {
        switch self {
        case .alpha: .usage
        case .beta: .transientIO
        }
    }

    struct Payload: ErrorPayload, Hashable {
        var attempts = 0
        init() {}
    }

    static func detail(of error: DomainError<Self>) -> String? { error.attempts > 0 ? "after \(error.attempts) attempts" : nil }
}

private typealias SampleError = DomainError<SampleErrorCode>

@Suite("DomainError")
struct DomainErrorTests {
    @Test("a code matches by case, names itself, and gives its error its category")
    func codes() {
        let error = SampleError(.beta, message: "refused")
        #expect(error.code == .beta)
        #expect(error.code != .alpha)
        #expect(error.codeName == "beta")
        #expect(SampleError.Code.alpha.description == "alpha")
        #expect(error.category == .transientIO)
        #expect(SampleError(.alpha, message: "typo").category == .usage)
    }

    @Test("payload fields read and write as the error's own, and count for equality")
    func payload() {
        var error = SampleError(.beta, message: "refused")
        #expect(error.attempts == 0)
        let before = error
        error.attempts = 3
        #expect(error.payload.attempts == 3)
        #expect(error != before)
        #expect(error.description == "error: refused\n  after 3 attempts")
    }

    @Test("file, line and column make the site; an error given none has no location")
    func site() {
        var error = SampleError(.alpha, file: "p.yaml", line: 4, column: 9, message: "bad key", hint: "did you mean `key`?")
        #expect(error.location == ErrorLocation(file: "p.yaml", line: 4, column: 9))
        #expect(error.description == "p.yaml:4:9: error: bad key\n  hint: did you mean `key`?")
        error.line = 5
        error.column = 0
        #expect(error.description == "p.yaml:5: error: bad key\n  hint: did you mean `key`?")
        error.file = nil
        #expect(error.description == "error: bad key\n  hint: did you mean `key`?")
        #expect(SampleError(.alpha, message: "m").location == nil)
        #expect(SampleError(.alpha, field: "tasks.load.mode", message: "m").description == "tasks.load.mode: error: m")
    }

    @Test("every family prints through the one formatter: the same text as ErrorFormatter.format")
    func formatter() {
        let core = CoreError(.unknownColumn, message: "no column \"emial\"", hint: "did you mean `email`?")
        #expect(core.description == ErrorFormatter.format(location: nil, message: core.message, hint: core.hint))
        let expression = ExpressionError(.syntax, message: "unexpected )", expression: "a + )", position: 4)
        #expect(expression.location == ErrorLocation(column: 5))
        #expect(expression.description == "error: unexpected )\n  a + )\n      ^")
        #expect(expression == ExpressionError(.syntax, message: "unexpected )", expression: "a + )", position: 4))
        #expect(expression != ExpressionError(.syntax, message: "unexpected )", expression: "a + )", position: 3))
    }
}
