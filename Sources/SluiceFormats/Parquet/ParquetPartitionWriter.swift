import CSluiceSupport
import SluiceCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a table as one partition directory of a dataset — a path ending in `/`,
/// such as `out/ds=2024-06-01/` — replacing whatever the directory held, all at once.
///
/// The rows go to `part-0.parquet` inside a staging directory beside the target
/// (through ``ParquetWriter``, so the file is complete and synced), and the staging
/// directory then takes the target's place in one `renameat2(RENAME_EXCHANGE)` (or a
/// plain rename when there was no target): readers see the old partition or the new
/// one, never a mix, and a rerun of the same date replaces exactly that partition.
///
/// ```swift
/// try ParquetPartitionWriter.write(table, to: "lake/orders/ds=2024-06-01/")
/// ```
public enum ParquetPartitionWriter {
    /// Writes `table` as the partition directory `path` (trailing `/` optional).
    ///
    /// - Throws: ``FormatError`` `.io` when a directory cannot be made or swapped.
    public static func write(_ table: Table, to path: String, options: ParquetWriteOptions = ParquetWriteOptions()) throws {
        var target = path
        while target.count > 1 && target.hasSuffix("/") { target.removeLast() }
        let slash = target.lastIndex(of: "/")
        let parent = slash.map { String(target[..<$0]) } ?? "."
        let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
        try makeDirectories(parent.isEmpty ? "/" : parent, for: path)
        let staging = (parent.isEmpty ? "" : parent) + "/.\(name).sluice-tmp-\(getpid())"
        try removeTree(staging)
        guard mkdir(staging, 0o755) == 0 else {
            throw FormatError(.io, file: path, message: "cannot create the staging directory \(staging): \(String(cString: strerror(errno)))")
        }
        do {
            var writer = ParquetWriter(output: try OutputFile(path: staging + "/part-0.parquet"), options: options)
            try writer.write(table)
            try writer.finish()
            if access(target, F_OK) == 0 {
                guard sluice_rename_exchange(staging, target) == 0 else {
                    throw FormatError(.io, file: path, message: "cannot swap the new partition into place: \(String(cString: strerror(errno)))",
                                      hint: "the file system must support renameat2(RENAME_EXCHANGE) (ext4, xfs, btrfs, tmpfs do)")
                }
            } else {
                guard rename(staging, target) == 0 else {
                    throw FormatError(.io, file: path, message: "cannot move the new partition into place: \(String(cString: strerror(errno)))")
                }
            }
            try removeTree(staging)   // the old partition, after an exchange
        } catch {
            try? removeTree(staging)
            throw error
        }
    }

    /// Splits `table` by the values of `columns` and writes each group as the partition
    /// `root/col=value/…/` (the partition columns themselves are left out of the files, as
    /// Hive does; null is `__HIVE_DEFAULT_PARTITION__`, `/ = % ` and control characters are
    /// `%XX`-escaped). Returns the partition directories written, in first-seen order.
    ///
    /// - Throws: ``FormatError`` `.unknownColumn` for a column the table lacks, `.io`.
    @discardableResult
    public static func write(_ table: Table, partitionedBy columns: [String], under root: String,
                             options: ParquetWriteOptions = ParquetWriteOptions()) throws -> [String] {
        var keyColumns: [Column] = []
        for name in columns {
            guard let column = table.column(named: name) else {
                throw FormatError(.unknownColumn, file: root, message: "no column \"\(name)\" to partition by (columns: \(table.schema.names.joined(separator: ", ")))",
                                  hint: suggestion(for: name, among: table.schema.names).map { "did you mean `\($0)`?" })
            }
            keyColumns.append(column)
        }
        let rest = table.schema.names.filter { !columns.contains($0) }
        let data = try table.selecting(rest)
        // Rows are grouped by the bytes of their key values (no String per row); each
        // group's directory is spelled once, from its first row.
        let groups = BytesHashMap()
        var rows: [[Int]] = []
        var key: [UInt8] = []
        for row in 0..<table.rowCount {
            key.removeAll(keepingCapacity: true)
            for column in keyColumns {
                if column.isNull(row) { key.append(0); continue }
                key.append(1)
                column.appendKeyBytes(row: row, to: &key)
            }
            let (group, inserted) = key.withUnsafeBufferPointer { groups.insert($0) }
            if inserted { rows.append([]) }
            rows[group].append(row)
        }
        let order = rows.map { selected in
            zip(columns, keyColumns).map { name, column in
                let value = column.unsafeValue(at: selected[0])
                return escape(name) + "=" + (value.isNull ? "__HIVE_DEFAULT_PARTITION__" : escape(value.description)) + "/"
            }.joined()
        }
        var base = root
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        for (path, selected) in zip(order, rows) {
            let part = try Table(schema: data.schema, columns: data.columns.map { $0.gathering(selected) })
            try write(part, to: base + "/" + path, options: options)
        }
        return order.map { base + "/" + $0 }
    }

    /// `%XX` for the bytes a path segment cannot hold as they are.
    static func escape(_ text: String) -> String {
        var out: [UInt8] = []
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "%")
                || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: ":") {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func makeDirectories(_ directory: String, for path: String) throws {
        var built = directory.hasPrefix("/") ? "" : "."
        for part in directory.split(separator: "/") {
            built += "/" + part
            if mkdir(built, 0o755) != 0 && errno != EEXIST {
                throw FormatError(.io, file: path, message: "cannot create directory \(built): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Removes `path` and everything below it (nothing when it does not exist).
    static func removeTree(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            if let handle = opendir(path) {
                var names: [String] = []
                while let entry = readdir(handle) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
                    if name != "." && name != ".." { names.append(name) }
                }
                closedir(handle)
                for name in names { try removeTree(path + "/" + name) }
            }
            guard rmdir(path) == 0 else { throw FormatError(.io, file: path, message: "cannot remove \(path): \(String(cString: strerror(errno)))") }
        } else {
            guard unlink(path) == 0 else { throw FormatError(.io, file: path, message: "cannot remove \(path): \(String(cString: strerror(errno)))") }
        }
    }
}

