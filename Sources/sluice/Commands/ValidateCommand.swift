import ArgumentParser
import SluiceCore
import SluicePipeline

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check pipeline files without running anything.",
        discussion: """
        Unknown keys and wrong types are reported as file:line:column with "did you mean";
        a dependency cycle is printed as the cycle; missing upstreams, inputs and connections
        are named. Exit 0 when every file is valid, 2 otherwise.
        Examples:
          sluice validate examples/user_analytics/pipeline.yaml
        """
    )

    @Argument(help: "Pipeline files (YAML).")
    var pipelines: [String]

    func run() throws {
        for path in pipelines {
            let pipeline = try loadPipeline(path)
            let drawing = pipeline.drawing()
            let head = "\(path): ok — pipeline \(pipeline.name), \(pipeline.tasks.count) task\(pipeline.tasks.count == 1 ? "" : "s")"
            print(drawing.count == 1 ? "\(head): \(drawing[0])" : "\(head); tasks bracketed together can run in parallel:\n" + drawing.map { "  " + $0 }.joined(separator: "\n"))
        }
    }
}
