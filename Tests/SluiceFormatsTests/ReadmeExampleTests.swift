import SluiceCore
import SluiceFormats
import Testing
import SluiceTestSupport

/// The README's library example, kept compiling and true.
@Suite("README library example")
struct ReadmeExampleTests {
    @Test("read a file into typed columns, sum a column, print, read in batches")
    func example() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        _ = try UsersOrdersGenerator(users: 2_000, seed: 42).write(to: directory.path)

        // As in README.md, with the paths pointed at the generated files.
        let (orders, report) = try TableFile.read(path: directory.file("orders.csv"))   // typed columns
        let totals = try orders.column("total")
        let sum = totals.withUnsafeValues(as: Double.self) { $0.reduce(0, +) }
        let printed = orders.prefix(5).formatted()

        var reader = try CSVReader(source: FileByteSource(path: directory.file("users.csv")))   // batches of 64K rows
        var users = 0
        while let batch = try reader.next() { users += batch.rowCount }

        #expect(orders.schema.description == "id: int64, user_id: int64, total: float64, created_at: timestamp")
        #expect(report.rows == orders.rowCount)
        #expect(sum.isFinite && sum > 0)
        #expect(printed.hasSuffix("5 rows × 4 columns"))
        #expect(users == 2_000)
    }
}
