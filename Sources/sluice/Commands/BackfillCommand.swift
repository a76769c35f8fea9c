import ArgumentParser
import SluiceCore
import SluicePipeline
#if canImport(Glibc)
import Glibc
#endif

struct BackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Run every interval between two dates, skipping those that succeeded.",
        discussion: """
        Intervals whose run succeeded are skipped (--rerun-failed-only, the default);
        --all runs them again. Failed or interrupted intervals resume where they
        stopped. Exit 0 when every interval succeeded, 1 otherwise.
        Examples:
          sluice backfill pipeline.yaml --start-date 2024-01-01 \\
              --end-date 2024-01-31 --parallel 4
          sluice backfill pipeline.yaml --start-date 2024-01-01 \\
              --end-date 2024-01-31 --all
        """
    )

    @Argument(help: "The pipeline file (YAML).")
    var pipeline: String

    @Option(name: .customLong("start-date"), help: ArgumentHelp("First logical date (inclusive).", valueName: "date"))
    var from: String

    @Option(name: .customLong("end-date"), help: ArgumentHelp("Last logical date (inclusive).", valueName: "date"))
    var to: String

    @Option(name: .long, help: ArgumentHelp("Intervals run at once.", valueName: "n"))
    var parallel: Int = 1

    @Flag(name: .long, help: "Run every interval, even those that succeeded.")
    var all = false

    @Flag(name: .long, help: "Skip intervals that succeeded (the default).")
    var rerunFailedOnly = false

    @Option(name: .long, help: ArgumentHelp("Override a pipeline param (repeatable).", valueName: "name=value"))
    var param: [String] = []

    @OptionGroup var stateOptions: StateOptions

    func validate() throws {
        guard parallel >= 1 else { throw ValidationError("--parallel must be 1 or more") }
        guard !(all && rerunFailedOnly) else { throw ValidationError("give --all or --rerun-failed-only, not both") }
    }

    func run() async throws {
        let spec = try loadPipeline(pipeline)
        let store = try stateOptions.store(for: spec)
        let runner = PipelineRunner(pipeline: spec, store: store)
        let lineage = LineageSetup(for: [spec])
        runner.observer = lineage.observer(with: runner.observer)
        defer { lineage.flush() }
        let first = try parseDateArgument(from, option: "--start-date"), last = try parseDateArgument(to, option: "--end-date")
        guard first <= last else { throw CommandError.usage("--start-date \(from) is after --end-date \(to)") }
        let tty = isatty(2) == 1
        let started = monotonicSeconds()
        let summary = try await runner.backfill(from: first, to: last, parallel: parallel, policy: all ? .all : .rerunFailedOnly,
                                                params: try parseParams(param)) { done, total, result in
            let state = result.map { $0.alreadySucceeded ? "skipped" : $0.run.state.rawValue } ?? "locked"
            if tty {
                let width = 30, filled = total == 0 ? width : done * width / total
                printErrorInline("\r[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(done)/\(total) \(result?.run.runID ?? "") \(state)   ")
                if done == total { printError("") }
            } else {
                printError("\(done)/\(total) \(result?.run.runID ?? "") \(state)")
            }
        }
        if stateOptions.json {
            print(summary.json.rendered())
        } else {
            print("backfill \(spec.name) \(from) … \(to): \(summary.succeeded.count) succeeded, \(summary.failed.count) failed, \(summary.skipped.count) skipped (already succeeded)"
                  + (summary.locked.isEmpty ? "" : ", \(summary.locked.count) being run elsewhere") + " in \(fixed(monotonicSeconds() - started, digits: 2)) s")
            if !summary.failed.isEmpty { print("failed: \(summary.failed.joined(separator: ", "))") }
        }
        if !summary.failed.isEmpty || !summary.locked.isEmpty {
            throw CommandError.failed("\(summary.failed.count + summary.locked.count) interval(s) did not succeed", hint: "run the backfill again to resume them")
        }
    }
}
