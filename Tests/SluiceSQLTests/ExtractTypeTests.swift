import SluiceCore
import SluiceSQL
import Testing
import SluiceTestSupport

/// Reading engine-native types: the mapping documented in SQLDialect and ARCHITECTURE.md.
@Suite("SQL extract type mapping")
struct ExtractTypeTests {
    @Test("PostgreSQL types map to Sluice types; timestamptz is read in UTC")
    func postgresTypes() throws {
        let db = try TestDatabase(.postgres)
        let connection = try db.connect()
        let table = try connection.extract(SQLTemplate("""
            SELECT 1::smallint AS s, 2::integer AS i, 3::bigint AS b, 1.5::real AS r, 2.25::double precision AS d,
                   12.345::numeric(10,3) AS n, true AS t, 'x'::varchar(3) AS v, DATE '2024-01-02' AS day,
                   TIMESTAMP '2024-01-02 03:04:05.25' AS ts, TIMESTAMPTZ '2024-01-02 03:04:05+02' AS tz,
                   'Infinity'::float8 AS inf, '{"a":1}'::json AS j, NULL::bigint AS nothing
            """))
        #expect(table.schema.compactDescription
                == "s:int64,i:int64,b:int64,r:float64,d:float64,n:decimal(10,3),t:bool,v:string,day:date,ts:timestamp,tz:timestamp,inf:float64,j:string,nothing:int64")
        #expect(table.row(0) == [.int64(1), .int64(2), .int64(3), .float64(1.5), .float64(2.25), .decimal(Decimal128(unscaled: 12345, scale: 3)), .bool(true), .string("x"),
                                 .date(19724), .timestamp(1_704_164_645_250_000), .timestamp(1_704_157_445_000_000), .float64(.infinity),
                                 .string("{\"a\":1}"), .null])
    }

    @Test("a PostgreSQL numeric beyond float64 is an error naming the column")
    func numericOverflow() throws {
        let db = try TestDatabase(.postgres)
        let connection = try db.connect()
        let error = #expect(throws: SQLError.self) {
            try connection.extract(SQLTemplate("SELECT (10::numeric ^ 400) AS huge"))
        }
        #expect(error?.code == .unsupportedValue)
        #expect(error?.message.hasPrefix("column \"huge\" value \"1000000000") == true)
        #expect(error?.hint == "cast it to text in the query (huge::text) to read it as a string")
    }

    @Test("SQLite expressions take the widest storage class of the first batch")
    func sqliteExpressions() throws {
        let db = try TestDatabase(.sqlite)
        let connection = try db.connect()
        let table = try connection.extract(SQLTemplate("SELECT 1 AS i, 2.5 AS f, 'x' AS s, NULL AS n UNION ALL SELECT 2.5, 3, NULL, NULL"))
        #expect(table.schema.compactDescription == "i:float64,f:float64,s:string,n:string")
        #expect(table.row(1) == [.float64(2.5), .float64(3), .null, .null])
    }
}
