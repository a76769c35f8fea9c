import ArgumentParser
import SluiceCore
import SluiceFormats
import SluiceSQL

struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load a table file into SQLite or PostgreSQL in one transaction.",
        discussion: """
        Modes: append (insert after the existing rows), replace (the table's rows
        become the data's, atomically; --key makes it the primary key of a created
        table), upsert (insert or update on --key, ON CONFLICT … DO UPDATE) and
        replace_partition (delete the rows where --partition col=value, then insert: a
        rerun converges). With --key, in any mode, a key on several rows is an error
        naming them (nothing is written) unless --on-duplicate last or first says
        which row wins. The summary counts rows inserted, updated (a key whose values
        changed) and unchanged (a key whose row held exactly these values), and
        duplicates dropped. The table is created when missing; new columns in the data
        are added as nullable unless --on-schema-change fail. On any error, or if the
        process is killed, the table keeps its old rows. ${VAR} in the URL reads the
        environment; passwords are shown as ***.
        Examples:
          sluice load data/users.csv --to sqlite:warehouse.db --table users \\
              --mode replace
          sluice load users.csv --to 'postgres://app:${PGPASSWORD}@localhost/app' \\
              --table users --mode upsert --key id
          sluice load daily.csv --to sqlite:w.db --table events \\
              --mode replace_partition --partition ds=2024-01-02
          sluice load users.csv --to postgres://app@localhost/app \\
              --table analytics.users --mode replace
        """
    )

    @Argument(help: "The table file to load (CSV, TSV, JSON Lines, .sluice or Parquet).")
    var file: String

    @Option(name: .long, help: ArgumentHelp("Destination: sqlite:path.db or postgres://user@host:port/db.", valueName: "url"))
    var to: String

    @Option(name: .long, help: ArgumentHelp("Destination table: name, or schema.name (SQLite: main.name or an attached database); quote a part holding a dot: '\"my.schema\".name'.", valueName: "name"))
    var table: String

    @Option(name: .long, help: ArgumentHelp("append, replace, upsert or replace_partition.", valueName: "mode"))
    var mode: String = "append"

    @Option(name: .long, help: ArgumentHelp("Key columns, comma-separated: required for upsert; with replace, the created table's primary key; duplicates in any mode follow --on-duplicate.", valueName: "cols"))
    var key: String?

    @Option(name: .long, help: ArgumentHelp("A key on several rows of the data: error (default; names them, writes nothing), last or first (that row wins, the others are dropped).", valueName: "policy"))
    var onDuplicate: String?

    @Option(name: .long, help: ArgumentHelp("The partition replace_partition replaces, e.g. ds=2024-01-02.", valueName: "col=value"))
    var partition: String?

    @Option(name: .long, help: ArgumentHelp("New columns in the data: add (nullable) or fail.", valueName: "policy"))
    var onSchemaChange: String = "add"

    @Option(name: .long, help: ArgumentHelp("PostgreSQL COPY format: auto (binary into new tables, text into existing ones), text or csv.", valueName: "format"))
    var copyFormat: String = "auto"

    @Flag(name: .long, help: "Print the rows loaded so far after each batch, on standard error.")
    var progress = false

    @OptionGroup var inputOptions: InputOptions

    func validate() throws {
        try requireChoice(mode, among: LoadMode.allCases.map(\.rawValue), for: "--mode")
        guard SchemaChangePolicy(rawValue: onSchemaChange) != nil else {
            throw ValidationError("--on-schema-change must be add or fail, not '\(onSchemaChange)'")
        }
        guard CopyFormat(rawValue: copyFormat) != nil else {
            throw ValidationError("--copy-format must be auto, text or csv, not '\(copyFormat)'")
        }
        if let onDuplicate {
            try requireChoice(onDuplicate, among: DuplicatePolicy.allCases.map(\.rawValue), for: "--on-duplicate")
            if key == nil { throw ValidationError("--on-duplicate needs --key (the columns whose repeats it handles)") }
        }
        if let partition, !partition.contains("=") {
            throw ValidationError("--partition must be col=value, e.g. ds=2024-01-02, not '\(partition)'")
        }
        if mode == "upsert" && key == nil { throw ValidationError("--mode upsert needs --key (comma-separated key columns)") }
        if mode == "replace_partition" && partition == nil { throw ValidationError("--mode replace_partition needs --partition col=value") }
    }

    func run() throws {
        let started = monotonicSeconds()
        let url = try ConnectionURL(to)
        var options = LoadOptions(mode: LoadMode(rawValue: mode)!, onSchemaChange: SchemaChangePolicy(rawValue: onSchemaChange)!)
        options.copyFormat = CopyFormat(rawValue: copyFormat)!
        options.onDuplicate = onDuplicate.flatMap(DuplicatePolicy.init(rawValue:)) ?? .error
        options.key = key.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: " ") } } ?? []
        if let partition, let eq = partition.firstIndex(of: "=") {
            options.partition = (String(partition[..<eq]), String(partition[partition.index(after: eq)...]))
        }
        let connection = try SQLConnection(url: url)
        let summary = try connection.load(file: file, format: inputOptions.fileFormat(for: file), readOptions: inputOptions.readOptions(),
                                          into: table, options: options,
                                          progress: progress ? { printError("loaded \($0) rows…") } : nil)
        let seconds = monotonicSeconds() - started
        var notes: [String] = []
        if summary.createdTable { notes.append("created the table") }
        if !summary.addedColumns.isEmpty { notes.append("added column\(summary.addedColumns.count == 1 ? "" : "s") \(summary.addedColumns.joined(separator: ", "))") }
        print("loaded \(summary.rows) rows into \(table) at \(url) (\(mode): \(summary.counts)\(notes.isEmpty ? "" : "; " + notes.joined(separator: "; "))) in \(formatSeconds(seconds))")
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}
