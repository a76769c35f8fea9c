import ArgumentParser
import SluiceCore
import SluiceFormats
import SluiceObserve

struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Read whole files; report rows, nulls and numeric sums per column.",
        discussion: """
        Every value is parsed and checked, so scan doubles as a validator: it exits 1
        with the file, line and column of the first malformed value. Several files are
        read in parallel.
        Examples:
          sluice scan data/users.csv data/orders.csv
          sluice scan data/orders.csv --format json
          sluice scan data/orders.parquet --columns id,total
        """
    )

    @Argument(help: "Files to read (CSV, TSV, JSON Lines, .sluice or Parquet).")
    var files: [String]

    @OptionGroup var input: InputOptions

    @OptionGroup var output: OutputFormatOption

    @Option(name: .long, help: ArgumentHelp("Read only these columns (Parquet reads nothing else from disk; CSV skips the others while parsing).", valueName: "a,b,..."))
    var columns: String?

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one file to scan") }
    }

    func run() async throws {
        let started = monotonicSeconds()
        // Files read at once already share the cores: split only files larger than
        // an even share, so the biggest one does not finish last on its own.
        let sizes = files.map { (try? FileByteSource(path: $0))?.size ?? 0 }
        let share = sizes.reduce(0, +) / activeProcessorCount()
        let jobs = try files.enumerated().map { index, file in
            var options = try input.readOptions()
            options.columns = columns.map { $0.split(separator: ",").map { String($0) } }
            if files.count > 1 { options.splitThreshold = Swift.max(CSVReader.parallelThreshold, share) }
            return (file, try input.fileFormat(for: file), options)
        }
        let results = try await withThrowingTaskGroup(of: (Int, FileScan).self) { group in
            for (index, job) in jobs.enumerated() {
                group.addTask {
                    let (table, report) = try TableFile.read(path: job.0, format: job.1, options: job.2)
                    return (index, FileScan(file: job.0, table: table, report: report))
                }
            }
            var results = [FileScan?](repeating: nil, count: jobs.count)
            for try await (index, scan) in group { results[index] = scan }
            return results.compactMap { $0 }
        }
        for scan in results {
            printReadReport(scan.report, file: scan.file)
            print(output.isJSON ? scan.json.rendered() : scan.text)
        }
        if !output.isJSON { print("scanned \(files.count) file\(files.count == 1 ? "" : "s") in \(formatSeconds(monotonicSeconds() - started))") }
    }
}

/// What `scan` learned about one file.
struct FileScan: Sendable {
    var file: String
    var rows: Int
    var columns: [ColumnSummary]
    var report: ReadReport

    init(file: String, table: Table, report: ReadReport) {
        self.file = file
        self.report = report
        rows = table.rowCount
        columns = zip(table.schema.fields, table.columns).map { ColumnSummary(field: $0.0, column: $0.1) }
    }

    var json: JSONValue {
        let cols = columns.map { c in
            var pairs: [(String, JSONValue)] = [("name", .string(c.name)), ("type", .string(c.type.description)), ("nulls", .integer(Int64(c.nulls)))]
            if let sum = c.sum {
                // A decimal sum stays exact text with its scale (as min and max); a double would round it.
                if case .decimal = c.type {
                    pairs.append(("sum", .string(sum)))
                } else {
                    pairs.append(("sum", Int64(sum).map(JSONValue.integer) ?? Double(sum).map(JSONValue.number) ?? .null))
                }
            }
            if let min = c.min { pairs.append(("min", .string(min))) }
            if let max = c.max { pairs.append(("max", .string(max))) }
            return JSONValue.object(pairs)
        }
        return .object([("file", .string(file)), ("rows", .integer(Int64(rows))), ("columns", .array(cols))])
    }

    var text: String {
        var lines = ["\(file): \(rows) rows × \(columns.count) columns"]
        let width = columns.map { displayWidth($0.name) }.max() ?? 0
        for c in columns {
            var line = "  \(c.name.padding(to: width))  \(c.type.description.padding(to: 9))  nulls \(c.nulls)"
            if let min = c.min, let max = c.max { line += "  min \(min)  max \(max)" }
            if let sum = c.sum { line += "  sum \(sum)" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
