import SluiceCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a directory of Parquet files as one table: every `*.parquet` file below it
/// (sorted by path; names starting with `_` or `.` are skipped), with Hive-style
/// partition directories (`ds=2024-06-01/part-0.parquet`) turned into columns after
/// the files' own. A partition column is `int64` when every value is an integer, else
/// `string`; `__HIVE_DEFAULT_PARTITION__` is null; `%XX` escapes are decoded.
///
/// ```swift
/// var reader = try ParquetDatasetReader(path: "lake/orders")
/// while let batch = try reader.next() { print(batch.rowCount) }
/// ```
public struct ParquetDatasetReader: TableReader {
    public let schema: Schema
    public private(set) var report = ReadReport()
    private let files: [(path: String, partitions: [String: String?])]
    private let partitionFields: [Field]
    private let options: ReadOptions
    private var fileIndex = 0
    private var current: ParquetReader?
    /// A batch read but not yet handed out (it would have overfilled the last one).
    private var pendingPart: Table?

    /// Whether `path` names a directory (then it is read as a dataset).
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Lists the dataset under `path` and reads the first file's footer for the schema.
    ///
    /// - Throws: ``FormatError`` `.io` for an empty or unreadable directory,
    ///   `.corruptFile` when files disagree on their columns or partitions.
    public init(path: String, options: ReadOptions = ReadOptions()) throws {
        var found: [(String, [String: String?])] = []
        try Self.collect(path, partitions: [:], depth: 0, into: &found)
        found.sort { $0.0 < $1.0 }
        guard let first = found.first else {
            throw FormatError(.io, file: path, message: "the directory holds no .parquet files",
                              hint: "point at a Parquet file, or a directory of them (Hive partitions like ds=2024-06-01/ are columns)")
        }
        let keys = Array(first.1.keys).sorted()
        for (file, partitions) in found where Array(partitions.keys).sorted() != keys {
            throw FormatError(.corruptFile, file: file, message: "its partition directories (\(partitions.keys.sorted().joined(separator: ", "))) differ from \(first.0)'s (\(keys.joined(separator: ", ")))",
                              hint: "every file of a dataset sits under the same partition keys")
        }
        // Partition columns in the order the first file's path names them.
        let order = first.0.split(separator: "/").compactMap { segment -> String? in
            guard let eq = segment.firstIndex(of: "=") else { return nil }
            return Self.unescape(String(segment[..<eq]))
        }.filter { keys.contains($0) }
        var fields: [Field] = []
        for key in order where !fields.contains(where: { $0.name == key }) {
            let values = found.compactMap { $0.1[key] ?? nil }
            let isInteger = !values.isEmpty && values.allSatisfy { value in
                var text = value
                return text.withUTF8 { ScalarParser.int64($0.baseAddress!, $0.count) } != nil
            }
            fields.append(Field(key, isInteger ? .int64 : .string))
        }
        var fileOptions = options
        let wanted = options.columns
        if let wanted { fileOptions.columns = wanted.filter { name in !fields.contains { $0.name == name } } }
        let probe = try ParquetReader(path: first.0, options: fileOptions)
        let selectedPartitions = fields.filter { wanted?.contains($0.name) ?? true }
        for field in selectedPartitions where probe.schema.field(named: field.name) != nil {
            throw FormatError(.corruptFile, file: first.0, message: "column \"\(field.name)\" is both in the file and a partition directory",
                              hint: "rename the partition key or the column")
        }
        schema = Schema(probe.schema.fields + selectedPartitions)
        partitionFields = selectedPartitions
        files = found.map { ($0.0, $0.1) }
        self.options = fileOptions
        report.notes = probe.report.notes
    }

    /// The next batch: at most the batch size, gathered across files when they are small.
    public mutating func next() throws -> Table? {
        var parts: [Table] = []
        var rows = 0
        if let part = pendingPart {
            parts = [part]
            rows = part.rowCount
            pendingPart = nil
        }
        while rows < Swift.max(options.batchSize, 1) {
            if current == nil {
                guard fileIndex < files.count else { break }
                let reader = try ParquetReader(path: files[fileIndex].path, options: options)
                let expected = Schema(Array(schema.fields.prefix(schema.count - partitionFields.count)))
                guard reader.schema == expected else {
                    throw FormatError(.corruptFile, file: files[fileIndex].path,
                                      message: "its columns (\(reader.schema)) differ from the dataset's first file (\(expected))",
                                      hint: "every file of a dataset has the same columns and types; rewrite the odd one")
                }
                current = reader
            }
            if let batch = try current!.next() {
                let part = try withPartitions(batch, file: files[fileIndex])
                if rows + part.rowCount > options.batchSize && !parts.isEmpty {
                    // Keep the batch bounded: hand this file's batch out next time.
                    pendingPart = part
                    break
                }
                parts.append(part)
                rows += part.rowCount
                continue
            }
            current = nil
            fileIndex += 1
        }
        guard !parts.isEmpty else { return nil }
        let table = parts.count == 1 ? parts[0] : try Table.concatenating(parts)
        report.rows += table.rowCount
        return table
    }

    /// The whole dataset as one table.
    public static func readTable(path: String, options: ReadOptions = ReadOptions()) throws -> (Table, ReadReport) {
        var options = options
        options.batchSize = Int.max
        var reader = try ParquetDatasetReader(path: path, options: options)
        var batches: [Table] = []
        while let batch = try reader.next() { batches.append(batch) }
        let table = batches.isEmpty ? Table(emptyWith: reader.schema) : try Table.concatenating(batches)
        return (table, reader.report)
    }

    private func withPartitions(_ batch: Table, file: (path: String, partitions: [String: String?])) throws -> Table {
        var columns = batch.columns
        for field in partitionFields {
            var builder = ColumnBuilder(type: field.type, capacity: batch.rowCount)
            let value = file.partitions[field.name] ?? nil
            for _ in 0..<batch.rowCount {
                guard let value else { builder.appendNull(); continue }
                if field.type == .int64 {
                    var text = value
                    builder.append(int64: text.withUTF8 { ScalarParser.int64($0.baseAddress!, $0.count) }!)
                } else {
                    builder.append(string: value)
                }
            }
            columns.append(builder.finish())
        }
        return try Table(schema: schema, columns: columns)
    }

    private static func collect(_ directory: String, partitions: [String: String?], depth: Int,
                                into found: inout [(String, [String: String?])]) throws {
        guard depth < 32 else { throw FormatError(.io, file: directory, message: "directories nested deeper than 32 levels") }
        guard let handle = opendir(directory) else {
            throw FormatError(.io, file: directory, message: "cannot list the directory: \(String(cString: strerror(errno)))")
        }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
            if !name.hasPrefix(".") && !name.hasPrefix("_") { names.append(name) }
        }
        closedir(handle)
        for name in names.sorted() {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            if isDirectory(path) {
                var inner = partitions
                if let eq = name.firstIndex(of: "=") {
                    let key = unescape(String(name[..<eq])), value = unescape(String(name[name.index(after: eq)...]))
                    inner[key] = value == "__HIVE_DEFAULT_PARTITION__" ? .some(nil) : .some(value)
                }
                try collect(path, partitions: inner, depth: depth + 1, into: &found)
            } else if name.lowercased().hasSuffix(".parquet") || name.lowercased().hasSuffix(".pq") {
                found.append((path, partitions))
            }
        }
    }

    /// `%XX` escapes decoded (Hive and pyarrow escape `/`, `=`, `%` and the like).
    static func unescape(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.first {
            utf8 = utf8.dropFirst()
            if byte == UInt8(ascii: "%"), utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
