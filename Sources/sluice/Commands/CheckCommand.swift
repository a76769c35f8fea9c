import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import SluiceCore
import SluiceFormats
import SluiceQuality

struct CheckCommand: ParsableCommand {
    /// A suite without `name:` is its file, written the same way however it was given (`./q/../checks.yaml` is `checks.yaml`).
    static func identity(ofSuite path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            parts.append(part)
        }
        return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }

    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run a data-quality suite on a table and gate on the result.",
        discussion: """
        Exit codes: 0 when no check at or above --fail-on failed; 3 when one did (the
        report is still written); 2 for usage or suite errors (unknown keys, columns,
        types: file:line:column with did you mean); 1 when the data cannot be read.
        --quarantine writes the rows that failed any row-level check (not_null,
        unique, range, accepted_values, referential, pattern, expression), with a
        _failed_checks column naming the checks; --passed writes every other row.
        Together they hold every input row once. --history stores each check's result
        per run (table sluice_check_results, the same table a pipeline's state store
        keeps) under the dataset identity — the suite's `name:`, else the suite file —
        and feeds change and anomaly checks (row_count_change, change, anomaly), which
        are not evaluated without it. Runs of one identity compare with each other
        whatever file each read; --history .sluice/state.db shares results with a
        pipeline whose check task has the same name.
        Examples:
          sluice check data/orders.csv --suite examples/quality/checks.yaml
          sluice check data/orders.csv --suite checks.yaml --format junit \\
              --output quality.xml
          sluice check data/orders.csv --suite checks.yaml --fail-on critical \\
              --quarantine bad.csv --passed good.csv
          sluice check data/orders.csv --suite checks.yaml --history quality.db
          sluice check events.parquet --suite checks.yaml --filter "ds = '2024-06-01'"
        """
    )

    @Argument(help: "The table file to check (CSV, TSV, JSON Lines, .sluice or Parquet); default: the suite's `dataset` (a file, or a SQL table or query).")
    var data: String?

    @Option(name: .long, help: ArgumentHelp("The suite file (YAML).", valueName: "checks.yaml"))
    var suite: String

    @Option(name: .long, help: ArgumentHelp("Report format: text, json, junit or html.", valueName: "format"))
    var format: String = "text"

    @Option(name: .long, help: ArgumentHelp("Where to write the report (default: standard output).", valueName: "file"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("The gate: fail (exit 3) when a check at or above this severity fails: warning, error or critical.", valueName: "severity"))
    var failOn: String = "error"

    @Option(name: .long, help: ArgumentHelp("Write rows that failed row-level checks here, with a _failed_checks column.", valueName: "file"))
    var quarantine: String?

    @Option(name: .long, help: ArgumentHelp("Write the rows that failed no row-level check here.", valueName: "file"))
    var passed: String?

    @Option(name: .long, help: ArgumentHelp("Store every check's result per run in this SQLite file (or a sqlite:/postgres:// URL); change checks compare with the runs stored there.", valueName: "file.db"))
    var history: String?

    @OptionGroup var input: InputOptions

    @Option(name: .long, help: ArgumentHelp("Check only the rows where this condition is true (as a transform filter); Parquet row groups whose statistics rule it out are not read.", valueName: "expression"))
    var filter: String?

    func validate() throws {
        do { _ = try ReportFormat(name: format) } catch let error as QualityError {
            throw ValidationError("--format: \(error.message)" + (error.hint.map { " (\($0))" } ?? ""))
        }
        try requireChoice(failOn, among: Severity.allCases.map(\.rawValue), for: "--fail-on", ignoringCase: true)
    }

    @OptionGroup var metricsOptions: ExportMetricsOptions

    func run() throws {
        let spec = try SuiteSpec.load(path: suite)
        var dataset: DatasetSpec
        if let data {
            dataset = try input.dataset(path: data)
        } else if let named = spec.dataset {
            dataset = named
            try input.apply(to: &dataset)
        } else {
            throw CommandError.usage("no data to check", hint: "give a file (sluice check DATA --suite \(suite)) or a `dataset:` in the suite")
        }
        if let filter { dataset.filter = filter }
        // Only the columns the checks read are parsed, unless whole rows are written out.
        let (table, report, references) = try spec.read(dataset, onlyColumnsChecked: quarantine == nil && passed == nil)
        printReadReport(report!, file: dataset.name)
        let checks = try spec.makeSuite(references: references)
        let store = try history.map { try QualityHistory(location: $0) }
        let identity = spec.name ?? Self.identity(ofSuite: suite)
        let past = try store?.history(for: checks, dataset: identity)
        let started = monotonicSeconds()
        let result = try checks.run(on: table!, history: past, datasetModifiedAt: dataset.modificationTime)
        exportCheckMetrics(result.results, suite: suite, options: metricsOptions)
        let bar = Severity(rawValue: failOn.lowercased())!
        let run = QualityRun(dataset: dataset.name, suite: suite, result: result, failOn: bar, seconds: monotonicSeconds() - started)
        let reportFormat = try ReportFormat(name: format)
        let colour = reportFormat == .text && output == nil && isatty(1) == 1
        let text = reportFormat.render(run, colour: colour)
        if let output {
            let file = try OutputFile(path: output)
            try file.write(text)
            try file.commit()
        } else {
            print(text, terminator: "")
        }
        if let store {
            let now = currentMicroseconds()
            let run = CheckRun(dataset: identity, runID: QualityHistory.checkRunID(now: now), suite: suite)
            try store.record(result, run: run, now: now)
            printError("history: run \(run.runID) of \(identity) stored in \(history!)")
        }
        if quarantine != nil || passed != nil {
            let split = Quarantine.split(table!, by: result)
            if let quarantine { try TableFile.write(split.quarantined, to: quarantine) }
            if let passed { try TableFile.write(split.passed, to: passed) }
            printError("quarantined \(split.quarantined.rowCount) row\(split.quarantined.rowCount == 1 ? "" : "s"), passed \(split.passed.rowCount)")
        }
        if !run.gatePassed {
            let failed = result.results.filter { $0.fails(atOrAbove: bar) }
            throw CommandError(.checksFailed, "\(failed.count) check\(failed.count == 1 ? "" : "s") at \(bar.rawValue) or above failed: \(failed.map(\.name).joined(separator: ", "))")
        }
    }
}
