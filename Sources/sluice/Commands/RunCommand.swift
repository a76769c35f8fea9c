import ArgumentParser
import SluiceCore
import SluicePipeline

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline for one logical date (resuming it if it failed before).",
        discussion: """
        A run is (pipeline, logical date). Running a succeeded date again is a no-op
        that says so; --rerun runs every task again. A failed or interrupted run is
        resumed: only the tasks that have not succeeded run. Runs, tasks and every try
        are recorded in the state store (.sluice/state.db beside the pipeline, or
        --state). Exit codes: 0 the run succeeded (or had already); 1 a task failed; 2
        invalid pipeline.
        Examples:
          sluice run examples/user_analytics/pipeline.yaml --date 2024-06-01
          sluice run pipeline.yaml --date 2024-06-01 --rerun --param region=eu
          sluice run pipeline.yaml --date 2024-06-01 --format json
        """
    )

    @Argument(help: "The pipeline file (YAML).")
    var pipeline: String

    @Option(name: .long, help: ArgumentHelp("Logical date, e.g. 2024-01-02 (default: the latest interval that has ended).", valueName: "date"))
    var date: String?

    @Flag(name: .long, help: "Run every task again even if the run already succeeded.")
    var rerun = false

    @Option(name: .long, help: ArgumentHelp("Override a pipeline param (repeatable).", valueName: "name=value"))
    var param: [String] = []

    @Flag(name: .long, help: "Keep the run's artifacts (tables between tasks) after it succeeds.")
    var keepArtifacts = false

    @Flag(name: .long, help: "Let --param values templated into file paths point outside the pipeline's directory.")
    var allowOutsidePaths = false

    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var metricsOptions: ExportMetricsOptions

    func run() async throws {
        let spec = try loadPipeline(pipeline)
        let store = try stateOptions.store(for: spec)
        let runner = PipelineRunner(pipeline: spec, store: store)
        runner.keepArtifacts = keepArtifacts
        runner.allowsOutsidePaths = allowOutsidePaths
        runner.onEvent = { printEvent($0) }
        let observability = try makeObservability(for: [(spec, store)])
        runner.observer = observability.observer
        defer {
            observability.flush()
            metricsOptions.export(observability, grouping: [("pipeline", spec.name)])
        }
        let lineage = LineageSetup(for: [spec], observability: observability)
        runner.observer = lineage.observer(with: runner.observer)
        defer { lineage.flush() }
        let logical: Int64
        if let date { logical = try parseDateArgument(date, option: "--date") } else {
            let schedule = try PipelineSchedule(spec.schedule, timeZone: spec.timeZone)
            let now = SystemClock().now()
            logical = schedule.previous(atOrBefore: schedule.previous(atOrBefore: now) - 1)
        }
        let request = RunRequest(logicalDate: logical, rerun: rerun, params: try parseParams(param))
        // Column references are bound before anything runs: a typo fails here, not hours later.
        _ = try spec.bindColumns(variables: try runner.variables(for: request))
        let summary = try await runner.run(request)
        printSummary(summary, pipeline: spec.name, json: stateOptions.json)
        if !summary.succeeded {
            throw CommandError.failed("run \(spec.name) \(summary.run.runID) failed: \(runFailureText(summary.run.message))",
                                      hint: runFailureHint(summary, pipelinePath: pipeline))
        }
    }
}
