import Testing
@testable import SluicePipeline

@Suite("Pipeline spec validation")
struct SpecTests {
    static let valid = """
    pipeline: demo
    schedule: "@daily"
    connections: { source: "sqlite:source.db" }
    tasks:
      extract:
        extract: { connection: source, query: "SELECT 1 AS x WHERE {{ ds }} IS NOT NULL" }
      shape:
        after: [extract]
        transform:
          - derive: { y: "x + 1" }
      done:
        after: [shape]
        shell: "true"
    """

    @Test func parsesAValidPipeline() throws {
        let ws = try Workspace(); defer { ws.remove() }
        let p = try ws.pipeline(Self.valid)
        #expect(p.name == "demo")
        #expect(p.topologicalOrder().map(\.name) == ["extract", "shape", "done"])
        #expect(try p.inputTask(of: p.task(named: "shape")!) == "extract")
        #expect(p.task(named: "shape")?.line == 7)
    }

    @Test func unknownKeyIsLocatedWithDidYouMean() throws {
        let ws = try Workspace(); defer { ws.remove() }
        let error = pipelineError { _ = try ws.pipeline(Self.valid.replacingOccurrences(of: "    after: [extract]", with: "    aftre: [extract]")) }
        #expect(error?.code == .invalidSpec)
        #expect(error?.line == 8)
        #expect(error?.column == 5)
        #expect(error?.hint?.contains("did you mean `after`") == true)
        #expect(error?.description.contains("pipeline.yaml:8:5") == true)
    }

    @Test func wrongTypeIsLocated() throws {
        let ws = try Workspace(); defer { ws.remove() }
        let error = pipelineError { _ = try ws.pipeline(Self.valid.replacingOccurrences(of: "schedule: \"@daily\"", with: "schedule: \"@daily\"\nmax_parallel_tasks: many")) }
        #expect(error?.line == 3)
        #expect(error?.message.contains("whole number") == true)
    }

    @Test func cycleIsPrintedAsTheCycle() throws {
        let ws = try Workspace(); defer { ws.remove() }
        let yaml = """
        pipeline: loop
        tasks:
          a: { shell: "true", after: [c] }
          b: { shell: "true", after: [a] }
          c: { shell: "true", after: [b] }
        """
        let error = pipelineError { _ = try ws.pipeline(yaml) }
        #expect(error?.code == .cycle)
        #expect(error?.message.contains("a → b → c → a") == true)
    }

    @Test func missingUpstreamConnectionAndInputAreNamed() throws {
        let ws = try Workspace(); defer { ws.remove() }
        let upstream = pipelineError { _ = try ws.pipeline(Self.valid.replacingOccurrences(of: "after: [shape]", with: "after: [shap]")) }
        #expect(upstream?.code == .missingReference)
        #expect(upstream?.hint?.contains("\"shape\"") == true)

        let connection = pipelineError { _ = try ws.pipeline(Self.valid.replacingOccurrences(of: "connection: source,", with: "connection: sourc,")) }
        #expect(connection?.message.contains("connection \"sourc\"") == true)
        #expect(connection?.hint?.contains("did you mean \"source\"") == true)

        let input = pipelineError { _ = try ws.pipeline(Self.valid.replacingOccurrences(of: "    after: [extract]\n", with: "")) }
        #expect(input?.message.contains("needs a table") == true)
    }

    @Test func unknownTemplateValueInSQL() throws {
        let ws = try Workspace(); defer { ws.remove() }
        let error = pipelineError { _ = try ws.pipeline(Self.valid.replacingOccurrences(of: "{{ ds }}", with: "{{ dss }}")) }
        #expect(error?.line == 6)
        #expect(error?.hint?.contains("{{ ds }}") == true)
    }

    @Test func badStepIsLocatedInsideThePipeline() throws {
        let ws = try Workspace(); defer { ws.remove() }
        let error = pipelineError { _ = try ws.pipeline(Self.valid.replacingOccurrences(of: "- derive:", with: "- derivee:")) }
        #expect(error?.description.contains("pipeline.yaml:10") == true)
        #expect(error?.hint?.contains("derive") == true)
    }

    @Test func badDurationAndTriggerRule() throws {
        let ws = try Workspace(); defer { ws.remove() }
        let duration = pipelineError { _ = try ws.pipeline(Self.valid.replacingOccurrences(of: "shell: \"true\"", with: "shell: \"true\"\n    timeout: soon")) }
        #expect(duration?.message.contains("duration") == true)
        let rule = pipelineError { _ = try ws.pipeline(Self.valid.replacingOccurrences(of: "shell: \"true\"", with: "shell: \"true\"\n    trigger_rule: all_dne")) }
        #expect(rule?.hint?.contains("all_done") == true)
    }

    @Test func checksInlineAreParsedWithPipelineLines() throws {
        let ws = try Workspace(); defer { ws.remove() }
        let yaml = Self.valid + "\n  gate:\n    after: [shape]\n    check:\n      checks:\n        - not_nul: x\n"
        let error = pipelineError { _ = try ws.pipeline(yaml) }
        #expect(error?.line == 18)
        #expect(error?.hint?.contains("not_null") == true)
    }
}
