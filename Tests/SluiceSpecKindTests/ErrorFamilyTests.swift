import Testing
import SluiceCore
import SluiceSpec
import SluiceQuality
import SluicePipeline
import SluiceTransform
import SluiceStream

/// Every module's errors are one ``DomainError``: these pin what each family declares
/// (the category of every code, its payload, its own way of printing).
@Suite("Error families")
struct ErrorFamilyTests {
    @Test("each code keeps its category")
    func categories() {
        #expect(QualityErrorCode.allCategories == [.invalidSuite: .usage, .unknownKey: .usage, .wrongType: .usage, .unknownCheck: .usage,
                                                   .unknownColumn: .usage, .incompatibleType: .usage, .invalidOption: .usage,
                                                   .invalidExpression: .usage, .evaluationFailed: .data])
        #expect(PipelineErrorCode.allCategories == [.invalidSpec: .usage, .cycle: .usage, .missingReference: .usage, .state: .permanentIO,
                                                    .invalidRequest: .usage, .runLocked: .transientIO, .taskFailed: .transientIO,
                                                    .timeout: .transientIO, .cancelled: .internal])
        #expect(TransformErrorCode.allCategories == [.invalidStep: .usage, .keyTypeMismatch: .usage, .unknownColumn: .usage,
                                                     .expression: .usage, .overflow: .data, .invalidSpec: .usage])
        #expect(StreamErrorCode.allCategories == [.invalidSpec: .usage, .io: .permanentIO, .kafka: .permanentIO])
        #expect(ScheduleErrorCode.allCategories == [.invalidCron: .usage, .unknownTimeZone: .usage, .invalidTimeZone: .usage])
        #expect(SpecErrorCode.allCategories.values.allSatisfy { $0 == .usage } && SpecErrorCode.allCategories.count == 8)
        #expect(CoreErrorCode.allCategories == [.unknownType: .usage, .unknownColumn: .usage, .duplicateColumn: .usage,
                                                .lengthMismatch: .data, .schemaMismatch: .data, .invalidSchema: .usage,
                                                .typeMismatch: .data, .invalidValue: .data])
        #expect(ExpressionErrorCode.allCategories == [.syntax: .usage, .unknownColumn: .usage, .unknownFunction: .usage,
                                                      .typeMismatch: .usage, .wrongArgumentCount: .usage, .overflow: .data,
                                                      .invalidCast: .data, .invalidArgument: .usage])
    }

    @Test("a pipeline error takes a given category over its code's; a transform error its expression's")
    func refinedCategories() {
        #expect(PipelineError(.state, message: "locked", category: .transientIO).category == .transientIO)
        #expect(PipelineError(.state, message: "locked").category == .permanentIO)
        #expect(!PipelineError(.invalidSpec, message: "m").retryable && PipelineError(.timeout, message: "m").retryable)
        let overflow = ExpressionError(.overflow, message: "integer overflow", expression: "a * b", position: 2)
        #expect(TransformError(.expression, message: "", underlying: overflow).category == .data)
        #expect(TransformError(.expression, message: "m").category == .usage)
    }

    @Test("a transform error names its step, or prints a wrapped error as itself")
    func transformText() {
        var error = TransformError(.invalidStep, message: "bucket edges are not sorted", hint: "sort them")
        #expect(error.description == "error: bucket edges are not sorted\n  hint: sort them")
        error.step = 2
        #expect(error.location == ErrorLocation(field: "step 2"))
        #expect(error.description == "step 2: error: bucket edges are not sorted\n  hint: sort them")
        let inner = ExpressionError(.unknownColumn, message: "no column \"amout\"", expression: "sum(amout)", position: 4)
        var wrapped = TransformError(.expression, message: "", underlying: inner)
        wrapped.step = 3
        #expect(wrapped.description == "step 3: " + inner.description)
    }

    @Test("errors of a spec with several problems list them all, sorted by location, in every family")
    func problems() {
        let first = SpecDiagnostic(.unknownKey, file: "p.yaml", line: 9, column: 3, message: "unknown key \"retrys\"", hint: "did you mean `retries`?")
        let second = SpecDiagnostic(.missingKey, file: "p.yaml", line: 2, column: 1, message: "missing key \"tasks\"")
        var quality = QualityError(.unknownKey, file: "p.yaml", line: 9, column: 3, message: first.message, hint: first.hint)
        #expect(quality.description == first.description)
        quality.diagnostics = [first, second]
        #expect(quality.description == second.description + "\n" + first.description)
        let stream = StreamError(.invalidSpec, message: "invalid spec", diagnostics: [first, second])
        #expect(stream.description == second.description + "\n" + first.description)
        #expect(stream.location == second.location)
        #expect(stream.category == .usage)
    }

    @Test("a cron error points at its text with carets")
    func scheduleText() {
        let error = ScheduleError(.invalidCron, message: "cron \"0 25 * * *\": field 2 (hour): 25 is out of 0–23",
                                  hint: "an hour is 0–23", source: "0 25 * * *", span: 2..<4)
        #expect(error.description == "error: cron \"0 25 * * *\": field 2 (hour): 25 is out of 0–23\n  0 25 * * *\n    ^^\n  hint: an hour is 0–23")
        #expect(error.location == ErrorLocation(column: 3))
    }
}

extension ErrorCode {
    /// Every code with its category.
    static var allCategories: [Self: ErrorCategory] { Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.category) }) }
}
