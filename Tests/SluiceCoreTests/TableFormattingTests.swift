import Testing
@testable import SluiceCore

@Suite("Table.formatted")
struct TableFormattingTests {
    @Test("aligns numbers right, shows nulls as ∅ and empty strings as \"\"")
    func basic() throws {
        let table = try Table([("id", Column(int64: [1, 22, nil])), ("name", Column(string: ["ab", "", nil]))])
        #expect(table.formatted() == """
            ┌───────┬────────┐
            │ id    │ name   │
            │ int64 │ string │
            ├───────┼────────┤
            │     1 │ ab     │
            │    22 │ ""     │
            │     ∅ │ ∅      │
            └───────┴────────┘
            3 rows × 2 columns
            """)
    }

    @Test("truncates rows with a footer")
    func truncation() throws {
        let table = try Table([("id", Column(int64: [1, 22, nil])), ("name", Column(string: ["ab", "", nil]))])
        #expect(table.formatted(TableFormat(maxRows: 1, showsTypes: false)) == """
            ┌────┬──────┐
            │ id │ name │
            ├────┼──────┤
            │  1 │ ab   │
            │ …  │      │
            └────┴──────┘
            3 rows × 2 columns (showing first 1)
            """)
        #expect(table.formatted(TableFormat(maxRows: 3)).hasSuffix("3 rows × 2 columns"))
        #expect(table.formatted(TableFormat(maxRows: -1)).hasSuffix("3 rows × 2 columns (showing first 0)"))
    }

    @Test("escapes control characters, clips long cells and counts wide characters as 2")
    func escapingAndClipping() throws {
        let table = try Table([
            ("text", Column(string: ["a\nb\tc\u{1}", "abcdefghij", "日本語テキスト", "ok"])),
            ("x", Column(float64: [1.5, -0.25, .nan, 100])),
        ])
        #expect(table.formatted(TableFormat(maxCellWidth: 6)) == """
            ┌────────┬─────────┐
            │ text   │ x       │
            │ string │ float64 │
            ├────────┼─────────┤
            │ a\\nb\\… │     1.5 │
            │ abcde… │   -0.25 │
            │ 日本…  │     nan │
            │ ok     │   100.0 │
            └────────┴─────────┘
            4 rows × 2 columns
            """)
    }

    @Test("wide characters widen the column by two each")
    func wide() throws {
        let table = try Table([("名前", Column(string: ["日本", "a"]))])
        #expect(table.formatted(TableFormat(showsTypes: false, nullSymbol: "NULL")) == """
            ┌──────┐
            │ 名前 │
            ├──────┤
            │ 日本 │
            │ a    │
            └──────┘
            2 rows × 1 column
            """)
        #expect(displayWidth("日本") == 4 && displayWidth("e\u{301}") == 1 && displayWidth("🙂") == 2 && displayWidth("") == 0)
    }

    @Test("other types are left-aligned; headers are escaped and clipped; nullSymbol is used")
    func otherTypes() throws {
        let table = try Table([
            ("a\tvery_long_name", Column(bool: [true, nil])),
            ("d", Column(date: [0, nil])),
            ("t", Column(timestamp: [1_500_000, nil])),
        ])
        #expect(table.formatted(TableFormat(maxCellWidth: 8, nullSymbol: "NULL")) == """
            ┌──────────┬──────────┬───────────┐
            │ a\\tvery… │ d        │ t         │
            │ bool     │ date     │ timestamp │
            ├──────────┼──────────┼───────────┤
            │ true     │ 1970-01… │ 1970-01…  │
            │ NULL     │ NULL     │ NULL      │
            └──────────┴──────────┴───────────┘
            2 rows × 3 columns
            """)
    }

    @Test("zero-row and zero-column tables")
    func empty() throws {
        #expect(Table(emptyWith: try Schema(parsing: "id:int64,name:string")).formatted() == """
            ┌───────┬────────┐
            │ id    │ name   │
            │ int64 │ string │
            ├───────┼────────┤
            └───────┴────────┘
            0 rows × 2 columns
            """)
        #expect(Table.empty.formatted() == """
            ┌──┐
            │  │
            │  │
            ├──┤
            └──┘
            0 rows × 0 columns
            """)
    }

    @Test("a column with an empty name can still show the truncation row")
    func emptyNameTruncated() throws {
        let table = try Table([("", Column(string: ["x", "y"]))])
        #expect(table.formatted(TableFormat(maxRows: 0, showsTypes: false)) == """
            ┌───┐
            │   │
            ├───┤
            │ … │
            └───┘
            2 rows × 1 column (showing first 0)
            """)
    }

    @Test("every row of a random table has the same display width", arguments: [0, 1, 63, 64, 65])
    func consistentWidths(count: Int) throws {
        let types = DataType.allCases
        let table = try Table(types.enumerated().map { ("c\($0)", buildColumn($1, randomValues($1, count: count, nullRate: 0.2, seed: UInt64(count * 10 + $0)))) })
        let lines = table.formatted(TableFormat(maxRows: 100, maxCellWidth: 12)).split(separator: "\n").dropLast().map(String.init)
        let widths = Set(lines.map(displayWidth))
        #expect(widths.count == 1, "\(lines)")
        #expect(lines.count == count + 5)
    }

    @Test("a very long value is clipped from its start, in bounded time, with control characters escaped")
    func longValue() throws {
        let long = "\t" + String(repeating: "é", count: 5_000_000)
        let table = try Table([("s", Column(string: [long, String(repeating: "\u{301}", count: 500) + "ab"]))])
        let clock = ContinuousClock()
        let started = clock.now
        let lines = table.formatted(TableFormat(maxCellWidth: 10)).split(separator: "\n").map(String.init)
        #expect(clock.now - started < .seconds(2))
        #expect(lines[4] == "│ \\tééééééé… │", "\(lines)")
        // Zero-width marks: only the start is measured, and the cut is shown.
        #expect(lines[5].contains("…") && displayWidth(lines[5]) == displayWidth(lines[4]), "\(lines)")
    }
}
