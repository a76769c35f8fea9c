import ArgumentParser
import SluiceCore
import SluicePipeline

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check pipeline files without running anything.",
        discussion: """
        Unknown keys and wrong types are reported as file:line:column with "did you
        mean"; a dependency cycle is printed as the cycle; missing upstreams, inputs
        and connections are named. Exit 0 when every file is valid, 2 otherwise.
        Examples:
          sluice validate examples/user_analytics/pipeline.yaml
        """
    )

    @Argument(help: "Pipeline files (YAML).")
    var pipelines: [String]

    func run() throws {
        for path in pipelines {
            let pipeline = try loadPipeline(path)
            let order = pipeline.topologicalOrder().map(\.name)
            print("\(path): ok — pipeline \(pipeline.name), \(pipeline.tasks.count) task\(pipeline.tasks.count == 1 ? "" : "s"): \(order.joined(separator: " → "))")
        }
    }
}
