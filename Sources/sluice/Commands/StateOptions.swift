import ArgumentParser
import SluiceCore
import SluicePipeline

/// Where a command finds the state store (`--state URL`, else beside the pipeline file),
/// and how it prints (`--format text|json`).
struct StateOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("State store: sqlite:path.db or postgres://… (default: .sluice/state.db beside the pipeline).", valueName: "url"))
    var state: String?

    @OptionGroup var output: OutputFormatOption

    var json: Bool { output.isJSON }

    func store(for pipeline: Pipeline?) throws -> StateStore {
        if let state { return try StateStore(url: state) }
        if let pipeline { return try StateStore(url: StateStore.defaultURL(for: pipeline)) }
        guard fileExists(".sluice/state.db") else {
            throw CommandError.usage("no state store", hint: "give --pipeline pipeline.yaml or --state sqlite:path/.sluice/state.db")
        }
        return try StateStore(url: "sqlite:.sluice/state.db")
    }
}
