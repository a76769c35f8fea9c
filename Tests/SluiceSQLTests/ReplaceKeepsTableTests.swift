import Foundation
import SluiceCore
import SluiceSQL
import Testing
import SluiceTestSupport

/// `--mode replace` on an existing table keeps its definition (issue 13 §6).
@Suite("Replace keeps the table")
struct ReplaceKeepsTableTests {
    static func data(_ ids: [Int64], _ names: [String]) throws -> Table {
        try Table([("id", Column(int64: ids)), ("name", Column(string: names))])
    }

    @Test("primary key, NOT NULL, CHECK, indexes, triggers and dependent views survive a replace", arguments: TestEngine.allCases)
    func keepsDefinition(engine: TestEngine) throws {
        let db = try TestDatabase(engine)
        let connection = try db.connect()
        let t = db.table("users"), audit = db.table("audit"), view = db.table("users_view")
        let q = connection.dialect.quote(TableName(t)), qa = connection.dialect.quote(TableName(audit)), qv = connection.dialect.quote(TableName(view))
        try connection.execute(SQLTemplate("CREATE TABLE \(q) (id BIGINT PRIMARY KEY, name TEXT NOT NULL CHECK (length(name) > 0))"))
        try connection.execute(SQLTemplate("CREATE INDEX \(connection.dialect.quote(TableName(t + "_name"))) ON \(q) (name)"))
        try connection.execute(SQLTemplate("CREATE TABLE \(qa) (id BIGINT)"))
        switch engine {
        case .sqlite:
            try connection.execute(SQLTemplate("CREATE TRIGGER \(connection.dialect.quote(TableName(t + "_trg"))) AFTER INSERT ON \(q) BEGIN INSERT INTO \(qa) VALUES (new.id); END"))
        case .postgres:
            let f = connection.dialect.quote(TableName(t + "_fn"))
            try connection.execute(SQLTemplate("CREATE FUNCTION \(f)() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO \(qa) VALUES (NEW.id); RETURN NEW; END $$"))
            try connection.execute(SQLTemplate("CREATE TRIGGER \(connection.dialect.quote(TableName(t + "_trg"))) AFTER INSERT ON \(q) FOR EACH ROW EXECUTE FUNCTION \(f)()"))
        }
        try connection.execute(SQLTemplate("CREATE VIEW \(qv) AS SELECT id FROM \(q)"))
        try connection.load(try Self.data([1, 2], ["a", "b"]), into: t, options: LoadOptions(mode: .append))

        let summary = try connection.load(try Self.data([3, 4, 5], ["c", "d", "e"]), into: t, options: LoadOptions(mode: .replace))
        #expect(!summary.createdTable)
        #expect(try db.count(connection, t) == 3)
        #expect(try db.count(connection, view) == 3)              // the view still works
        #expect(try db.count(connection, audit) == 5)             // the trigger fired for the new rows too
        // The primary key is there: upsert works, a duplicate insert fails.
        try connection.load(try Self.data([3], ["c2"]), into: t, options: LoadOptions(mode: .upsert, key: ["id"]))
        #expect(try db.count(connection, t) == 3)
        #expect(throws: SQLError.self) { try connection.execute(SQLTemplate("INSERT INTO \(q) VALUES (4, 'again')")) }
        // NOT NULL and CHECK hold; a replace whose data breaks them fails and keeps the old rows.
        #expect(throws: SQLError.self) { try connection.execute(SQLTemplate("INSERT INTO \(q) VALUES (9, NULL)")) }
        #expect(throws: SQLError.self) { try connection.load(try Self.data([7], [""]), into: t, options: LoadOptions(mode: .replace)) }
        #expect(try db.count(connection, t) == 3)
        // The index is there.
        let indexes = engine == .sqlite
            ? try connection.extract(SQLTemplate("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = {{ t }} AND sql IS NOT NULL"), parameters: ["t": .string(t)])
            : try connection.extract(SQLTemplate("SELECT indexname FROM pg_indexes WHERE tablename = {{ t }} AND indexname = {{ i }}"),
                                     parameters: ["t": .string(t), "i": .string(t + "_name")])
        #expect(indexes.rowCount == 1)
    }

    @Test("when the data's columns differ and a view depends on the table, replace says so", arguments: TestEngine.allCases)
    func dependentViewBlocksReshape(engine: TestEngine) throws {
        let db = try TestDatabase(engine)
        let connection = try db.connect()
        let t = db.table("shaped"), view = db.table("shaped_view")
        try connection.load(try Self.data([1], ["a"]), into: t, options: LoadOptions(mode: .append))
        try connection.execute(SQLTemplate("CREATE VIEW \(connection.dialect.quote(TableName(view))) AS SELECT id FROM \(connection.dialect.quote(TableName(t)))"))
        let reshaped = try Table([("id", Column(int64: [1])), ("extra", Column(float64: [0.5]))])
        do {
            try connection.load(reshaped, into: t, options: LoadOptions(mode: .replace))
            Issue.record("expected the replace to be refused")
        } catch let error as SQLError {
            #expect(error.description.contains(view) && error.description.contains("depends on"), "\(error)")
        }
        #expect(try db.count(connection, view) == 1)
        // Without the view, the reshaping replace goes through.
        try connection.execute(SQLTemplate("DROP VIEW \(connection.dialect.quote(TableName(view)))"))
        #expect(try connection.load(reshaped, into: t, options: LoadOptions(mode: .replace)).rows == 1)
    }

    @Test("PostgreSQL: a replace empties the table with TRUNCATE, or DELETE where a foreign key or an ON DELETE trigger needs it")
    func postgresEmptying() throws {
        let db = try TestDatabase(.postgres)
        let connection = try db.connect()
        let d = connection.dialect
        let parent = db.table("parent"), child = db.table("child"), audited = db.table("audited"), log = db.table("deleted_log")
        let qp = d.quote(TableName(parent)), qc = d.quote(TableName(child)), qa = d.quote(TableName(audited)), ql = d.quote(TableName(log))
        // A table another table's foreign key refers to: TRUNCATE is refused, DELETE goes through.
        try connection.execute(SQLTemplate("CREATE TABLE \(qp) (id BIGINT PRIMARY KEY, name TEXT)"))
        try connection.execute(SQLTemplate("CREATE TABLE \(qc) (parent_id BIGINT REFERENCES \(qp) (id))"))
        try connection.load(try Self.data([1, 2], ["a", "b"]), into: parent, options: LoadOptions(mode: .append))
        #expect(try connection.load(try Self.data([3, 4, 5], ["c", "d", "e"]), into: parent, options: LoadOptions(mode: .replace)).rows == 3)
        #expect(try db.count(connection, parent) == 3)
        // A row referring to an old key: the replace fails on the foreign key and keeps the old rows.
        try connection.execute(SQLTemplate("INSERT INTO \(qc) VALUES (3)"))
        #expect(throws: SQLError.self) { try connection.load(try Self.data([9], ["z"]), into: parent, options: LoadOptions(mode: .replace)) }
        #expect(try db.count(connection, parent) == 3)
        // A row-level ON DELETE trigger sees every replaced row.
        let f = d.quote(TableName(audited + "_fn"))
        try connection.execute(SQLTemplate("CREATE TABLE \(ql) (id BIGINT)"))
        try connection.execute(SQLTemplate("CREATE TABLE \(qa) (id BIGINT, name TEXT)"))
        try connection.execute(SQLTemplate("CREATE FUNCTION \(f)() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO \(ql) VALUES (OLD.id); RETURN OLD; END $$"))
        try connection.execute(SQLTemplate("CREATE TRIGGER \(d.quote(TableName(audited + "_trg"))) AFTER DELETE ON \(qa) FOR EACH ROW EXECUTE FUNCTION \(f)()"))
        try connection.load(try Self.data([1, 2, 3, 4], ["a", "b", "c", "d"]), into: audited, options: LoadOptions(mode: .append))
        try connection.load(try Self.data([5], ["e"]), into: audited, options: LoadOptions(mode: .replace))
        #expect(try db.count(connection, audited) == 1)
        #expect(try db.count(connection, log) == 4)
    }
}
