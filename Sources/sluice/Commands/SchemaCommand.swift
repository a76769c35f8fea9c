import ArgumentParser
import SluiceCore
import SluiceFormats
import SluiceObserve

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the columns and types of a table file.",
        discussion: """
        Types are inferred from the first rows (--infer-rows) unless given with
        --schema.
        Examples:
          sluice schema data/users.csv
          sluice schema events.jsonl --format json
          sluice schema orders.csv --schema total:float64
        """
    )

    @Argument(help: "The file to inspect (CSV, TSV, JSON Lines, .sluice or Parquet; - for standard input).")
    var file: String

    @OptionGroup var input: InputOptions

    @OptionGroup var output: OutputFormatOption

    func run() throws {
        let reader = try TableFile.openReader(path: file, format: input.fileFormat(for: file), options: input.readOptions(batchSize: 1))
        let schema = reader.schema
        if output.isJSON {
            let fields = schema.fields.map { JSONValue.object([("name", .string($0.name)), ("type", .string($0.type.description))]) }
            print(JSONValue.object([("file", .string(file)), ("columns", .array(fields))]).rendered())
            return
        }
        print("\(file): \(schema.count) column\(schema.count == 1 ? "" : "s")")
        let width = schema.names.map(displayWidth).max() ?? 0
        for field in schema.fields {
            print("  \(field.name.padding(to: width))  \(field.type)")
        }
        print("--schema \(schema.compactDescription)")
    }
}
