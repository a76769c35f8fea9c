import ArgumentParser
import SluiceCore
import SluicePipeline
import SluiceObserve

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List recorded runs, newest first.",
        discussion: """
        Examples:
          sluice runs --pipeline examples/user_analytics/pipeline.yaml
          sluice runs --state sqlite:.sluice/state.db --format json
        """
    )

    @Option(name: .long, help: ArgumentHelp("The pipeline file (its state store, its runs).", valueName: "pipeline.yaml"))
    var pipeline: String?

    @Option(name: .long, help: ArgumentHelp("Show at most this many runs.", valueName: "n"))
    var limit: Int = 50

    @OptionGroup var stateOptions: StateOptions

    func run() throws {
        let spec = try pipeline.map(loadPipeline)
        let store = try stateOptions.store(for: spec)
        let runs = try store.runs(pipeline: spec?.name, limit: limit)
        if stateOptions.json {
            print(JSONValue.array(runs.map(\.json)).rendered())
            return
        }
        guard !runs.isEmpty else { print("no runs recorded"); return }
        let missed = try store.slaMissDeadlines(of: runs)
        printTable(["pipeline", "run", "state", "trigger", "started", "duration", "sla"], runs.map {
            [$0.pipeline, $0.runID, stateText($0), $0.trigger, formatClock($0.startedAt), seconds($0.startedAt, $0.endedAt),
             missed[$0.key].map { "MISSED (due \(formatClock($0)))" } ?? "-"]
        })
    }
}
