import ArgumentParser
import SluiceCore
import SluicePipeline

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show one run: its tasks, tries and check results.",
        discussion: """
        Examples:
          sluice status 2024-06-01 --pipeline examples/user_analytics/pipeline.yaml
          sluice status 2024-06-01 --state sqlite:.sluice/state.db --format json
        """
    )

    @OptionGroup var selection: RunSelection

    func run() throws {
        let (spec, store, record) = try selection.resolve()
        let summary = try store.summary(of: record, pipeline: spec)
        printSummary(summary, pipeline: record.pipeline, json: selection.json)
        if !selection.json, let deadline = try store.slaMissDeadlines(of: [record])[record.key] {
            print("SLA missed: not finished by \(formatClock(deadline))")
        }
    }
}
