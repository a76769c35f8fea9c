import Testing
@testable import SluiceCore

@Suite("Schema")
struct SchemaTests {
    @Test("parses types, aliases and whitespace")
    func parsesTypes() throws {
        let schema = try Schema(parsing: " id : int64 ,email:string,\tok:BOOLEAN, price: double ,n:bigint,d:date, t : datetime ,s:text,")
        #expect(schema.fields == [
            Field("id", .int64), Field("email", .string), Field("ok", .bool), Field("price", .float64),
            Field("n", .int64), Field("d", .date), Field("t", .timestamp), Field("s", .string),
        ])
        #expect(schema.names == ["id", "email", "ok", "price", "n", "d", "t", "s"])
        #expect(schema.count == 8)
        #expect(schema.index(of: "price") == 3 && schema.index(of: "Price") == nil)
        #expect(schema.field(named: "t")?.type == .timestamp)
        #expect(try Schema(parsing: "").count == 0)
        #expect(try Schema(parsing: " , ").count == 0)
    }

    @Test("quoted names hold commas, colons and doubled quotes")
    func quotedNames() throws {
        let schema = try Schema(parsing: #""a,b":int64, "c:d" : string,"say ""hi""":bool, "x":date"#)
        #expect(schema.names == ["a,b", "c:d", #"say "hi""#, "x"])
        #expect(schema.fields.map(\.type) == [.int64, .string, .bool, .date])
    }

    @Test("errors say what is wrong with exact text")
    func errors() {
        let noType = #expect(throws: CoreError.self) { try Schema(parsing: "id:int64, email") }
        #expect(noType?.code == .invalidSchema)
        #expect(noType?.description == "error: schema entry \"email\" has no type\n  hint: write name:type, e.g. email:string")
        let emptyType = #expect(throws: CoreError.self) { try Schema(parsing: "id:int64, email: ") }
        #expect(emptyType?.code == .invalidSchema)
        #expect(emptyType?.description == "error: schema entry \"email:\" has no type\n  hint: write name:type, e.g. email:string")
        let emptyName = #expect(throws: CoreError.self) { try Schema(parsing: " :int64") }
        #expect(emptyName?.code == .invalidSchema)
        #expect(emptyName?.description == "error: schema entry \":int64\" has an empty column name")
        let unknown = #expect(throws: CoreError.self) { try Schema(parsing: "id: intt64") }
        #expect(unknown?.code == .unknownType)
        #expect(unknown?.description == "error: unknown type \"intt64\" for column \"id\"\n  hint: did you mean `int64`? Types are: bool, int64, float64, string, date, timestamp, decimal(p,s), binary")
        let duplicate = #expect(throws: CoreError.self) { try Schema(parsing: "a:int64,b:string,a:bool") }
        #expect(duplicate?.code == .duplicateColumn)
        #expect(duplicate?.description == "error: column \"a\" appears twice in the schema")
    }

    @Test("compactDescription round-trips through Schema(parsing:)")
    func compactRoundTrip() throws {
        let schemas = [
            Schema([]),
            Schema([Field("id", .int64), Field("email", .string)]),
            Schema([Field("a,b", .bool), Field("c:d", .date), Field(#"q"uote"#, .timestamp), Field(#""wrapped""#, .float64)]),
            Schema([Field(" padded ", .int64), Field("tab\t", .string), Field("日本", .bool)]),
        ]
        for schema in schemas {
            #expect(try Schema(parsing: schema.compactDescription) == schema, "\(schema.compactDescription)")
        }
        #expect(schemas[1].compactDescription == "id:int64,email:string")
        #expect(schemas[1].description == "id: int64, email: string")
        #expect(Field("x", .date).description == "x: date")
    }
}

@Suite("DataType")
struct DataTypeTests {
    @Test("parses names and aliases in any case", arguments: [
        ("bool", DataType.bool), ("BOOLEAN", .bool), ("int64", .int64), ("Int", .int64), ("integer", .int64),
        ("bigint", .int64), ("long", .int64), ("i64", .int64), ("float64", .float64), ("double", .float64),
        ("float", .float64), ("real", .float64), ("f64", .float64), ("number", .float64), ("string", .string),
        ("str", .string), ("text", .string), ("varchar", .string), ("utf8", .string), ("date", .date),
        ("timestamp", .timestamp), ("datetime", .timestamp), ("timestamptz", .timestamp), ("  date\t", .date),
    ])
    func parsing(name: String, expected: DataType) throws {
        #expect(try DataType(parsing: name) == expected)
    }

    @Test("unknown names suggest the nearest type")
    func unknown() {
        let near = #expect(throws: CoreError.self) { try DataType(parsing: "strng") }
        #expect(near?.code == .unknownType)
        #expect(near?.message == "unknown type \"strng\"")
        #expect(near?.hint == "did you mean `string`? Types are: bool, int64, float64, string, date, timestamp, decimal(p,s), binary")
        let far = #expect(throws: CoreError.self) { try DataType(parsing: "uuid-ish") }
        #expect(far?.hint == "types are: bool, int64, float64, string, date, timestamp, decimal(p,s), binary")
        #expect(throws: CoreError.self) { try DataType(parsing: "") }
    }

    @Test("names round-trip and widths match the layouts", arguments: DataType.allCases)
    func names(type: DataType) throws {
        #expect(try DataType(parsing: type.description) == type)
        let width: Int = switch type {
        case .bool: 1
        case .date: 4
        case .decimal: 16
        default: 8
        }
        #expect(type.byteWidth == width)
        #expect(type.isNumeric == (type == .int64 || type == .float64 || type.isDecimal))
    }

    @Test("widened(with:) is symmetric and follows the widening rules", arguments: DataType.allCases, DataType.allCases)
    func widening(a: DataType, b: DataType) {
        let expected: DataType
        if a == b { expected = a }
        else if Set([a, b]) == [.int64, .float64] { expected = .float64 }
        else if Set([a, b]) == [.date, .timestamp] { expected = .timestamp }
        else if a.isDecimal && b.isDecimal { expected = .decimal(precision: 38, scale: 10) }   // the two in allCases: (18,2), (38,10)
        else if (a.isDecimal || b.isDecimal) && (a == .float64 || b == .float64) { expected = .float64 }
        else if (a.isDecimal || b.isDecimal) && (a == .int64 || b == .int64) {
            guard case .decimal(let p, let s) = a.isDecimal ? a : b else { return }
            expected = .decimal(precision: min(max(p - s, 19) + s, 38), scale: s)   // 19 integer digits hold any int64
        }
        else { expected = .string }
        #expect(a.widened(with: b) == expected)
        #expect(b.widened(with: a) == expected)
    }
}
