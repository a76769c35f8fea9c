import ArgumentParser
import SluiceCore
import SluiceFormats

/// How to write output tables: the one set of writing options of every command that
/// writes a table file (convert, transform, extract).
struct OutputOptions: ParsableArguments {
    enum NonFinite: String, ExpressibleByArgument, CaseIterable { case string, null }

    @Option(name: .long, help: ArgumentHelp("Output format: csv, tsv, jsonl, sluice or parquet (default: from the output extension).", valueName: "format"))
    var outputFormat: String?

    @Option(name: .long, help: ArgumentHelp("JSON Lines output: NaN and ±infinity as strings (\"NaN\", \"Infinity\"; the default, lossless) or as null (the count is printed).", valueName: "string|null"))
    var nan: NonFinite = .string

    /// The format to write `path` in: `--output-format`, else the extension (CSV for `-`).
    func fileFormat(for path: String) throws -> FileFormat {
        if let outputFormat { return try FileFormat(name: outputFormat) }
        return path == "-" ? .csv : try FileFormat(path: path)
    }

    /// How JSON Lines output writes NaN and ±infinity; `--nan null` on any other format is a usage error.
    func nonFinite(for format: FileFormat) throws -> JSONLinesWriter.NonFiniteFloats {
        guard nan == .null else { return .strings }
        guard case .jsonLines = format else {
            throw CommandError.usage("--nan null applies to JSON Lines output, not \(format)",
                                     hint: "drop --nan, or write .jsonl (--output-format jsonl)")
        }
        return .null
    }
}

/// Says on standard error how many values `--nan null` changed (nothing is lost silently).
func printNullified(_ count: Int, output: String) {
    guard count > 0 else { return }
    printError("warning: \(output == "-" ? "<stdout>" : output): wrote \(grouped(count)) NaN or infinite value\(count == 1 ? "" : "s") as null (--nan null)")
}

/// `--output`, or its deprecated spelling `--out` (with a warning): one of them is required.
func requireOutput(_ output: String?, deprecated: String?) throws {
    if deprecated != nil {
        guard output == nil else { throw ValidationError("give --output, not both --output and --out") }
        printError("warning: --out is deprecated; use --output")
    } else if output == nil {
        throw ValidationError("missing --output")
    }
}
