import ArgumentParser
import SluiceCore
import SluiceFormats
#if canImport(Glibc)
import Glibc
#endif

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a table file: CSV, TSV, JSON Lines, .sluice or Parquet.",
        discussion: """
        Formats come from the extensions unless --input-format / --output-format say
        otherwise. Memory stays bounded whatever the input size, and OUTPUT appears
        only when the whole input was converted: on any error nothing is written.
        Examples:
          sluice convert data/users.csv data/users.jsonl
          sluice convert events.jsonl events.csv --schema user_id:int64
          sluice convert - out.tsv --input-format csv < in.csv
          sluice convert data/orders.csv orders.parquet --compression zstd \\
              --row-group-size 250000
          sluice convert events.csv lake/events/ \\
              --partition-by ds     # lake/events/ds=…/part-0.parquet
        """
    )

    @Argument(help: "The input file (- for standard input).")
    var input: String

    @Argument(help: "The output file (- for standard output).")
    var output: String

    @OptionGroup var writing: OutputOptions

    @Option(name: .long, help: ArgumentHelp("Parquet output: none, snappy (default), gzip, zstd or lz4_raw.", valueName: "codec"))
    var compression: String?

    @Option(name: .long, help: ArgumentHelp("Parquet output: rows per row group (default 1048576).", valueName: "rows"))
    var rowGroupSize: Int?

    @Option(name: .long, help: ArgumentHelp("Write OUTPUT as a Parquet dataset directory, one partition per value of these columns (col=value/ directories, each replaced whole).", valueName: "a,b"))
    var partitionBy: String?

    @OptionGroup var inputOptions: InputOptions

    func run() throws {
        let started = monotonicSeconds()
        if let partitionBy {
            var options = ParquetWriteOptions()
            if let compression { options.compression = try ParquetCompression(name: compression) }
            if let rowGroupSize {
                guard rowGroupSize >= 1 else { throw ValidationError("--row-group-size must be at least 1") }
                options.rowGroupSize = rowGroupSize
            }
            let (table, report) = try TableFile.read(path: input, format: inputOptions.fileFormat(for: input), options: inputOptions.readOptions())
            printReadReport(report, file: input)
            let written = try ParquetPartitionWriter.write(table, partitionedBy: partitionBy.split(separator: ",").map(String.init), under: output, options: options)
            printError("converted \(table.rowCount) rows into \(written.count) partition\(written.count == 1 ? "" : "s") under \(output) in \(formatSeconds(monotonicSeconds() - started))")
            return
        }
        var outputFormat: FileFormat
        outputFormat = try writing.fileFormat(for: output)
        if case .parquet(var options) = outputFormat {
            if let compression { options.compression = try ParquetCompression(name: compression) }
            if let rowGroupSize {
                guard rowGroupSize >= 1 else { throw ValidationError("--row-group-size must be at least 1") }
                options.rowGroupSize = rowGroupSize
            }
            outputFormat = .parquet(options)
        } else if compression != nil || rowGroupSize != nil {
            throw ValidationError("--compression and --row-group-size apply to Parquet output only")
        }
        let summary = try TableFile.convert(input: input, inputFormat: inputOptions.fileFormat(for: input), output: output,
                                            outputFormat: outputFormat, options: inputOptions.readOptions(),
                                            nonFinite: try writing.nonFinite(for: outputFormat))
        let seconds = monotonicSeconds() - started
        printReadReport(summary.report, file: input)
        printNullified(summary.nullifiedNonFinite, output: output)
        if output != "-" {
            printError("converted \(summary.rows) rows × \(summary.schema.count) columns to \(output) (\(formatBytes(summary.bytesWritten))) in \(formatSeconds(seconds))")
        }
    }
}
