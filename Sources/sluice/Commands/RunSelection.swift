import ArgumentParser
import SluicePipeline

/// The run a command reads: its id, and the pipeline file or state store holding it.
struct RunSelection: ParsableArguments {
    @Argument(help: ArgumentHelp("The run id (its logical date, e.g. 2024-06-01).", valueName: "run"))
    var runID: String

    @Option(name: .long, help: ArgumentHelp("The pipeline file.", valueName: "pipeline.yaml"))
    var pipeline: String?

    @OptionGroup var stateOptions: StateOptions

    var json: Bool { stateOptions.json }

    /// The pipeline (when given), its store, and the run.
    func resolve() throws -> (spec: Pipeline?, store: StateStore, run: RunRecord) {
        let spec = try pipeline.map(loadPipeline)
        let store = try stateOptions.store(for: spec)
        return (spec, store, try store.run(id: runID, pipeline: spec?.name))
    }
}
