#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SluiceCore
import SluiceSQL

/// A dataset's identity by the OpenLineage naming spec: a namespace (the data source)
/// and a name unique within it. Credentials never appear in either.
///
/// | source | namespace | name |
/// |---|---|---|
/// | PostgreSQL | `postgres://host:port` | `database.schema.table` |
/// | SQLite | `sqlite:///abs/path/file.db` | `table` (or `schema.table`) |
/// | a file or a Parquet directory | `file` | `/abs/path` |
/// | Kafka | `kafka://host:port` (first bootstrap server) | topic |
/// | a task's table inside a run | `sluice` | `pipeline.task` |
///
/// ```swift
/// let users = try DatasetName.table("users", connection: "postgres://app:secret@db:5433/shop")
/// users.namespace   // "postgres://db:5433"
/// users.name        // "shop.public.users"
/// ```
public struct DatasetName: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// `namespace/name` as one URI-like string.
    public var description: String {
        namespace == "file" ? "file://" + name : namespace + "/" + name
    }

    /// The data source's system: `postgres`, `sqlite`, `file`, `kafka` or `sluice`.
    public var system: String {
        if let colon = namespace.firstIndex(of: ":") { return String(namespace[..<colon]) }
        return namespace
    }

    public static func < (a: DatasetName, b: DatasetName) -> Bool {
        (a.namespace, a.name) < (b.namespace, b.name)
    }

    /// A table behind a connection URL (`${VAR}`s that are not set stay as written).
    ///
    /// - Parameters:
    ///   - table: `name` or `schema.name`.
    ///   - connection: the connection URL as written in the pipeline.
    ///   - baseDirectory: relative SQLite paths resolve against it.
    /// - Throws: ``SQLError`` `.invalidURL` for a URL Sluice cannot read.
    public static func table(_ table: String, connection: String, baseDirectory: String = ".") throws -> DatasetName {
        let url = try ConnectionURL(connection, environment: lenientEnvironment(for: connection))
        let parts = table.split(separator: ".").map { unquoted(String($0)) }
        switch url.engine {
        case .sqlite:
            let path = url.path == ":memory:" ? ":memory:" : absolutePath(url.path, base: baseDirectory)
            return DatasetName(namespace: "sqlite://" + (path.hasPrefix("/") ? "" : "/") + path, name: parts.joined(separator: "."))
        case .postgres:
            var host = url.host ?? "localhost"
            if host.hasPrefix("/") || host.isEmpty { host = "localhost" }   // a socket directory: the local server
            let database = url.database ?? url.user ?? "postgres"
            let qualified = parts.count >= 2 ? parts.suffix(2).joined(separator: ".") : "public." + parts.joined()
            return DatasetName(namespace: "postgres://\(host):\(url.port ?? 5432)", name: database + "." + qualified)
        }
    }

    /// A file or directory, by absolute path.
    public static func file(_ path: String, baseDirectory: String = ".") -> DatasetName {
        DatasetName(namespace: "file", name: absolutePath(path, base: baseDirectory))
    }

    /// A Kafka topic: the namespace is the first bootstrap server.
    public static func kafka(topic: String, brokers: String) -> DatasetName {
        var first = brokers.split(separator: ",").first.map { String($0).trimmingASCIIWhitespace() } ?? "localhost"
        if let scheme = first.range(of: "://") { first = String(first[scheme.upperBound...]) }
        if !first.contains(":") { first += ":9092" }
        return DatasetName(namespace: "kafka://" + first, name: topic)
    }

    /// The table a task leaves for the tasks after it (a run artifact).
    public static func intermediate(pipeline: String, task: String) -> DatasetName {
        DatasetName(namespace: "sluice", name: pipeline + "." + task)
    }

    /// The process environment, with every `${VAR}` of `text` that is unset kept as written.
    static func lenientEnvironment(for text: String) -> [String: String] {
        var environment = ConnectionURL.processEnvironment()
        var rest = Substring(text)
        while let open = rest.range(of: "${"), let close = rest[open.upperBound...].firstIndex(of: "}") {
            let name = String(rest[open.upperBound..<close])
            if environment[name] == nil { environment[name] = "${" + name + "}" }
            rest = rest[rest.index(after: close)...]
        }
        return environment
    }
}

/// `path` made absolute against `base` (see ``FilePaths/absolute(_:base:)``).
func absolutePath(_ path: String, base: String) -> String {
    FilePaths.absolute(path, base: base)
}

/// An SQL identifier without its quotes.
func unquoted(_ name: String) -> String {
    guard name.count >= 2, let first = name.first, let last = name.last,
          (first == "\"" && last == "\"") || (first == "`" && last == "`") || (first == "[" && last == "]") else { return name }
    return String(name.dropFirst().dropLast())
}
