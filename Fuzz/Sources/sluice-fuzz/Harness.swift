import CFuzzDriver
import SluiceCore
import SluiceFormats
import SluicePipeline
import SluiceQuality
import SluiceStream
import SluiceTransform
#if canImport(Glibc)
import Glibc
#endif

/// One libFuzzer harness for every reader of untrusted bytes; `SLUICE_FUZZ_TARGET` picks
/// the reader (`make fuzz` runs each over its committed seed corpus). The rule checked is
/// the fuzz tests' rule: every input reads or fails with a Sluice error — anything else
/// (a crash, a trap, another error type) stops the fuzzer with the input saved.
enum Harness {
    static let targets = ["csv", "jsonl", "sluice", "parquet", "record", "pipeline", "suite", "stream", "transform", "expression", "cron"]

    static let target: String = {
        guard let name = getenv("SLUICE_FUZZ_TARGET").map({ String(cString: $0) }), targets.contains(name) else {
            print("sluice-fuzz: set SLUICE_FUZZ_TARGET to one of \(targets.joined(separator: ", "))")
            exit(2)
        }
        return name
    }()

    static let processor: StreamProcessor = try! StreamProcessor(try! StreamSpec(yaml: """
        stream: fuzz
        input: { file: in.jsonl }
        processors:
          - validate: { required: [id], types: { id: int64, amount: float64, day: date } }
          - filter: "amount is null or amount > 0"
        output: { file: out.jsonl }
        dead_letter: { file: dlq.jsonl }
        """))

    /// Reads every batch of `reader`.
    static func drain(_ reader: inout some TableReader) throws -> Int {
        var rows = 0
        while let batch = try reader.next() { rows += batch.rowCount }
        return rows
    }

    /// What reading gave: rows, or the error's code and place (for split invariance).
    static func outcome(_ body: () throws -> Int) -> String {
        do { return "rows \(try body())" } catch let error as FormatError {
            return "\(error.code) \(error.line):\(error.column)"
        } catch {
            fatalError("not a FormatError: \(error)")
        }
    }

    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        /// Spec parsers: any Sluice error is fine, anything else is a finding.
        func spec(_ parse: () throws -> Void) {
            do { try parse() } catch is any SluiceError {} catch { fatalError("not a SluiceError: \(error)") }
        }
        switch target {
        case "csv":
            let whole = outcome { var r = try CSVReader(source: MemoryByteSource(bytes)); return try drain(&r) }
            let split = outcome { var r = try CSVReader(source: MemoryByteSource(bytes, chunkSizes: [3])); return try drain(&r) }
            precondition(whole == split, "CSV read depends on the split: \(whole) vs \(split)")
        case "jsonl":
            let options = JSONLinesReadOptions(inferenceRows: 2, batchSize: 2, badLines: .skip)
            let whole = outcome { var r = try JSONLinesReader(source: MemoryByteSource(bytes), options: options); return try drain(&r) }
            let split = outcome { var r = try JSONLinesReader(source: MemoryByteSource(bytes, chunkSizes: [1]), options: options); return try drain(&r) }
            precondition(whole == split, "JSON Lines read depends on the split: \(whole) vs \(split)")
        case "sluice":
            _ = outcome { var r = try SluiceTableReader(source: MemoryByteSource(bytes)); return try drain(&r) }
        case "parquet":
            _ = outcome { var r = try ParquetReader(source: MemoryByteSource(bytes)); return try drain(&r) }
        case "record":
            let batch = RawBatch(origin: "fuzz", isKafka: true)
            for (i, record) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
                batch.append(Array(record), partition: 0, offset: Int64(i))
            }
            let result = processor.process(batch)
            precondition(result.outputs[0].count + result.deadLetters.count + result.filtered == batch.count, "a record was lost or doubled")
        case "pipeline": spec { _ = try Pipeline.parse(text, file: "/nonexistent/fuzz/pipeline.yaml") }
        case "suite": spec { _ = try SuiteSpec.parse(text, file: "suite.yaml") }
        case "stream": spec { _ = try StreamProcessor(try StreamSpec(yaml: text, file: "stream.yaml", environment: ["KAFKA_BROKERS": "127.0.0.1:1"])) }
        case "transform": spec { _ = try Transform(yaml: text, file: "steps.yaml", loadTable: { _ in Table.empty }) }
        case "expression": spec { _ = try Expression(parsing: text) }
        default: spec { _ = try CronExpression(text).description }
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    Harness.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

/// The executable's entry point: SwiftPM links an executable's `main` as `<module>_main`,
/// so libFuzzer's own `main` is not used; its driver runs the harness.
@_cdecl("sluice_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) }
}
