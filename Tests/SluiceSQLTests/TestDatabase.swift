import Foundation
import SluiceCore
import SluiceSQL

/// The engines the connector conformance suite runs against.
enum TestEngine: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite, postgres
    var description: String { rawValue }
}

struct MissingPostgres: Error, CustomStringConvertible {
    var description: String {
        "SLUICE_TEST_POSTGRES_URL is not set: the PostgreSQL tests need a server. Run them with `make test` "
            + "(or scripts/with-postgres.sh swift test), which starts a throwaway PostgreSQL on 127.0.0.1."
    }
}

/// A fresh database for one test: a temporary SQLite file, or unique table names on the test PostgreSQL.
final class TestDatabase {
    let engine: TestEngine
    let url: ConnectionURL
    let directory: URL
    /// A prefix unique to this test, for table names (PostgreSQL is shared by parallel tests).
    let prefix: String

    init(_ engine: TestEngine) throws {
        self.engine = engine
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-sql-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        prefix = "t" + UUID().uuidString.prefix(8).lowercased() + "_"
        switch engine {
        case .sqlite:
            url = try ConnectionURL("sqlite:" + directory.appendingPathComponent("test.db").path)
        case .postgres:
            guard let text = ProcessInfo.processInfo.environment["SLUICE_TEST_POSTGRES_URL"], !text.isEmpty else { throw MissingPostgres() }
            url = try ConnectionURL(text)
        }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func connect() throws -> SQLConnection { try SQLConnection(url: url) }

    func table(_ name: String) -> String { prefix + name }

    /// All rows of `table`, ordered by `orderBy`.
    func rows(_ connection: SQLConnection, _ table: String, orderBy: String) throws -> Table {
        let d = connection.dialect
        return try connection.extract(SQLTemplate("SELECT * FROM \(d.quote(table)) ORDER BY \(d.quote(orderBy))"))
    }

    func count(_ connection: SQLConnection, _ table: String) throws -> Int {
        let t = try connection.extract(SQLTemplate("SELECT COUNT(*) AS n FROM \(connection.dialect.quote(table))"))
        guard case .int64(let n) = t.columns[0].unsafeValue(at: 0) else { return -1 }
        return Int(n)
    }
}

/// Seeded random tables with every type and nulls; `id` is 0..<rows, never null.
func randomTable(rows: Int, seed: UInt64, nullProbability: Double = 0.2) throws -> Table {
    var rng = SplitMix64(seed: seed)
    let nullThreshold = SplitMix64.threshold(probability: nullProbability)
    var ids: [Int64?] = [], ints: [Int64?] = [], floats: [Double?] = [], bools: [Bool?] = []
    var strings: [String?] = [], dates: [Int32?] = [], stamps: [Int64?] = []
    let pieces = ["a", "Zoë", "tab\there", "new\nline", "back\\slash", "quote\"d", "it's", "", " ", "日本", "comma,", "\\N"]
    for row in 0..<rows {
        ids.append(Int64(row))
        ints.append(rng.chance(nullThreshold) ? nil : Int64(bitPattern: rng.next()) >> Int64(rng.next(below: 63)))
        floats.append(rng.chance(nullThreshold) ? nil : (rng.nextUnit() - 0.5) * pow(10, Double(rng.next(below: 20)) - 5))
        bools.append(rng.chance(nullThreshold) ? nil : rng.next(below: 2) == 1)
        strings.append(rng.chance(nullThreshold) ? nil : (0..<rng.next(below: 4)).map { _ in pieces[rng.next(below: pieces.count)] }.joined())
        dates.append(rng.chance(nullThreshold) ? nil : Int32(rng.next(below: 40_000)) - 10_000)
        stamps.append(rng.chance(nullThreshold) ? nil : Int64(rng.next(below: 4_000_000_000)) * 1_000_000 + Int64(rng.next(below: 1_000_000)) - 1_000_000_000_000_000)
    }
    return try Table([
        ("id", Column(int64: ids)), ("i", Column(int64: ints)), ("f", Column(float64: floats)), ("b", Column(bool: bools)),
        ("s", Column(string: strings)), ("d", Column(date: dates)), ("ts", Column(timestamp: stamps)),
    ])
}

/// Locates the built `sluice` binary next to the test bundle (or `$SLUICE_BIN`).
var sluiceBinary: URL {
    if let path = ProcessInfo.processInfo.environment["SLUICE_BIN"] { return URL(fileURLWithPath: path) }
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = directory.appendingPathComponent("sluice")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        directory = directory.deletingLastPathComponent()
    }
    return directory.appendingPathComponent("sluice")
}
