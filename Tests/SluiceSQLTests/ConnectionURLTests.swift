import SluiceCore
import SluiceSQL
import Testing
import SluiceTestSupport

@Suite("ConnectionURL")
struct ConnectionURLTests {
    @Test("parses a PostgreSQL URL and masks its password")
    func postgres() throws {
        let url = try ConnectionURL("postgres://app:s3cr%40t@db.example:6543/warehouse?sslmode=require&application_name=sluice")
        #expect(url.engine == .postgres)
        #expect(url.user == "app")
        #expect(url.host == "db.example")
        #expect(url.port == 6543)
        #expect(url.database == "warehouse")
        #expect(url.options.map(\.0) == ["sslmode", "application_name"])
        #expect(url.description == "postgres://app:***@db.example:6543/warehouse?sslmode=require&application_name=sluice")
        #expect(!"\(url)".contains("s3cr"))
    }

    @Test("parses SQLite paths and :memory:")
    func sqlite() throws {
        #expect(try ConnectionURL("sqlite:data/w.db").path == "data/w.db")
        #expect(try ConnectionURL("sqlite::memory:").path == ":memory:")
        #expect(try ConnectionURL("sqlite:///tmp/x.db").path == "/tmp/x.db")
    }

    @Test("expands ${VAR} from the environment; the expanded password is masked too")
    func variables() throws {
        // Every ${VAR} value joins the process-wide Secrets registry: a host no other test
        // prints, so that masking it cannot change another test's output.
        let env = ["PGPASSWORD": "hunter2", "PGHOST": "db-for-variables.invalid"]
        let url = try ConnectionURL("postgres://app:${PGPASSWORD}@${PGHOST}:5432/app", environment: env)
        #expect(url.host == "db-for-variables.invalid")
        #expect(url.description == "postgres://app:***@db-for-variables.invalid:5432/app")
        let error = #expect(throws: SQLError.self) { try ConnectionURL("postgres://app:${NOPE}@h/db", environment: env) }
        #expect(error?.code == .missingVariable)
        #expect(error?.message == "environment variable NOPE is not set")
    }

    @Test("rejects bad schemes, ports and sslmodes without showing the password")
    func invalid() throws {
        let scheme = #expect(throws: SQLError.self) { try ConnectionURL("mysql://u:pw@h/db") }
        #expect(scheme?.message == "connection URL scheme \"mysql\" is not supported")
        let port = #expect(throws: SQLError.self) { try ConnectionURL("postgres://u:topsecret@h:99999/db") }
        #expect(port?.description.contains("topsecret") == false)
        let mode = #expect(throws: SQLError.self) { try ConnectionURL("postgres://u:topsecret@h/db?sslmode=requir") }
        #expect(mode?.hint == "did you mean require?")
        #expect(mode?.description.contains("topsecret") == false)
    }

    @Test("a failed PostgreSQL connection names the masked URL, never the password", arguments: TestEngine.allCases)
    func failedConnectionMasks(engine: TestEngine) throws {
        let db = try TestDatabase(engine)
        switch engine {
        case .sqlite:
            let url = try ConnectionURL("sqlite:" + db.directory.path + "/missing/dir/x.db")
            let error = #expect(throws: SQLError.self) { try SQLConnection(url: url) }
            #expect(error?.code == .connection)
        case .postgres:
            // The test server trusts every password, so a wrong database makes the connection fail.
            let url = try ConnectionURL("postgres://postgres:Pa55-w0rd-secret@\(db.url.host!):\(db.url.port!)/no_such_db_\(db.prefix)?sslmode=disable")
            let error = #expect(throws: SQLError.self) { try SQLConnection(url: url) }
            #expect(error?.code == .connection)
            #expect(error?.description.contains("Pa55-w0rd-secret") == false)
            #expect(error?.description.contains("postgres://postgres:***@") == true)
            #expect(error?.description.contains("no_such_db_") == true)
        }
    }
}

@Suite("SQLTemplate")
struct SQLTemplateTests {
    @Test("markers become numbered placeholders per dialect; repeated names share one")
    func placeholders() throws {
        let t = try SQLTemplate("SELECT * FROM t WHERE a >= {{ start }} AND a < {{end}} OR b = {{ start }}")
        #expect(t.parameterNames == ["start", "end"])
        #expect(t.sql(for: .postgres) == "SELECT * FROM t WHERE a >= $1 AND a < $2 OR b = $1")
        #expect(t.sql(for: .sqlite) == "SELECT * FROM t WHERE a >= ?1 AND a < ?2 OR b = ?1")
        #expect(try t.arguments(["end": .int64(2), "start": .int64(1)]) == [.int64(1), .int64(2)])
    }

    @Test("apostrophes in comments and quoted identifiers do not open a literal")
    func commentsAndIdentifiers() throws {
        let t = try SQLTemplate("""
            -- the run's logical date
            /* it's bound */ SELECT "o'brien" FROM t WHERE ds >= date({{ ds }}, '-1 day')
            """)
        #expect(t.parameterNames == ["ds"])
        #expect(t.sql(for: .sqlite).hasSuffix("WHERE ds >= date(?1, '-1 day')"))
        #expect(t.sql(for: .sqlite).hasPrefix("-- the run's logical date\n/* it's bound */ SELECT \"o'brien\""))
        #expect(throws: SQLError.self) { try SQLTemplate("-- fine\nSELECT '{{ ds }}'") }
    }

    @Test("a marker inside quotes, an unclosed marker and a missing value are errors")
    func errors() throws {
        let quoted = #expect(throws: SQLError.self) { try SQLTemplate("SELECT 1 WHERE ds = '{{ ds }}'") }
        #expect(quoted?.hint == "remove the quotes: parameters are bound as values, e.g. WHERE ds = {{ ds }}")
        #expect(throws: SQLError.self) { try SQLTemplate("SELECT {{ ds") }
        let missing = #expect(throws: SQLError.self) { try SQLTemplate("SELECT {{ ds }}").arguments(["dss": .string("x")]) }
        #expect(missing?.hint == "pass --param ds=VALUE (did you mean dss?)")
    }
}

@Suite("SQLDialect")
struct SQLDialectTests {
    @Test("quotes identifiers by doubling quotes")
    func quoting() {
        #expect(SQLDialect.sqlite.quote("order") == "\"order\"")
        #expect(SQLDialect.postgres.quote("x\"; DROP TABLE y; --") == "\"x\"\"; DROP TABLE y; --\"")
    }

    @Test("maps declared types to Sluice types", arguments: [
        ("bigint", DataType.int64), ("INTEGER", .int64), ("double precision", .float64), ("numeric(10,2)", .decimal(precision: 10, scale: 2)), ("numeric", .float64), ("bytea", .binary),
        ("text", .string), ("character varying(20)", .string), ("boolean", .bool), ("date", .date),
        ("timestamp without time zone", .timestamp), ("timestamp with time zone", .timestamp), ("DATETIME", .timestamp),
        ("interval", .string), ("uuid", .string),
    ])
    func typeMapping(declared: String, type: DataType) {
        #expect(SQLDialect.postgres.dataType(declared: declared) == type)
    }
}
