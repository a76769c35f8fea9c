import ArgumentParser
import SluiceCore
import SluiceFormats
import SluiceSQL
#if canImport(Glibc)
import Glibc
#endif

struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Run a query on SQLite or PostgreSQL; write the rows to a file.",
        discussion: """
        {{ name }} in the query is a parameter, bound as a value (never pasted into
        the SQL); give each with --param name=value. Rows are read and written in
        batches, so memory stays bounded. ${VAR} in the URL reads the environment;
        passwords are shown as ***.
        Examples:
          sluice extract --from sqlite:source.db --query 'SELECT * FROM users' \\
              --output users.csv
          sluice extract --from 'postgres://app:${PGPASSWORD}@localhost/app' \\
              --query-file users.sql --param ds=2024-01-02 --output users.jsonl
        """
    )

    @Option(name: .long, help: ArgumentHelp("Source: sqlite:path.db or postgres://user@host:port/db.", valueName: "url"))
    var from: String

    @Option(name: .long, help: ArgumentHelp("The query.", valueName: "sql"))
    var query: String?

    @Option(name: .long, help: ArgumentHelp("A file holding the query.", valueName: "file"))
    var queryFile: String?

    @Option(name: .long, help: ArgumentHelp("A query parameter (repeatable).", valueName: "name=value"))
    var param: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the table (- for standard output).", valueName: "file"))
    var output: String?

    @Option(name: .customLong("out"), help: ArgumentHelp("Deprecated spelling of --output.", visibility: .hidden))
    var deprecatedOut: String?

    @OptionGroup var writing: OutputOptions

    /// `--output`, or the deprecated `--out`.
    var out: String { output ?? deprecatedOut ?? "-" }

    func validate() throws {
        guard (query == nil) != (queryFile == nil) else { throw ValidationError("give exactly one of --query and --query-file") }
        for p in param where !p.contains("=") { throw ValidationError("--param must be name=value, not '\(p)'") }
        try requireOutput(output, deprecated: deprecatedOut)
    }

    func run() throws {
        let started = monotonicSeconds()
        let text: String
        if let query { text = query } else {
            guard let contents = readTextFile(queryFile!) else { throw CommandError.usage("cannot read query file", location: ErrorLocation(file: queryFile!)) }
            text = contents
        }
        var parameters: [String: Value] = [:]
        for p in param {
            let eq = p.firstIndex(of: "=")!
            let value = String(p[p.index(after: eq)...])
            // Numbers bind as numbers (SQLite compares by storage class); everything else as text the server converts.
            let parsed: Value = Int64(value).map(Value.int64) ?? (value.contains(".") ? Double(value).map(Value.float64) : nil) ?? .string(value)
            parameters[String(p[..<eq])] = parsed
        }
        let template = try SQLTemplate(text)
        let outputFormat = try writing.fileFormat(for: out)
        let url = try ConnectionURL(from)
        let connection = try SQLConnection(url: url, readOnly: true)
        let rows = try connection.extract(template, parameters: parameters, to: out, format: outputFormat)
        let seconds = monotonicSeconds() - started
        if out != "-" { print("extracted \(rows) rows from \(url) to \(out) in \(formatSeconds(seconds))") } else {
            printError("extracted \(rows) rows from \(url) in \(formatSeconds(seconds))")
        }
    }
}
