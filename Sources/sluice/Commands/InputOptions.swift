import ArgumentParser
import SluiceCore
import SluiceFormats
import SluiceQuality

/// How to read input files: the one set of reading options of every command that reads
/// tables (schema, head, convert, scan, load, check, profile, suggest, transform).
struct InputOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Input format: csv, tsv, jsonl, sluice or parquet (default: from the file extension).", valueName: "format"))
    var inputFormat: String?

    @Option(name: .long, help: ArgumentHelp("Column types instead of inference, e.g. id:int64,email:string (others are still inferred).", valueName: "name:type,..."))
    var schema: String?

    @Option(name: .long, help: ArgumentHelp("Rows sampled to infer types.", valueName: "rows"))
    var inferRows: Int = 65_536

    @Option(name: .long, help: ArgumentHelp("Rows that cannot be read: error, skip (leave out, counted) or pad (CSV: fill missing fields with null).", valueName: "policy"))
    var badRows: String = "error"

    @Option(name: .long, help: ArgumentHelp("CSV field delimiter (one character; \\t for tab).", valueName: "char"))
    var delimiter: String?

    @Flag(name: .long, help: "CSV: read quotes as ordinary characters.")
    var noQuote = false

    @Flag(name: .long, help: "CSV: the first row is data, not column names (columns are named column_1, column_2, …).")
    var noHeader = false

    @Option(name: .customLong("null"), help: ArgumentHelp("CSV: an unquoted text read as null, besides the empty field (repeatable), e.g. --null NULL --null NA.", valueName: "text"))
    var nullTokens: [String] = []

    func validate() throws {
        guard inferRows >= 1 else { throw ValidationError("--infer-rows must be at least 1") }
        try requireChoice(badRows, among: BadRowPolicy.allCases.map(\.rawValue), for: "--bad-rows")
        if let delimiter, Self.delimiterByte(delimiter) == nil {
            throw ValidationError("--delimiter must be one ASCII character (or \\t), not '\(delimiter)'")
        }
    }

    static func delimiterByte(_ text: String) -> UInt8? {
        if text == "\\t" || text == "tab" { return 9 }
        let bytes = Array(text.utf8)
        guard bytes.count == 1, bytes[0] < 0x80 else { return nil }
        return bytes[0]
    }

    /// The format for `path`: `--input-format`, else `named` (a suite's `format:`), else
    /// the extension; CSV dialect flags applied.
    func fileFormat(for path: String, named: String? = nil) throws -> FileFormat {
        var format: FileFormat
        if let name = inputFormat ?? named {
            format = try FileFormat(name: name)
        } else if path == "-" {
            format = .csv
        } else if ParquetDatasetReader.isDirectory(path) {
            format = .parquet   // a directory of Parquet files, Hive partitions as columns
        } else {
            format = try FileFormat(path: path)
        }
        if case .csv(var dialect) = format {
            if let delimiter, let byte = Self.delimiterByte(delimiter) { dialect.delimiter = byte }
            if noQuote { dialect.quote = nil }
            if noHeader { dialect.hasHeader = false }
            dialect.nullTokens = nullTokens
            format = .csv(dialect)
        }
        return format
    }

    /// `path` read the way these options say, as a quality dataset (check, profile, suggest).
    func dataset(path: String) throws -> DatasetSpec {
        var dataset = DatasetSpec(path: path, format: inputFormat, schema: schema)
        try apply(to: &dataset)
        return dataset
    }

    /// These options on a file dataset (one a suite names): its own `format:` and `schema:`
    /// unless the command line gives them.
    func apply(to dataset: inout DatasetSpec) throws {
        guard dataset.connection == nil else { return }
        if let schema { dataset.schema = schema }
        dataset.fileFormat = try fileFormat(for: dataset.path, named: dataset.format)
        dataset.badRows = BadRowPolicy(rawValue: badRows) ?? .error
        dataset.inferenceRows = inferRows
    }

    func readOptions(batchSize: Int = 65_536) throws -> ReadOptions {
        ReadOptions(schemaOverride: try schema.map { try Schema(parsing: $0) }, inferenceRows: inferRows,
                    batchSize: batchSize, badRows: BadRowPolicy(rawValue: badRows) ?? .error)
    }
}

/// Prints what a reader skipped, padded or widened, on standard error.
func printReadReport(_ report: ReadReport, file: String) {
    let file = file == "-" ? "<stdin>" : file
    for note in report.notes { printError("note: \(note)") }
    if report.skippedRows > 0 { printError("warning: \(file): skipped \(report.skippedRows) unreadable row\(report.skippedRows == 1 ? "" : "s")") }
    if report.paddedRows > 0 { printError("warning: \(file): padded or cut \(report.paddedRows) row\(report.paddedRows == 1 ? "" : "s") with the wrong number of fields") }
    for sample in report.samples { printError("  \(sample.description.split(separator: "\n").first ?? "")") }
}
