import ArgumentParser
import SluiceCore
import SluiceFormats
import SluiceTransform

struct TransformCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transform",
        abstract: "Apply transform steps (derive, filter, join, aggregate, …) to a table.",
        discussion: """
        Steps come from a YAML file (--steps) and/or one-off --step options, applied
        in that order. OUTPUT is written only when every step succeeded.
        Examples:
          sluice transform users.csv out.csv --steps steps.yaml
          sluice transform orders.csv big.csv --step 'filter: total >= 100'
          sluice transform users.csv out.jsonl \\
              --step 'derive: { email: "lower(trim(email))" }'
        """
    )

    @Argument(help: "The input file.")
    var input: String

    @Argument(help: "The output file (- for standard output).")
    var output: String

    @Option(name: .long, help: ArgumentHelp("A YAML file with a list of steps.", valueName: "file"))
    var steps: String?

    @Option(name: .long, help: ArgumentHelp("One step as `name: settings` (repeatable), e.g. 'filter: total >= 0'.", valueName: "step"))
    var step: [String] = []

    @OptionGroup var writing: OutputOptions

    @OptionGroup var inputOptions: InputOptions

    func validate() throws {
        if steps == nil && step.isEmpty { throw ValidationError("give --steps FILE or at least one --step") }
    }

    func run() throws {
        let started = monotonicSeconds()
        #if canImport(Glibc)
        // Steps allocate and free many row-sized index arrays. By default glibc serves each
        // from a fresh mapping and unmaps it on free, so every one pays for zeroed pages
        // again (the dominant cost on these VMs); keep freed memory in the heap for reuse.
        _ = glibcMallopt(-3 /* M_MMAP_THRESHOLD */, 1 << 30)
        _ = glibcMallopt(-1 /* M_TRIM_THRESHOLD */, 1 << 30)
        #endif
        var transform = Transform([])
        if let steps {
            guard let text = readTextFile(steps) else { throw CommandError.usage("cannot read steps file", location: ErrorLocation(file: steps)) }
            let directory = steps.contains("/") ? String(steps[..<steps.lastIndex(of: "/")!]) : "."
            transform.steps += try Transform(yaml: text, file: steps, baseDirectory: directory).steps
        }
        for text in step { transform.steps += try Transform(oneStep: text).steps }
        var readOptions = try inputOptions.readOptions()
        // A leading filter lets a Parquet input skip row groups its statistics rule out.
        if case .filter(let text)? = transform.steps.first { readOptions.rowGroupFilter = RowGroupFilter(filter: text) }
        let (table, report) = try TableFile.read(path: input, format: inputOptions.fileFormat(for: input), options: readOptions)
        printReadReport(report, file: input)
        // Problems found before touching rows (names, types) are usage errors; the rest are
        // data errors: the error's category decides the exit status.
        let result = try transform.apply(to: table)
        let format = try writing.fileFormat(for: output)
        let nullified = try TableFile.write(result, to: output, format: format, nonFinite: try writing.nonFinite(for: format))
        printNullified(nullified, output: output)
        if output != "-" {
            printError("transformed \(table.rowCount) rows into \(result.rowCount) rows × \(result.columnCount) columns in \(output) in \(formatSeconds(monotonicSeconds() - started))")
        }
    }
}

/// The whole of a small text file, or nil.
func readTextFile(_ path: String) -> String? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = fread(&chunk, 1, chunk.count, file)
        if n <= 0 { break }
        bytes += chunk[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}

#if canImport(Glibc)
import Glibc

/// glibc's `mallopt(3)`, which the Glibc module does not export (it lives in <malloc.h>).
@_silgen_name("mallopt")
func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
