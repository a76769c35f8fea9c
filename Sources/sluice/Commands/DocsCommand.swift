import ArgumentParser
import SluiceCore
import SluiceObserve

struct DocsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docs",
        abstract: "Write a pipeline's design document from its spec and run history.",
        discussion: """
        Overview, architecture (the DAG), components (source, extraction full or
        incremental, transformation steps, loading), implementation (the spec,
        passwords masked), data quality, monitoring, schedule, column lineage, recent
        runs (from .sluice/state.db beside the pipeline) and the final checklist. HTML
        is one self-contained file with the DAG as inline SVG. A directory of
        pipelines gets one document each and an index.
        Examples:
          sluice docs examples/user_analytics/pipeline.yaml
          sluice docs examples/user_analytics/pipeline.yaml --format html \\
              --output design.html
          sluice docs examples/ --format html --output site/
        """
    )

    @Argument(help: "A pipeline file, or a directory of them.")
    var path: String

    @Option(name: .long, help: ArgumentHelp("Report format: md or html.", valueName: "format"))
    var format: String = "md"

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write: a file, or a directory for a directory of pipelines (default: standard output, or PATH/docs for a directory).", valueName: "path"))
    var output: String?

    func validate() throws {
        guard DesignDocument.Format(rawValue: format) != nil else { throw ValidationError("--format must be md or html, not '\(format)'") }
    }

    func run() throws {
        let format = DesignDocument.Format(rawValue: format)!
        if isDirectory(path) {
            let pipelines = DesignDocument.pipelines(inDirectory: path)
            guard !pipelines.isEmpty else {
                throw CommandError.usage("holds no pipeline files (*.yaml with `pipeline:` and `tasks:`)", location: ErrorLocation(file: path))
            }
            let written = try DesignDocument.writeSite(for: pipelines, format: format, to: output ?? path + "/docs", warn: printError)
            for file in written { printError("wrote \(file)") }
            return
        }
        let pipeline = try loadPipeline(path)
        let document = DesignDocument.withHistory(of: pipeline, warn: printError)
        let text = document.rendered(format)
        if let output {
            try DesignDocument.write(text, to: output)
            printError("wrote \(output)")
        } else {
            print(text, terminator: "")
        }
    }
}
