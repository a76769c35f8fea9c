import ArgumentParser
import SluiceCore
import SluicePipeline
import SluiceQuality
#if canImport(Glibc)
import Glibc
#endif

/// Set by SIGINT/SIGTERM while `sluice schedule` runs.
nonisolated(unsafe) var stopRequested: sig_atomic_t = 0

struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Run pipelines on their schedules until stopped (SIGINT/SIGTERM).",
        discussion: """
        Starts each pipeline's run once its interval has ended (cron or
        @hourly/@daily/@weekly/ @monthly, in the pipeline's timezone), with catchup,
        max_active_runs and depends_on_past; a run not finished within the pipeline's
        sla is recorded and logged as an SLA miss. Everything is in the state store,
        so a restarted scheduler never runs an interval twice and resumes runs a dead
        process left behind. On SIGTERM it starts nothing new, lets running tasks
        finish for --grace, then cancels them (shell commands get SIGTERM).
        Examples:
          sluice schedule examples/user_analytics/pipeline.yaml
          sluice schedule a.yaml b.yaml --state postgres://sluice@db/sluice --grace 2m
          sluice schedule pipeline.yaml \\
              --once      # start what is due, wait for it, exit
        """
    )

    @OptionGroup var pipelines: PipelineFiles

    @Option(name: .long, help: ArgumentHelp("How long running tasks may finish after SIGTERM before they are cancelled.", valueName: "duration"))
    var grace: String = "30s"

    @Flag(name: .long, help: "Start what is due now, wait for it, and exit.")
    var once = false

    @Option(name: .long, help: ArgumentHelp("State store for every pipeline (default: .sluice/state.db beside each).", valueName: "url"))
    var state: String?

    @OptionGroup var metricsOptions: ServeMetricsOptions

    func run() async throws {
        guard let graceSeconds = parseDuration(grace) else { throw ValidationError("--grace must be a duration like 30s or 2m, not '\(grace)'") }
        var entries: [Scheduler.Entry] = []
        let specs = try pipelines.paths.map(loadPipeline)
        // Column references are bound before the scheduler starts (and again, with each run's
        // values, before that run): a typo stops here with the `sluice validate` report.
        for spec in specs { _ = try spec.bindColumns() }
        let stores = try specs.map { try StateStore(url: state ?? StateStore.defaultURL(for: $0)) }
        let observability = try makeObservability(for: Array(zip(specs, stores)))
        let server = try metricsOptions.start(observability)
        defer { server?.stop(); observability.flush() }
        let lineage = LineageSetup(for: specs, observability: observability)
        defer { lineage.flush() }
        for ((path, spec), store) in zip(zip(pipelines.paths, specs), stores) {
            if spec.schedule == nil { printError("warning: \(path) has no schedule; the scheduler will not start it") }
            let runner = PipelineRunner(pipeline: spec, store: store)
            runner.observer = lineage.observer(with: observability.observer)
            runner.onEvent = { event in
                if case .tryFinished(let task, let n, let s, let secs, _, let error) = event, s != .success {
                    printError("  \(spec.name): \(task) try \(n) \(s.rawValue) after \(fixed(secs, digits: 2)) s: \(error ?? "")")
                }
            }
            entries.append(Scheduler.Entry(pipeline: spec, runner: runner))
        }
        let scheduler = Scheduler(entries: entries)
        scheduler.observer = observability.observer
        scheduler.onEvent = { event in
            switch event {
            case .runStarting(let p, let runID, let resumed):
                printError("\(formatClock(SystemClock().now())) \(p) \(runID): \(resumed ? "resuming" : "starting")")
            case .runFinished(let p, let summary):
                printError("\(formatClock(SystemClock().now())) \(p) \(summary.run.runID): \(summary.alreadySucceeded ? "already succeeded" : summary.run.state.rawValue)")
            case .runError(let p, let runID, let error):
                printError("\(formatClock(SystemClock().now())) \(p) \(runID): \(ErrorFormatter.line(error))")
            case .slaMiss(let p, let runID, let deadline):
                printError("\(formatClock(SystemClock().now())) SLA MISS: \(p) \(runID) was not finished by \(formatClock(deadline))")
            }
        }
        if once {
            try scheduler.tick()
            await scheduler.drain()
            return
        }
        signal(SIGINT) { _ in stopRequested = 1 }
        signal(SIGTERM) { _ in stopRequested = 1 }
        printError("scheduling \(entries.map(\.pipeline.name).joined(separator: ", ")); stop with SIGINT or SIGTERM")
        await scheduler.run(grace: Int64(graceSeconds * 1e6)) { stopRequested != 0 }
        printError("scheduler stopped")
    }
}
