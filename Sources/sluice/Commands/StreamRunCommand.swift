import ArgumentParser
import Dispatch
import SluiceCore
import SluiceStream
#if canImport(Glibc)
import Glibc
#endif

extension StreamCommand {
    /// `sluice stream run`: runs a stream until its input ends or a signal stops it.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run a stream until its input ends (or forever: --follow, Kafka).",
            discussion: """
            SIGINT or SIGTERM stops reading, delivers what is in flight, commits the input
            position and exits 0. A status line (records in, out, dead-lettered, per
            second, Kafka consumer lag) goes to standard error every
            `settings.status_interval` and at exit.
            """)

        @Argument(help: "The stream spec (YAML).")
        var spec: String

        @Flag(help: "File input: wait at its end for more lines (like tail -f).")
        var follow = false

        @Flag(help: "Kafka input: stop once every assigned partition has been read to its end.")
        var stopAtEnd = false

        @Option(help: ArgumentHelp("File input: where to store the position (default: <input>.<stream>.position).", valueName: "file"))
        var position: String?

        @Option(help: ArgumentHelp("Kafka input: static group membership (group.instance.id), unique per consumer of the group: a restarted consumer with the same id gets its partitions back at once instead of waiting for the session timeout.", valueName: "id"))
        var instanceId: String?

        @Flag(help: "No status lines.")
        var quiet = false

        @Flag(help: "At exit, print the counts as one JSON object on standard output.")
        var jsonSummary = false

        @OptionGroup var metricsOptions: ServeMetricsOptions

        func run() throws {
            #if canImport(Glibc)
            // Every batch allocates and frees buffers of the same sizes; keep freed memory in
            // the heap for reuse instead of paying for fresh zeroed pages each time.
            _ = glibcMallopt(-3 /* M_MMAP_THRESHOLD */, 1 << 30)
            _ = glibcMallopt(-1 /* M_TRIM_THRESHOLD */, 1 << 30)
            #endif
            let parsed = try StreamCommand.loadSpec(spec)
            let quiet = self.quiet
            let name = parsed.name
            let runner = try StreamRunner(spec: parsed, options: .init(
                follow: follow, stopAtEnd: stopAtEnd, positionPath: position, instanceID: instanceId,
                status: { status in
                    guard !quiet || status.isFinal else { return }
                    printError("stream \(name): \(status.isFinal ? "done: " : "")\(status.line)")
                }))
            let observability = try makeObservability(forStream: parsed, file: spec)
            let lineage = LineageSetup(streamSpec: spec, observability: observability)
            runner.observer = lineage.observer(with: observability.observer)
            let server = try metricsOptions.start(observability)
            defer { server?.stop(); observability.flush(); lineage.flush() }
            signal(SIGINT, SIG_IGN)
            signal(SIGTERM, SIG_IGN)
            let sources = [SIGINT, SIGTERM].map { number in
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { runner.stop() }
                source.resume()
                return source
            }
            defer { sources.forEach { $0.cancel() } }
            let counters = try runner.run()
            if jsonSummary { print(counters.summaryJSON(stream: name, activeSeconds: runner.activeSeconds)) }
        }
    }
}
