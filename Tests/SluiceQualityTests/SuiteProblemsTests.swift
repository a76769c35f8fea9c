import SluiceCore
import Testing
@testable import SluiceQuality

@Suite("Suite problems reported together")
struct SuiteProblemsTests {
    @Test("every bad check and key is reported, sorted by location; the first found is the error's own")
    func everyProblem() {
        let yaml = """
        sample_rows: -1
        checks:
          - not_nul: id
          - range: { column: age, min: .nan }
          - unique: id
            severty: error
        """
        let error = #expect(throws: QualityError.self) { try SuiteSpec.parse(yaml, file: "checks.yaml") }
        #expect(error?.line == 1)
        #expect(error?.diagnostics.map(\.line) == [1, 3, 4, 6])
        let text = error?.description ?? ""
        #expect(text.contains("checks.yaml:3:5: error: unknown check \"not_nul\""))
        #expect(text.contains("checks.yaml:4:32: error: min must be a finite number, found .nan"))
        #expect(text.contains("checks.yaml:6:5: error: unknown key \"severty\" in a unique check"))
        #expect(!text.contains("error: error:"))
    }

    @Test("one problem prints as before")
    func oneProblem() {
        let error = #expect(throws: QualityError.self) { try SuiteSpec.parse("checks:\n  - not_nul: id\n", file: "c.yaml") }
        #expect(error?.diagnostics.isEmpty == true)
        #expect(error?.description.hasPrefix("c.yaml:2:5: error: unknown check \"not_nul\"") == true)
    }
}
