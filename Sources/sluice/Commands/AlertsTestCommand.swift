import ArgumentParser
import SluiceCore
import SluiceObserve

extension AlertsCommand {
    /// `sluice alerts test FILE`: a sample of each rule to its channels.
    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Send a sample alert of every rule to its channels (marked as a test).",
            discussion: """
            Reads `alerts:` from the spec and its project file (sluice.yaml beside or
            above it), expands ${VAR}s from the environment, and sends one test
            notification per rule and channel, retried as configured. Prints one line per
            delivery; secrets are masked. Exit codes: 0 all delivered; 1 some failed; 2
            invalid alerts configuration.
            Examples:
              sluice alerts test examples/user_analytics/pipeline.yaml
              ALERT_WEBHOOK_URL=http://127.0.0.1:8080/hook sluice alerts test pipeline.yaml
            """
        )

        @Argument(help: "The pipeline or stream spec (YAML).")
        var spec: String

        func run() throws {
            let subject: String, kind: String
            do {
                if let name = try AlertsSpec.section("pipeline", inFile: spec)?.string {
                    (subject, kind) = (name, "pipeline")
                } else if let name = try AlertsSpec.section("stream", inFile: spec)?.string {
                    (subject, kind) = (name, "stream")
                } else {
                    throw CommandError.usage("neither a pipeline (`pipeline:`) nor a stream (`stream:`)", location: ErrorLocation(file: spec))
                }
                let alerts = try alertsSpec(for: spec)
                guard !alerts.isEmpty else {
                    throw CommandError.usage("no alert rules or no channels (in its `alerts:` or in sluice.yaml)",
                                             hint: "alerts: { on: [failure, quality, sla_miss], webhook: \"${ALERT_WEBHOOK_URL}\" }",
                                             location: ErrorLocation(file: spec))
                }
                let directory = FilePaths.directory(of: spec)
                let observer = try AlertObserver(spec: alerts, environment: processEnvironment(), directory: directory)
                let results = observer.sendSamples(subject: subject, kind: kind)
                for r in results {
                    print("\(r.error == nil ? "sent" : "FAILED") \(r.rule) -> \(r.channel)" + (r.error.map { ": \($0)" } ?? ""))
                }
                let failed = results.filter { $0.error != nil }.count
                if failed > 0 {
                    throw CommandError(.notDelivered, "\(failed) of \(results.count) test alerts were not delivered", category: .transientIO)
                }
            } catch let error as ObserveError {
                throw CommandError(usage: error)
            }
        }
    }
}
