import ArgumentParser
import SluiceCore
import SluiceFormats
import SluiceSQL

struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Run a query on a SQLite database and write the result to a file.",
        discussion: """
        {{ name }} placeholders in the query are bound as parameters (--param name=value),
        never pasted into the SQL. Column types come from the declared types, or from
        the values for expressions such as COUNT(*) and SUM(total).
        Examples:
          sluice extract --from sqlite:source.db --query 'SELECT * FROM users' --out users.csv
          sluice extract --from sqlite:source.db --query-file extract.sql --param ds=2024-01-02 --out day.jsonl
        """
    )

    @Option(name: .long, help: ArgumentHelp("Source database: sqlite:path/to.db (${VAR} is read from the environment).", valueName: "url"))
    var from: String

    @Option(name: .long, help: "The query.")
    var query: String?

    @Option(name: .long, help: ArgumentHelp("A file holding the query.", valueName: "file"))
    var queryFile: String?

    @Option(name: .long, help: ArgumentHelp("A query parameter, name=value (repeatable).", valueName: "name=value"))
    var param: [String] = []

    @Option(name: .long, help: ArgumentHelp("Output file (CSV, TSV or JSON Lines by extension; - for standard output as CSV).", valueName: "file"))
    var out: String

    func validate() throws {
        guard (query == nil) != (queryFile == nil) else { throw ValidationError("give exactly one of --query and --query-file") }
        for p in param where !p.contains("=") { throw ValidationError("--param takes name=value, not '\(p)'") }
    }

    func run() throws {
        let started = monotonicSeconds()
        let text: String
        if let query {
            text = query
        } else {
            let file = try FileByteSource(path: queryFile!)
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = try chunk.withUnsafeMutableBytes { try file.read(into: $0) }
                if n == 0 { break }
                bytes += chunk[0..<n]
            }
            text = String(decoding: bytes, as: UTF8.self)
        }
        var values: [String: String] = [:]
        for p in param {
            let equals = p.firstIndex(of: "=")!
            values[String(p[..<equals])] = String(p[p.index(after: equals)...])
        }
        let url = try ConnectionURL(from)
        let db = try SQLiteConnection(path: url.path, name: url.description)
        let table = try SQLiteExtractor.extract(try QueryTemplate(text), parameters: values, from: db)
        try TableFile.write(table, to: out, format: out == "-" ? .csv : nil)
        if out != "-" {
            print("extracted \(grouped(table.rowCount)) rows × \(table.columnCount) columns from \(url) to \(out) in \(formatSeconds(monotonicSeconds() - started))")
        }
    }
}
