import ArgumentParser
import SluiceCore
import SluicePipeline
import SluiceObserve

struct ClearCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear",
        abstract: "Forget a run's task results so the next `sluice run` does them again.",
        discussion: """
        Without TASK every task is cleared; with TASK that task and every task
        downstream of it (they would read its new output). Tries stay recorded.
        Examples:
          sluice clear 2024-06-01 --pipeline pipeline.yaml
          sluice clear 2024-06-01 transform --pipeline pipeline.yaml
        """
    )

    @OptionGroup var selection: RunSelection

    @Argument(help: "A task to clear, with everything downstream of it.")
    var task: String?

    func run() throws {
        let (spec, store, record) = try selection.resolve()
        var cleared: [String]? = nil
        if let task {
            guard let spec else {
                throw CommandError.usage("clearing one task needs --pipeline", hint: "give --pipeline pipeline.yaml (to find what runs after the task)")
            }
            cleared = try spec.tasksCleared(by: task)
        }
        try store.clear(pipeline: record.pipeline, runID: record.runID, tasks: cleared)
        if selection.json {
            print(JSONValue.object([("run_id", .string(record.runID)), ("cleared", cleared.map(JSONValue.init(strings:)) ?? "all")]).rendered())
        } else {
            print("cleared \(cleared?.joined(separator: ", ") ?? "every task") of \(record.pipeline) \(record.runID); `sluice run` will run \(cleared == nil ? "them" : "them") again")
        }
    }
}
