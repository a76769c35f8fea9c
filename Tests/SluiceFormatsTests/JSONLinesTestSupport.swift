import SluiceCore
import Testing
@testable import SluiceFormats
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Seeded randomness for reproducible tests.
typealias JSONLinesRandom = SplitMix64

/// Everything a reader produced: all batches concatenated, their sizes, the schema and report.
struct JSONLinesReadResult {
    var table: Table
    var batchSizes: [Int]
    var schema: Schema
    var report: ReadReport
}

func readJSONLines(_ bytes: [UInt8], chunkSizes: [Int] = [], options: JSONLinesReadOptions = .init()) throws -> JSONLinesReadResult {
    var reader = try JSONLinesReader(source: MemoryByteSource(bytes, chunkSizes: chunkSizes, name: "in.jsonl"), options: options)
    var batches: [Table] = []
    while let batch = try reader.next() { batches.append(batch) }
    #expect(try reader.next() == nil)
    let table = batches.isEmpty ? Table(emptyWith: reader.schema) : try Table.concatenating(batches)
    return JSONLinesReadResult(table: table, batchSizes: batches.map(\.rowCount), schema: reader.schema, report: reader.report)
}

func readJSONLines(_ text: String, chunkSizes: [Int] = [], options: JSONLinesReadOptions = .init()) throws -> JSONLinesReadResult {
    try readJSONLines(Array(text.utf8), chunkSizes: chunkSizes, options: options)
}

/// The error reading `bytes` throws, or `nil` when it reads cleanly.
func jsonLinesError(_ bytes: [UInt8], options: JSONLinesReadOptions = .init()) -> FormatError? {
    do {
        _ = try readJSONLines(bytes, options: options)
        return nil
    } catch let error as FormatError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

func jsonLinesError(_ text: String, options: JSONLinesReadOptions = .init()) -> FormatError? {
    jsonLinesError(Array(text.utf8), options: options)
}

/// A fresh path in the temporary directory.
func jsonLinesTemporaryPath(_ name: String) -> String {
    "/tmp/sluice-jsonl-tests-\(getpid())-\(UInt64.random(in: 0...UInt64.max))-\(name)"
}

/// The bytes a ``JSONLinesWriter`` writes for `tables`.
func writeJSONLines(_ tables: [Table], nonFinite: JSONLinesWriter.NonFiniteFloats = .strings,
                    nullified: UnsafeMutablePointer<Int>? = nil) throws -> [UInt8] {
    let path = jsonLinesTemporaryPath("out.jsonl")
    defer { unlink(path) }
    var writer = JSONLinesWriter(output: try OutputFile(path: path), nonFinite: nonFinite)
    for table in tables { try writer.write(table) }
    try writer.finish()
    nullified?.pointee = writer.nullifiedNonFinite
    let source = try FileByteSource(path: path)
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
        if n == 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
    }
    return bytes
}

func writeJSONLinesText(_ tables: [Table]) throws -> String {
    String(decoding: try writeJSONLines(tables), as: UTF8.self)
}
