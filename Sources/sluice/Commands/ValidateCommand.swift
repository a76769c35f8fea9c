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
        and connections are named. Every column reference (transform steps and
        expressions, checks, load keys, join/union files) is bound against the columns
        flowing from upstream — file headers, SQL result columns (prepared,
        read-only), each step's output — without reading data rows; tasks whose
        columns cannot be known before a run are listed as not checked. `sluice run`
        does the same before anything runs. Exit 0 when every file is valid, 2
        otherwise.
        Examples:
          sluice validate examples/user_analytics/pipeline.yaml
        """
    )

    @OptionGroup var pipelines: PipelineFiles

    func run() throws {
        for path in pipelines.paths {
            let pipeline = try loadPipeline(path)
            let binding = try pipeline.bindColumns()
            let drawing = pipeline.drawing()
            let head = "\(path): ok — pipeline \(pipeline.name), \(pipeline.tasks.count) task\(pipeline.tasks.count == 1 ? "" : "s")"
            print(drawing.count == 1 ? "\(head): \(drawing[0])" : "\(head); tasks bracketed together can run in parallel:\n" + drawing.map { "  " + $0 }.joined(separator: "\n"))
            for (task, reason) in binding.skipped { print("  columns of \(task) not checked: \(reason)") }
        }
    }
}
