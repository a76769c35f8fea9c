import Foundation
import SluiceCore
@testable import SluiceSQL
import Testing

@Suite("SQLite extraction")
struct SQLiteExtractorTests {
    @Test("a loaded table reads back equal: declared types map back to Sluice types")
    func roundTrip() throws {
        let (db, path) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let table = try Table([
            ("id", Column(int64: [1, 2, nil])),
            ("email", Column(string: ["a@x.io", nil, ""])),
            ("total", Column(float64: [12.5, 100, nil])),
            ("active", Column(bool: [true, nil, false])),
            ("day", Column(date: [19_724, nil, -1])),
            ("seen", Column(timestamp: [1_704_164_645_000_000, nil, 1_704_164_645_250_000])),
        ])
        _ = try SQLiteLoader.load(table, into: db, table: "t", options: LoadOptions())
        let back = try SQLiteExtractor.extract(try QueryTemplate("SELECT * FROM t ORDER BY rowid"), from: db)
        #expect(back == table)
    }

    @Test("expressions are typed from their values; parameters are bound, never pasted")
    func expressionsAndParameters() throws {
        let (db, path) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try db.execute("""
            CREATE TABLE users (id INTEGER, email TEXT, created_at TEXT);
            CREATE TABLE orders (id INTEGER, user_id INTEGER, total REAL);
            INSERT INTO users VALUES (1, 'a@x.io', '2024-01-01'), (2, 'b@x.io', '2024-01-02'), (3, NULL, '2024-01-03');
            INSERT INTO orders VALUES (1, 1, 60.1), (2, 1, 39.9), (3, 2, 5);
            """)
        let query = try QueryTemplate("""
            SELECT u.id, u.email, COUNT(o.id) AS order_count, SUM(o.total) AS total_spent
            FROM users u LEFT JOIN orders o ON u.id = o.user_id
            WHERE u.created_at >= {{ start }} GROUP BY u.id, u.email ORDER BY u.id
            """)
        #expect(query.parameters == ["start"])
        let result = try SQLiteExtractor.extract(query, parameters: ["start": "2024-01-02"], from: db)
        #expect(result.schema.description == "id: int64, email: string, order_count: int64, total_spent: float64")
        #expect(result.rowCount == 2)
        #expect(try result.column("total_spent").allValues == [.float64(5), .null])
        // A hostile value is just a value.
        let none = try SQLiteExtractor.extract(query, parameters: ["start": "x' OR '1'='1"], from: db)
        #expect(none.rowCount == 0)
        #expect(throws: SQLError.self) { _ = try SQLiteExtractor.extract(query, parameters: [:], from: db) }
    }

    @Test("an undeclared column of integers widens to float64 when a real appears, to string when text does")
    func widening() throws {
        let (db, path) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let numbers = try SQLiteExtractor.extract(try QueryTemplate("SELECT 1 AS v UNION ALL SELECT 2.5 UNION ALL SELECT NULL"), from: db)
        #expect(numbers.columns[0].allValues.sorted { $0.description < $1.description } == [.float64(1), .float64(2.5), .null])
        let mixed = try SQLiteExtractor.extract(try QueryTemplate("SELECT 1 AS v UNION ALL SELECT 'x'"), from: db)
        #expect(mixed.columns[0].type == .string)
        #expect(Set(mixed.columns[0].allValues) == [.string("1"), .string("x")])
    }
}
