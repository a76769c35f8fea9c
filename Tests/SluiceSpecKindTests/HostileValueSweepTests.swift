import Foundation
import SluiceCore
import SluicePipeline
import SluiceQuality
import SluiceSpec
import SluiceStream
import SluiceTransform
import Testing
import SluiceTestSupport

/// Every key of every spec kind (from the key definitions) set to hostile values: each
/// spec parses or gets a clean, located error; nothing traps. A trap would end the test
/// process, so finishing is the proof; the expectations check the errors are clean.
@Suite("Hostile spec values")
struct HostileValueSweepTests {
    /// Values as YAML flow text.
    static let hostile: [String] = [
        "1e400", "-1", "-1e300", ".nan", ".inf", "-.inf", "0", "99999999999999999999999", "9223372036854775807",
        "-9223372036854775808", "\"\"", "[]", "{}", "null", "\"a\\0b\"", "\"\\0\"", "1e300s", "1e16s", "-5s", "inf", "nan",
        "\"" + String(repeating: "x", count: 10_000) + "\"",
        String(repeating: "[", count: 900) + String(repeating: "]", count: 900),
        String(repeating: "{a: ", count: 300) + "1" + String(repeating: "}", count: 300),
        "\"" + String(repeating: "(", count: 10_000) + "\"",
        "[" + Array(repeating: "1", count: 5_000).joined(separator: ", ") + "]",
        "true", "\"{{ ds }}\"", "\"${NO_SUCH_VARIABLE}\"", "\"../../../etc/passwd\"",
    ]

    /// What is wrong with a thrown error, if anything: it must be one of Sluice's, with a
    /// message that says something and `error:` printed once.
    static func problem(_ error: any Error, _ context: String) -> String? {
        guard let error = error as? any SluiceError else { return "\(context): not a Sluice error: \(type(of: error)) \(error)" }
        if error.message.isEmpty { return "\(context): empty message" }
        if error.description.contains("error: error:") { return "\(context): \(error.description)" }
        return nil
    }

    static func pipelineSpecs(_ value: String) -> [(String, String)] {
        var specs: [(String, String)] = []
        let task = "tasks:\n  a: { shell: \"true\" }\n"
        for key in Pipeline.topSection.names {
            switch key {
            case "pipeline": specs.append((key, "pipeline: \(value)\n" + task))
            case "tasks": specs.append((key, "pipeline: p\ntasks: \(value)\n"))
            default: specs.append((key, "pipeline: p\n\(key): \(value)\n" + task))
            }
        }
        for key in Pipeline.settingsSection.names {
            specs.append(("defaults.\(key)", "pipeline: p\ndefaults: { \(key): \(value) }\n" + task))
        }
        for key in Pipeline.taskSection.names + Pipeline.settingsSection.names {
            specs.append(("task.\(key)", "pipeline: p\ntasks:\n  a:\n    shell: \"true\"\n    \(key): \(value)\n"))
        }
        let kinds: [(String, SpecSection)] = [("extract", Pipeline.extractSection), ("sql", Pipeline.sqlSection), ("check", Pipeline.checkSection),
                                              ("load", Pipeline.loadSection), ("shell", Pipeline.shellSection)]
        for (kind, section) in kinds {
            for key in section.names {
                specs.append(("\(kind).\(key)", "pipeline: p\ntasks:\n  a:\n    \(kind): { \(key): \(value) }\n"))
            }
            specs.append((kind, "pipeline: p\ntasks:\n  a:\n    \(kind): \(value)\n"))
        }
        specs.append(("transform", "pipeline: p\ntasks:\n  a:\n    transform: \(value)\n"))
        return specs
    }

    @Test("pipeline: every key, every hostile value")
    func pipelines() async throws {
        let directory = try temporaryDirectory("sweep")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (problems, parsed, refused) = try await offPool {
            var problems: [String] = [], parsed = 0, refused = 0
            for value in Self.hostile {
                for (key, yaml) in Self.pipelineSpecs(value) {
                    do { _ = try Pipeline.parse(yaml, file: directory.appendingPathComponent("p.yaml").path); parsed += 1 } catch {
                        if let problem = Self.problem(error, "pipeline \(key) = \(value.prefix(40))") { problems.append(problem) }
                        refused += 1
                    }
                }
            }
            return (problems, parsed, refused)
        }
        #expect(problems.isEmpty, "\(problems.prefix(10))")
        #expect(refused > parsed)
    }

    @Test("suite: every key of the suite, datasets and every check kind, built and run on a small table")
    func suites() async throws {
        let table = try Table([("id", Column(int64: [1, 2, 3])), ("x", Column(float64: [1.5, .nan, -2])), ("s", Column(string: ["a", nil, "c"]))])
        let problems = try await offPool {
        var problems: [String] = []
        for value in Self.hostile {
            var specs: [(String, String)] = []
            for key in SuiteSpec.suiteSection.names where key != "checks" {
                specs.append((key, "\(key): \(value)\nchecks:\n  - not_null: id\n"))
            }
            specs.append(("checks", "checks: \(value)\n"))
            for key in SuiteSpec.datasetSection.names { specs.append(("dataset.\(key)", "dataset: { \(key): \(value) }\nchecks:\n  - not_null: id\n")) }
            for key in SuiteSpec.commonCheckSection.names { specs.append(("check.\(key)", "checks:\n  - not_null: id\n    \(key): \(value)\n")) }
            for section in SuiteSpec.checkSections {
                let kind = String(section.title.dropFirst("Check: ".count))
                specs.append((kind, "checks:\n  - \(kind): \(value)\n"))
                for key in section.names { specs.append(("\(kind).\(key)", "checks:\n  - \(kind): { \(key): \(value) }\n")) }
            }
            for (key, yaml) in specs {
                do {
                    let suite = try SuiteSpec.parse(yaml, file: "s.yaml")
                    _ = try suite.makeSuite(references: [:]).run(on: table)
                } catch { Self.problem(error, "suite \(key) = \(value.prefix(40))").map { problems.append($0) } }
            }
        }
        return problems
        }
        #expect(problems.isEmpty, "\(problems.prefix(10))")
    }

    @Test("steps: every step and key, parsed and applied to a small table")
    func steps() async throws {
        let table = try Table([("id", Column(int64: [1, 2, 3])), ("x", Column(float64: [1.5, .nan, -2])), ("s", Column(string: ["a", nil, "c"]))])
        let problems = try await offPool {
        var problems: [String] = []
        for value in Self.hostile {
            var specs: [(String, String)] = []
            for section in Transform.stepSections {
                let step = String(section.title.dropFirst("Step: ".count))
                specs.append((step, "- \(step): \(value)\n"))
                if section.keys.count > 1 || section.names != [step] {
                    for key in section.names { specs.append(("\(step).\(key)", "- \(step): { \(key): \(value) }\n")) }
                }
            }
            for (key, yaml) in specs {
                do {
                    let transform = try Transform(yaml: yaml, file: "steps.yaml", loadTable: { _ in table })
                    _ = try transform.apply(to: table)
                } catch { Self.problem(error, "step \(key) = \(value.prefix(40))").map { problems.append($0) } }
            }
        }
        return problems
        }
        #expect(problems.isEmpty, "\(problems.prefix(10))")
    }

    @Test("stream: every key of the spec, endpoints, Kafka, settings and processors")
    func streams() async throws {
        let problems = try await offPool {
        var problems: [String] = []
        let base = ["stream: s", "input: { file: in.jsonl }", "processors:\n  - filter: \"true\"", "output: { file: out.jsonl }", "dead_letter: { file: dlq.jsonl }"]
        for value in Self.hostile {
            var specs: [(String, String)] = []
            for key in StreamSpec.topSection.names {
                let kept = base.filter { !$0.hasPrefix(key + ":") }
                specs.append((key, (kept + ["\(key): \(value)"]).joined(separator: "\n")))
            }
            for key in StreamSpec.endpointSection.names { specs.append(("output.\(key)", (base.dropLast(2) + ["output: { \(key): \(value) }", base[4]]).joined(separator: "\n"))) }
            for key in StreamSpec.kafkaSection.names { specs.append(("kafka.\(key)", (base.dropLast(2) + ["output: { kafka: { topic: t, brokers: b, \(key): \(value) } }", base[4]]).joined(separator: "\n"))) }
            for key in StreamSpec.settingsSection.names { specs.append(("settings.\(key)", (base + ["settings: { \(key): \(value) }"]).joined(separator: "\n"))) }
            for key in StreamSpec.processorsSection.names {
                specs.append(("processors.\(key)", [base[0], base[1], "processors:\n  - \(key): \(value)", base[3], base[4]].joined(separator: "\n")))
            }
            for (key, yaml) in specs {
                do {
                    let spec = try StreamSpec(yaml: yaml, file: "s.yaml", environment: [:])
                    _ = try StreamProcessor(spec)
                } catch { Self.problem(error, "stream \(key) = \(value.prefix(40))").map { problems.append($0) } }
            }
        }
        return problems
        }
        #expect(problems.isEmpty, "\(problems.prefix(10))")
    }
}

