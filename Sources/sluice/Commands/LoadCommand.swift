import ArgumentParser
import SluiceCore
import SluiceFormats
import SluiceSQL

struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load a table file into a SQLite table, in one transaction.",
        discussion: """
        The table is created when missing; new columns are added (--on-schema-change add) or
        refused (fail). Every mode commits all rows or none. Rerunning an upsert or a
        replace_partition load leaves the same table as running it once.
        Modes:
          append             insert the rows
          replace            build the new contents in a staging table, then swap it in
          upsert             insert, or update the row with the same --key
          replace_partition  delete the rows of --partition col=value, then insert
        Examples:
          sluice load data/users.csv --to sqlite:warehouse.db --table users
          sluice load out/user_analytics.csv --to sqlite:warehouse.db --table user_analytics --mode upsert --key id
          sluice load day.csv --to 'sqlite:${WAREHOUSE}' --table events --mode replace_partition --partition ds=2024-01-02
        """
    )

    @Argument(help: "The file to load (CSV, TSV or JSON Lines; - for standard input).")
    var file: String

    @Option(name: .long, help: ArgumentHelp("Destination database: sqlite:path/to.db (${VAR} is read from the environment).", valueName: "url"))
    var to: String

    @Option(name: .long, help: "Destination table.")
    var table: String

    @Option(name: .long, help: ArgumentHelp("append, replace, upsert or replace_partition.", valueName: "mode"))
    var mode: String = "append"

    @Option(name: .long, help: ArgumentHelp("Key columns for upsert, comma-separated.", valueName: "columns"))
    var key: String?

    @Option(name: .long, help: ArgumentHelp("The partition replace_partition replaces: column=value.", valueName: "column=value"))
    var partition: String?

    @Option(name: .long, help: ArgumentHelp("When the data has columns the table lacks: add or fail.", valueName: "policy"))
    var onSchemaChange: String = "add"

    @OptionGroup var input: InputOptions

    func validate() throws {
        guard LoadMode(rawValue: mode) != nil else {
            let names = LoadMode.allCases.map(\.rawValue)
            throw ValidationError("--mode must be one of \(names.joined(separator: ", ")), not '\(mode)'"
                                  + (suggestion(for: mode, among: names).map { " (did you mean '\($0)'?)" } ?? ""))
        }
        guard SchemaChangePolicy(rawValue: onSchemaChange) != nil else {
            throw ValidationError("--on-schema-change must be add or fail, not '\(onSchemaChange)'")
        }
        if let partition, !partition.contains("=") {
            throw ValidationError("--partition takes column=value, e.g. ds=2024-01-02")
        }
    }

    func run() throws {
        let started = monotonicSeconds()
        let url = try ConnectionURL(to)
        var options = LoadOptions(mode: LoadMode(rawValue: mode)!, onSchemaChange: SchemaChangePolicy(rawValue: onSchemaChange)!)
        options.key = key.map { $0.split(separator: ",").map { String($0).trimmingCharacters() } } ?? []
        if let partition, let equals = partition.firstIndex(of: "=") {
            options.partition = (String(partition[..<equals]), String(partition[partition.index(after: equals)...]))
        }
        var reader = try TableFile.openReader(path: file, format: input.fileFormat(for: file), options: input.readOptions())
        let db = try SQLiteConnection(path: url.path, name: url.description)
        let summary = try SQLiteLoader.load(from: &reader, into: db, table: table, options: options)
        printReadReport(reader.report, file: file)
        var notes: [String] = []
        if summary.createdTable { notes.append("created the table") }
        if !summary.addedColumns.isEmpty { notes.append("added columns \(summary.addedColumns.joined(separator: ", "))") }
        if summary.deletedRows > 0 { notes.append("replaced \(summary.deletedRows) rows") }
        let suffix = notes.isEmpty ? "" : " (\(notes.joined(separator: "; ")))"
        print("loaded \(grouped(summary.rows)) rows into \(table) at \(url) with \(mode) in \(formatSeconds(monotonicSeconds() - started))\(suffix)")
    }
}

extension String {
    /// Without leading and trailing spaces.
    func trimmingCharacters() -> String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
