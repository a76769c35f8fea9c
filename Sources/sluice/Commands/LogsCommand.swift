import ArgumentParser
import SluiceCore
import SluicePipeline

struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print a task's log for one try (the newest by default).",
        discussion: """
        Examples:
          sluice logs 2024-06-01 load --pipeline examples/user_analytics/pipeline.yaml
          sluice logs 2024-06-01 load --try 1 --pipeline pipeline.yaml --format json
        """
    )

    @OptionGroup var selection: RunSelection

    @Argument(help: "The task.")
    var task: String

    @Option(name: .customLong("try"), help: ArgumentHelp("Which try (1 is the first).", valueName: "n"))
    var tryNumber: Int?

    func run() throws {
        let (_, store, record) = try selection.resolve()
        let (t, count) = try store.tries(of: task, in: record, number: tryNumber)
        if selection.json {
            print(t.json(task: task).rendered())
        } else {
            print("# \(record.pipeline) \(record.runID) \(task) try \(t.tryNumber) of \(count): \(t.state.rawValue), \(seconds(t.startedAt, t.endedAt))")
            if let log = t.log, !log.isEmpty { print(log) }
            if let error = t.error, !(t.log ?? "").contains(error) { print(ErrorFormatter.line(error)) }
        }
    }
}
