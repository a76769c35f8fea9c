import ArgumentParser
import SluiceCore
import SluiceFormats
import SluiceQuality

struct SuggestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suggest",
        abstract: "Write a starting checks.yaml from a file's profile.",
        discussion: """
        Suggests row_count and schema checks, not_null where a column has no nulls,
        unique where every value differs, ranges with a 10% margin on numeric columns,
        and accepted_values for string columns with at most 10 distinct values. Review
        it: it describes the data you have, not the data you want. The suite's
        `dataset:` works from where the suite is saved: relative to the --output
        file's directory, or an absolute path on standard output.
        Examples:
          sluice suggest data/orders.csv --output checks.yaml
          sluice check --suite checks.yaml
        """
    )

    @Argument(help: "The table file to profile (CSV, TSV, JSON Lines, .sluice or Parquet).")
    var data: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the suite (default: standard output).", valueName: "file"))
    var output: String?

    @OptionGroup var input: InputOptions

    func run() throws {
        let (table, report) = try input.dataset(path: data).read()
        printReadReport(report, file: data)
        let profiles = Profiler.profile(table, topCount: SuiteSuggester.maxAcceptedValues)
        // Suite paths resolve against the suite file, so the dataset is written from there.
        let dataset = data == "-" ? nil : output.map { FilePaths.relative(data, to: FilePaths.directory(of: $0)) } ?? FilePaths.absolute(data)
        let text = SuiteSuggester.suggest(dataset: dataset, profiles: profiles)
        if let output {
            let file = try OutputFile(path: output)
            try file.write(text)
            try file.commit()
            printError("wrote \(output) (dataset: \(dataset ?? "-"))")
        } else {
            print(text, terminator: "")
        }
    }
}
