import Foundation
import SluiceCore
import SluiceFormats
import Testing
@testable import SluiceQuality
import SluiceTestSupport

@Suite("SuiteSpec (checks.yaml)")
struct SuiteSpecTests {
    func parseError(_ yaml: String) -> QualityError? {
        do {
            _ = try SuiteSpec.parse(yaml, file: "checks.yaml")
            return nil
        } catch let error as QualityError {
            return error
        } catch {
            return nil
        }
    }

    @Test("a full suite parses into checks with their options, severities and thresholds")
    func parses() throws {
        let spec = try SuiteSpec.parse("""
        dataset: data/orders.csv
        references:
          users: { path: data/users.csv, format: csv, schema: "id:int64" }
        sample_rows: 3
        checks:
          - not_null: user_id
            threshold: 0.0
          - unique: [id, user_id]
          - unique: { column: id, mostly: 0.5 }
          - range: { column: total, min: 0, max: 1000000, severity: warning }
          - accepted_values: { column: status, values: [paid, open, 3] }
          - referential: { column: user_id, reference: users.id }
          - row_count: { min: 1 }
          - schema: { columns: { id: int64, total: }, allow_extra: false }
          - pattern: { column: email, regex: "^[^@]+@" }
            mostly: 0.95
          - freshness: { column: created_at, max_age: 24h }
            name: fresh
        """, file: "suites/checks.yaml")
        #expect(spec.dataset == DatasetSpec(path: "suites/data/orders.csv"))
        #expect(spec.references["users"] == DatasetSpec(path: "suites/data/users.csv", format: "csv", schema: "id:int64"))
        #expect(spec.sampleRows == 3)
        #expect(spec.checks.map(\.kind) == ["not_null", "unique", "unique", "range", "accepted_values", "referential", "row_count", "schema", "pattern", "freshness"])
        #expect(spec.checks[0].threshold == 0)
        #expect(spec.checks[2].threshold == 0.5)                  // unique: mostly is the ratio itself
        #expect(spec.checks[8].threshold == 0.05)   // mostly 0.95 = at most 5% failing, exactly
        #expect(spec.checks[3].severity == .warning)
        #expect(spec.checks[9].name == "fresh")
        #expect(spec.checks[0].line == 6)

        let users = try Table([("id", Column(int64: [1, 2]))])
        let suite = try spec.makeSuite(references: ["users": users])
        #expect(suite.sampleLimit == 3)
        #expect(suite.checks.map(\.name) == ["not_null(user_id)", "unique(id, user_id)", "unique(id)", "range(total)", "accepted_values(status)",
                                            "referential(user_id -> users.id)", "row_count", "schema", "pattern(email)", "fresh"])
        #expect(suite.checks[0].severity == .critical)
        #expect(suite.checks[5].severity == .critical)
        #expect(suite.checks[3].severity == .warning)
        #expect((suite.checks[9] as! FreshnessCheck).maxAge == 86_400)
        let schema = suite.checks[7] as! SchemaCheck
        #expect(schema.expected.map(\.name) == ["id", "total"])
        #expect(schema.expected.map(\.type) == [.int64, nil])
        #expect(!schema.allowExtraColumns)
    }

    @Test("the README's suite parses and builds")
    func readmeSuite() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let start = try #require(text.range(of: "```yaml\n# checks.yaml\n"))
        let end = try #require(text.range(of: "```", range: start.upperBound..<text.endIndex))
        let spec = try SuiteSpec.parse(String(text[start.upperBound..<end.lowerBound]), file: "checks.yaml")
        #expect(spec.checks.count == 10)
        let suite = try spec.makeSuite(references: ["users": try Table([("id", Column(int64: [1]))])])
        #expect(suite.checks.map(\.kind) == ["not_null", "unique", "range", "referential", "accepted_values", "pattern", "row_count", "schema", "freshness", "expression"])
    }

    @Test("unknown keys: file:line:column and did you mean")
    func unknownKeys() {
        let top = parseError("checks: []\nrefrences: {}\n")
        #expect(top?.description == "checks.yaml:2:1: error: unknown key \"refrences\" in the suite\n  hint: did you mean `references`? Keys: name, dataset, references, checks, sample_rows")
        let inCheck = parseError("checks:\n  - not_null: id\n    thresold: 0.1\n")
        #expect(inCheck?.code == .unknownKey)
        #expect(inCheck?.line == 3)
        #expect(inCheck?.column == 5)
        #expect(inCheck?.hint == "did you mean `threshold`?")
        let inOptions = parseError("checks:\n  - range: { colunm: total, min: 0 }\n")
        #expect(inOptions?.line == 2)
        #expect(inOptions?.column == 14)
        #expect(inOptions?.hint?.hasPrefix("did you mean `column`?") == true)
        let check = parseError("checks:\n  - not_nul: id\n")
        #expect(check?.code == .unknownCheck)
        #expect(check?.hint?.hasPrefix("did you mean `not_null`?") == true)
    }

    @Test("wrong types are located and say what was found")
    func wrongTypes() {
        let threshold = parseError("checks:\n  - not_null: id\n    threshold: high\n")
        #expect(threshold?.description == "checks.yaml:3:16: error: threshold must be a number, found the text \"high\"")
        let quoted = parseError("checks:\n  - not_null: id\n    threshold: \"0.5\"\n")
        #expect(quoted?.code == .wrongType)
        let list = parseError("checks: { not_null: id }\n")
        #expect(list?.message.hasPrefix("checks must be a list") == true)
        let rowCount = parseError("checks:\n  - row_count: { min: 1.5 }\n")
        #expect(rowCount?.message == "min must be a whole number, found the number 1.5")
        let severity = parseError("checks:\n  - not_null: id\n    severity: criticl\n")
        #expect(severity?.hint?.hasPrefix("did you mean `critical`?") == true)
        let range = parseError("checks:\n  - not_null: id\n    threshold: 1.5\n")
        #expect(range?.message == "threshold must be between 0 and 1, found 1.5")
        let age = parseError("checks:\n  - freshness: { column: t, max_age: soon }\n")
        #expect(age?.line == 2)
        #expect(age?.hint == "write e.g. 90s, 30m, 24h, 7d")
        let type = parseError("checks:\n  - schema: { columns: { id: int46 } }\n")
        #expect(type?.message == "unknown type \"int46\"")
        #expect(type?.column == 30)
        #expect(type?.hint?.hasPrefix("did you mean `int64`?") == true)
    }

    @Test("structural mistakes: no checks, two checks in one item, bad YAML, undeclared reference")
    func structure() {
        #expect(parseError("dataset: x.csv\n")?.message == "the suite has no `checks:` list")
        #expect(parseError("")?.message == "the suite file is empty")
        #expect(parseError("checks:\n  - not_null: id\n    unique: id\n")?.message == "one check per list item: found not_null and unique")
        let yaml = parseError("checks:\n  - not_null: [id\n")
        #expect(yaml?.code == .invalidSuite)
        #expect(yaml?.line ?? 0 > 0)
        let reference = parseError("references:\n  users: users.csv\nchecks:\n  - referential: { column: user_id, reference: user.id }\n")
        #expect(reference?.line == 4)
        #expect(reference?.hint == "did you mean `users`?")
    }

    @Test("only the checked columns are read (unless a schema check needs them all); the results do not change")
    func checkedColumns() throws {
        let directory = try temporaryDirectory("cols")
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try UsersOrdersGenerator(users: 2_000, seed: 5).write(to: directory.path)
        let suiteText = """
        dataset: orders.csv
        references: { users: users.csv }
        checks:
          - not_null: user_id
          - unique: [id, user_id]
          - referential: { column: user_id, reference: users.id }
          - expression: "total >= 0 or created_at < '2023-06-01'"
          - row_count: { min: 1 }
        """
        let spec = try SuiteSpec.parse(suiteText, file: directory.appendingPathComponent("checks.yaml").path)
        #expect(spec.columnsChecked == ["user_id", "id", "total", "created_at"])
        #expect(spec.referenceColumns == ["users": ["id"]])
        let narrow = try spec.read(spec.dataset, onlyColumnsChecked: true)
        let wide = try spec.read(spec.dataset)
        #expect(narrow.references["users"]?.schema.names == ["id"])
        #expect(narrow.table?.schema.names == ["id", "user_id", "total", "created_at"])   // file order
        let fromNarrow = try spec.makeSuite(references: narrow.references).run(on: narrow.table!, now: 0)
        let fromWide = try spec.makeSuite(references: wide.references).run(on: wide.table!, now: 0)
        #expect(fromNarrow.results == fromWide.results)

        let withSchema = try SuiteSpec.parse(suiteText + "\n  - schema: { columns: { id: int64 } }\n", file: "c.yaml")
        #expect(withSchema.columnsChecked == nil)
        // A column the file lacks: the file is read whole and the check reports it.
        let typo = try SuiteSpec.parse("dataset: orders.csv\nchecks:\n  - not_null: usr_id\n", file: directory.appendingPathComponent("t.yaml").path)
        let read = try typo.read(typo.dataset, onlyColumnsChecked: true)
        #expect(read.table?.columnCount == 4)
        #expect { try typo.makeSuite(references: [:]).run(on: read.table!) } throws: { error in
            (error as? QualityError)?.hint == "did you mean `user_id`?"
        }
    }

    @Test("errors building checks point at the check")
    func buildErrors() throws {
        let spec = try SuiteSpec.parse("checks:\n  - not_null: id\n  - range: { column: total }\n", file: "c.yaml")
        #expect { try spec.makeSuite(references: [:]) } throws: { error in
            (error as? QualityError)?.description == "c.yaml:3:5: error: range on \"total\" needs min, max or both"
        }
        let reference = try SuiteSpec.parse("references: { users: u.csv }\nchecks:\n  - referential: { column: user_id, reference: users.idd }\n", file: "c.yaml")
        #expect { try reference.makeSuite(references: ["users": try Table([("id", Column(int64: [1]))])]) } throws: { error in
            (error as? QualityError)?.hint == "did you mean `users.id`?"
        }
    }
}
