import ArgumentParser
import SluiceCore
import SluiceFormats
#if canImport(Glibc)
import Glibc
#endif

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a table file between CSV, TSV, JSON Lines and .sluice, streaming in batches.",
        discussion: """
        Formats come from the extensions unless --format / --to say otherwise. Memory stays
        bounded whatever the input size, and OUTPUT appears only when the whole input was
        converted: on any error nothing is written.
        Examples:
          sluice convert data/users.csv data/users.jsonl
          sluice convert events.jsonl events.csv --schema user_id:int64
          sluice convert - out.tsv --format csv < in.csv
        """
    )

    @Argument(help: "The input file (- for standard input).")
    var input: String

    @Argument(help: "The output file (- for standard output).")
    var output: String

    @Option(name: .long, help: ArgumentHelp("Output format: csv, tsv, jsonl or sluice (default: from the output extension).", valueName: "format"))
    var to: String?

    @OptionGroup var inputOptions: InputOptions

    func run() throws {
        let started = monotonicSeconds()
        let outputFormat: FileFormat
        if let to { outputFormat = try FileFormat(name: to) } else if output == "-" { outputFormat = .csv } else { outputFormat = try FileFormat(path: output) }
        let summary = try TableFile.convert(input: input, inputFormat: inputOptions.fileFormat(for: input), output: output,
                                            outputFormat: outputFormat, options: inputOptions.readOptions())
        let seconds = monotonicSeconds() - started
        printReadReport(summary.report, file: input)
        if output != "-" {
            printError("converted \(summary.rows) rows × \(summary.schema.count) columns to \(output) (\(formatBytes(summary.bytesWritten))) in \(formatSeconds(seconds))")
        }
    }
}
