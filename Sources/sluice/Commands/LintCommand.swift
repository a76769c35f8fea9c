import ArgumentParser
import SluiceObserve

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check a pipeline against the seed's final checklist.",
        discussion: """
        The checklist: idempotent, errors, retries, quality, monitoring, alerts, docs,
        lineage. Each line passes or misses with the reason, and a fix for a miss.
        Alerts and lineage may also come from the project file sluice.yaml beside or
        above the pipeline. Exit 0, or 1 with --strict when any line misses (for CI);
        2 for an invalid pipeline.
        Examples:
          sluice lint examples/user_analytics/pipeline.yaml
          sluice lint examples/user_analytics/pipeline.yaml --format json --strict
        """
    )

    @Argument(help: "Pipeline files (YAML).")
    var pipelines: [String]

    @Option(name: .long, help: ArgumentHelp("Report format: text or json.", valueName: "format"))
    var format: String = "text"

    @Flag(name: .long, help: "Exit 1 when any checklist line misses.")
    var strict = false

    func validate() throws {
        guard format == "text" || format == "json" else { throw ValidationError("--format must be text or json, not '\(format)'") }
    }

    func run() throws {
        var reports: [PipelineLint] = []
        for path in pipelines { reports.append(PipelineLint(pipeline: try loadPipeline(path))) }
        if format == "json" {
            print((reports.count == 1 ? reports[0].json() : .array(reports.map { $0.json() })).rendered(pretty: true))
        } else {
            print(reports.map { $0.text() }.joined(separator: "\n"), terminator: "")
        }
        if strict, reports.contains(where: { !$0.passed }) {
            throw CommandError.failed("\(reports.flatMap(\.items).filter { !$0.passed }.count) checklist line(s) miss (--strict)")
        }
    }
}
