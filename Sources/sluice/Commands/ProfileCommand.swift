import ArgumentParser
import SluiceCore
import SluiceFormats
import SluiceQuality

struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Per-column statistics: nulls, distinct, range, quantiles, top values.",
        discussion: """
        Per column: type, nulls, distinct, min/max/mean/stddev, quantiles, top values
        and string lengths. Quantiles are exact (nearest rank over the sorted values).
        Distinct counts are exact, except in string columns past 100,000 distinct
        values: there a HyperLogLog sketch (±0.8%) estimates them, marked ≈, so memory
        stays bounded.
        Examples:
          sluice profile data/orders.csv
          sluice profile data/users.csv --format json --top 10
          sluice profile data/orders.csv --format html > orders-profile.html
        """
    )

    @Argument(help: "The table file to profile (CSV, TSV, JSON Lines, .sluice or Parquet).")
    var data: String

    @Option(name: .long, help: ArgumentHelp("Report format: text, json or html (one self-contained page with histograms).", valueName: "format"))
    var format: String = "text"

    @Option(name: .long, help: ArgumentHelp("Most frequent values to show per column.", valueName: "n"))
    var top: Int = 5

    @OptionGroup var input: InputOptions

    func validate() throws {
        guard ["text", "json", "html"].contains(format) else {
            throw ValidationError("--format must be text, json or html, not '\(format)'"
                                  + (suggestion(for: format, among: ["text", "json", "html"]).map { " (did you mean '\($0)'?)" } ?? ""))
        }
        guard top >= 0 else { throw ValidationError("--top must be 0 or more") }
    }

    func run() throws {
        let (table, report) = try input.dataset(path: data).read()
        printReadReport(report, file: data)
        let profiles = Profiler.profile(table, topCount: top)
        if format == "html" {
            print(ProfileReport.html(dataset: data, rows: table.rowCount, profiles: profiles), terminator: "")
        } else if format == "json" {
            print(ProfileReport.json(dataset: data, rows: table.rowCount, profiles: profiles), terminator: "")
        } else {
            print(ProfileReport.text(dataset: data, rows: table.rowCount, profiles: profiles), terminator: "")
        }
    }
}
