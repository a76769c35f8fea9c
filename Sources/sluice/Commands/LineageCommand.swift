import ArgumentParser
import SluiceObserve

struct LineageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lineage",
        abstract: "Print a pipeline's datasets, tasks and column lineage (no run).",
        discussion: """
        Datasets are named by the OpenLineage naming spec (postgres://host:port +
        db.schema.table, sqlite:///path.db + table, file + /abs/path, kafka://broker +
        topic). Each destination column lists the source columns it comes from, DIRECT
        (IDENTITY, TRANSFORMATION, AGGREGATION) or INDIRECT (JOIN, GROUP_BY, FILTER,
        SORT, CONDITIONAL).
        Examples:
          sluice lineage examples/user_analytics/pipeline.yaml
          sluice lineage examples/user_analytics/pipeline.yaml --format mermaid
          sluice lineage examples/user_analytics/pipeline.yaml \\
              --format dot | dot -Tsvg > lineage.svg
        """
    )

    @Argument(help: "The pipeline file (YAML).")
    var pipeline: String

    @Option(name: .long, help: ArgumentHelp("Report format: text, json, mermaid or dot.", valueName: "format"))
    var format: String = "text"

    func validate() throws {
        try requireChoice(format, among: PipelineLineage.Format.allCases.map(\.rawValue), for: "--format")
    }

    func run() throws {
        let lineage = PipelineLineage(try loadPipeline(pipeline))
        print(lineage.rendered(PipelineLineage.Format(rawValue: format)!), terminator: "")
    }
}
