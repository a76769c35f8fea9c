import SluiceSQL
import Testing

@Suite("TableName")
struct TableNameTests {
    @Test("splits at dots outside quotes; quotes keep dots and doubled quotes")
    func parsing() throws {
        #expect(try TableName(parsing: "users") == TableName("users"))
        #expect(try TableName(parsing: "analytics.users") == TableName("users", schema: "analytics"))
        #expect(try TableName(parsing: "main.t") == TableName("t", schema: "main"))
        #expect(try TableName(parsing: "\"my.schema\".\"a\"\"b.c\"") == TableName("a\"b.c", schema: "my.schema"))
        #expect(try TableName(parsing: "Name With Space") == TableName("Name With Space"))
        #expect(try TableName(parsing: "x\"; DROP TABLE y; --") == TableName("x\"; DROP TABLE y; --"))
        #expect(SQLDialect.postgres.quote(try TableName(parsing: "\"my.schema\".t\"x")) == "\"my.schema\".\"t\"\"x\"")
        #expect(SQLDialect.sqlite.quote(TableName("t")) == "\"t\"")
        #expect(try TableName(parsing: "\"my.schema\".users").description == "\"my.schema\".users")
    }

    @Test("refuses empty parts, unclosed quotes and three parts", arguments: [
        ("a.b.c", "table name \"a.b.c\": 3 parts; only schema.table is supported (a PostgreSQL database is chosen in the URL)"),
        ("a.", "table name \"a.\": an empty part"),
        (".a", "table name \".a\": an empty part"),
        ("\"a.b", "table name \"\"a.b\": a quoted part is never closed"),
        ("\"a\"b.c", "table name \"\"a\"b.c\": text follows a closing quote"),
        ("", "table name \"\": an empty part"),
    ])
    func errors(text: String, message: String) {
        let error = #expect(throws: SQLError.self) { _ = try TableName(parsing: text) }
        #expect(error?.message == message)
        #expect(error?.isUsageError == true)
        #expect(error?.hint == "write table or schema.table; put a part that holds a dot in double quotes: \"my.schema\".table")
    }
}
