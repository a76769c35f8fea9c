import ArgumentParser
import SluiceCore
import SluiceFormats

struct HeadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "head",
        abstract: "Show the first rows of a table file as an aligned table.",
        discussion: """
        Nulls show as ∅, empty strings as "", line breaks inside values as \\n.
        Examples:
          sluice head data/orders.csv
          sluice head data/users.csv -n 5 --width 24
        """
    )

    @Argument(help: "The file to show (CSV, TSV, JSON Lines, .sluice or Parquet; - for standard input).")
    var file: String

    @Option(name: .shortAndLong, help: "Rows to show.")
    var n: Int = 10

    @Option(name: .long, help: "Widest cell, in characters.")
    var width: Int = 40

    @OptionGroup var input: InputOptions

    func validate() throws {
        guard n >= 0 else { throw ValidationError("-n must be 0 or more") }
        guard width >= 3 else { throw ValidationError("--width must be at least 3") }
    }

    func run() throws {
        var reader = try TableFile.openReader(path: file, format: input.fileFormat(for: file), options: input.readOptions(batchSize: max(n, 1)))
        let table = n == 0 ? Table(emptyWith: reader.schema) : try reader.next() ?? Table(emptyWith: reader.schema)
        print(table.prefix(n).formatted(TableFormat(maxRows: n, maxCellWidth: width)))
        printReadReport(reader.report, file: file)
    }
}
