import ArgumentParser
import SluiceCore
import SluiceFormats
import SluiceQuality

struct SuggestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suggest",
        abstract: "Write a starting checks.yaml from a file's profile.",
        discussion: """
        Suggests row_count and schema checks, not_null where a column has no nulls, unique
        where every value differs, ranges with a 10% margin on numeric columns, and
        accepted_values for string columns with at most 10 distinct values. Review it: it
        describes the data you have, not the data you want.
        Examples:
          sluice suggest data/orders.csv > checks.yaml
          sluice check data/orders.csv --suite checks.yaml
        """
    )

    @Argument(help: "The table file to profile (CSV, TSV, JSON Lines, .sluice or Parquet).")
    var data: String

    @Option(name: .long, help: ArgumentHelp("Input format of DATA: csv, tsv, jsonl, sluice or parquet (default: from the extension).", valueName: "format"))
    var inputFormat: String?

    @Option(name: .long, help: ArgumentHelp("Column types instead of inference, e.g. id:int64,total:float64.", valueName: "name:type,..."))
    var schema: String?

    func run() throws {
        let (table, report) = try DatasetSpec(path: data, format: inputFormat, schema: schema).read()
        printReadReport(report, file: data)
        let profiles = Profiler.profile(table, topCount: SuiteSuggester.maxAcceptedValues)
        print(SuiteSuggester.suggest(dataset: data, profiles: profiles), terminator: "")
    }
}
