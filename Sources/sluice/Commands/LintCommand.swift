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

    @OptionGroup var pipelines: PipelineFiles

    @OptionGroup var output: OutputFormatOption

    @Flag(name: .long, help: "Exit 1 when any checklist line misses.")
    var strict = false

    func run() throws {
        var reports: [PipelineLint] = []
        for path in pipelines.paths { reports.append(PipelineLint(pipeline: try loadPipeline(path))) }
        if output.isJSON {
            print((reports.count == 1 ? reports[0].json() : .array(reports.map { $0.json() })).rendered(pretty: true))
        } else {
            print(reports.map { $0.text() }.joined(separator: "\n"), terminator: "")
        }
        if strict, reports.contains(where: { !$0.passed }) {
            throw CommandError.failed("\(reports.flatMap(\.items).filter { !$0.passed }.count) checklist line(s) miss (--strict)")
        }
    }
}
