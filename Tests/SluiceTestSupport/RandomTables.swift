import Foundation
import SluiceCore

// Seeded random tables for tests: each generator takes a seed, so a failing case replays.

extension SplitMix64 {
    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
}

// MARK: Every type, for readers and writers

/// Strings chosen to be hard for CSV: delimiters, quotes, line breaks, empty, null-like, unicode.
private let trickyStrings = [
    "", " ", "a", "a,b", "\"", "\"\"", "say \"hi\"", "line\nbreak", "cr\rlf\r\n", "\r\n", "\n",
    "trailing,", ",leading", "NULL", "NA", "héllo", "日本語", "🙂 ok", "tab\there", "naïve, café",
    "'single'", "x\"y\"z", "  spaced  ", "1", "2.5", "true", "2024-01-02",
]

private func randomTrickyString(_ rng: inout SplitMix64) -> String {
    if rng.chance(0.5) { return trickyStrings.randomElement(using: &rng)! }
    let length = Int.random(in: 0...20, using: &rng)
    let alphabet = Array("abcxyz019 ,\"\n\r-_éß中🙂\t'")
    return String((0..<length).map { _ in alphabet.randomElement(using: &rng)! })
}

/// Dates the CSV text form can spell: years 0001 through 9999.
private let firstDay = Int32(CivilCalendar.days(year: 1, month: 1, day: 1))
private let lastDay = Int32(CivilCalendar.days(year: 9999, month: 12, day: 31))

/// A random column of `type` with about 10% nulls.
public func randomColumn(_ type: DataType, count: Int, _ rng: inout SplitMix64) -> Column {
    var builder = ColumnBuilder(type: type, capacity: count)
    for _ in 0..<count {
        if rng.chance(0.1) {
            builder.appendNull()
            continue
        }
        switch type {
        case .bool: builder.append(bool: Bool.random(using: &rng))
        case .int64:
            builder.append(int64: rng.chance(0.1)
                ? [Int64.min, Int64.max, 0, -1, 999_999_999_999_999_999].randomElement(using: &rng)!
                : Int64.random(in: -1_000_000_000...1_000_000_000, using: &rng))
        case .float64:
            let special: [Double] = [.nan, .infinity, -.infinity, -0.0, 0, 12.5, 100, 1e-7, 1e300,
                                     .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1 + 0.2]
            if rng.chance(0.15) {
                builder.append(float64: special.randomElement(using: &rng)!)
            } else if rng.chance(0.3) {
                builder.append(float64: Double(Int.random(in: -100_000...100_000, using: &rng)) / 100)
            } else {
                builder.append(float64: Double.random(in: -1e6...1e6, using: &rng))
            }
        case .string: builder.append(string: randomTrickyString(&rng))
        case .date: builder.append(date: Int32.random(in: firstDay...lastDay, using: &rng))
        case .timestamp:
            let low = Int64(firstDay) * 86_400_000_000, high = Int64(lastDay) * 86_400_000_000
            var t = Int64.random(in: low...high, using: &rng)
            if rng.chance(0.3) { t -= t % 1_000_000 }   // whole seconds too
            builder.append(timestamp: t)
        case .decimal(let precision, _):
            let limit = Decimal128.maxUnscaled(precision: precision)
            builder.append(decimal: rng.chance(0.1) ? [limit, -limit, 0, -1].randomElement(using: &rng)!
                : Int128(Int64.random(in: Int64.min...Int64.max, using: &rng)) % limit)
        case .binary:
            let bytes = (0..<Int.random(in: 0...12, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            bytes.withUnsafeBytes { builder.append(bytes: $0) }
        }
    }
    return builder.finish()
}

/// A table with one column of each of the six types (in a seeded random order).
public func randomTable(rows: Int, seed: UInt64) throws -> Table {
    var rng = SplitMix64(seed: seed)
    let types: [DataType] = [.bool, .int64, .float64, .string, .date, .timestamp].shuffled(using: &rng)
    return try Table(types.map { ("\($0)_col", randomColumn($0, count: rows, &rng)) })
}

// MARK: Loads

/// A seeded random table for loads: a key `id` (0..<rows, never null) and one column of
/// each SQL-storable type (`i`, `f`, `b`, `s`, `d`, `ts`) with nulls.
public func randomKeyedTable(rows: Int, seed: UInt64, nullProbability: Double = 0.2) throws -> Table {
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

// MARK: Expressions

/// A seeded random table for expression tests: small ints `a` (-10...10) and `b` (-3...3),
/// `x` (two decimals), short strings `s`, bools `f`; about one value in five null.
public func randomExpressionTable(_ n: Int, seed: UInt64) throws -> Table {
    var rng = SplitMix64(seed: seed)
    let words = ["", "a", " a", "abc\t", "B", "ab%", "été", "\tX y ", "aa"]
    func maybe<T>(_ v: T) -> T? { rng.next(below: 5) == 0 ? nil : v }
    var a: [Int64?] = [], b: [Int64?] = [], x: [Double?] = [], s: [String?] = [], f: [Bool?] = []
    for _ in 0..<n {
        a.append(maybe(Int64(rng.next(below: 21)) - 10))
        b.append(maybe(Int64(rng.next(below: 7)) - 3))
        x.append(maybe(Double(rng.next(below: 2001) - 1000) / 100))
        s.append(maybe(words[rng.next(below: words.count)]))
        f.append(maybe(rng.next(below: 2) == 0))
    }
    return try Table([("a", Column(int64: a)), ("b", Column(int64: b)), ("x", Column(float64: x)), ("s", Column(string: s)), ("f", Column(bool: f))])
}

// MARK: Joins

/// Users-like (left) and orders-like (right) tables: duplicate and null ids, emails
/// that usually but not always follow the id, orphan and null user ids, nulls in
/// every column.
public func randomUsersAndOrders(_ n: Int, seed: UInt64) throws -> (users: Table, orders: Table) {
    var rng = SplitMix64(seed: seed)
    func oneIn(_ k: Int) -> Bool { rng.next(below: k) == 0 }
    var ids: [Int64?] = [], emails: [String?] = [], names: [String?] = [], created: [Int64?] = []
    for _ in 0..<n {
        let id = Int64(rng.next(below: Swift.max(n * 3 / 4, 1)) + 1)
        ids.append(oneIn(15) ? nil : id)
        emails.append(oneIn(12) ? nil : oneIn(10) ? "other\(rng.next(below: 5))@x.io" : "u\(id)@x.io")
        names.append(oneIn(9) ? nil : "N\(id % 50)")
        created.append(oneIn(11) ? nil : id * 1_000_000 + (oneIn(10) ? 7 : 0))
    }
    let users = try Table([("id", Column(int64: ids)), ("email", Column(string: emails)), ("name", Column(string: names)),
                           ("created_at", Column(timestamp: created))])
    let notes = ["", "gift", "rush", "Gift", "ünïcode"]
    var userIDs: [Int64?] = [], totals: [Double?] = [], orderIDs: [Int64?] = [], qty: [Int64?] = []
    var days: [Int32?] = [], paid: [Bool?] = [], note: [String?] = []
    for j in 0..<(3 * n) {
        userIDs.append(oneIn(20) ? nil : Int64(rng.next(below: n + 5) + 1))
        totals.append(oneIn(10) ? nil : Double(Int(rng.next(below: 200_000)) - 20_000) / 100)
        orderIDs.append(Int64(j + 1))
        qty.append(oneIn(8) ? nil : Int64(rng.next(below: 10)))
        days.append(oneIn(8) ? nil : Int32(rng.next(below: 400)))
        paid.append(oneIn(6) ? nil : oneIn(2))
        note.append(oneIn(4) ? nil : notes[rng.next(below: notes.count)])
    }
    let orders = try Table([("id", Column(int64: orderIDs)), ("user_id", Column(int64: userIDs)), ("total", Column(float64: totals)),
                            ("qty", Column(int64: qty)), ("day", Column(date: days)), ("paid", Column(bool: paid)),
                            ("note", Column(string: note))])
    return (users, orders)
}

// MARK: JSON

private let jsonPieces = ["a", "é", "😀", "\"", "\\", "\n", "\t", "\u{1}", "/", " ", "中文", "\u{7F}", "}", "{", ",", ":", "\r", "null", "12"]

/// A seeded random table for JSON round trips: every JSON-representable type, strings full of
/// escapes, a column name that needs quoting; `everyColumnHasAValue` keeps row 0 non-null.
public func randomJSONTable(rows: Int, seed: UInt64, everyColumnHasAValue: Bool) throws -> Table {
    var rng = SplitMix64(seed: seed)
    func isNull(_ row: Int) -> Bool {
        if everyColumnHasAValue && row == 0 { return false }
        return Int.random(in: 0..<4, using: &rng) == 0
    }
    var ints: [Int64?] = [], floats: [Double?] = [], bools: [Bool?] = [], strings: [String?] = []
    var dates: [Int32?] = [], stamps: [Int64?] = []
    for row in 0..<rows {
        ints.append(isNull(row) ? nil : [Int64.min, .max, 0, -1, Int64.random(in: .min ... .max, using: &rng)].randomElement(using: &rng)!)
        var d: Double
        repeat { d = Double(bitPattern: rng.next()) } while !d.isFinite
        floats.append(isNull(row) ? nil : [d, 0.1, -0.0, 1e300, 5e-324, 3.0, Double(Int.random(in: -999...999, using: &rng)) / 7].randomElement(using: &rng)!)
        bools.append(isNull(row) ? nil : Bool.random(using: &rng))
        strings.append(isNull(row) ? nil : (0..<Int.random(in: 0...12, using: &rng)).map { _ in jsonPieces.randomElement(using: &rng)! }.joined())
        dates.append(isNull(row) ? nil : Int32.random(in: -25_567...47_482, using: &rng))   // 1900...2099
        stamps.append(isNull(row) ? nil : Int64.random(in: -2_208_988_800_000_000...4_102_444_800_000_000, using: &rng)
            / (Bool.random(using: &rng) ? 1 : 1_000_000))
    }
    return try Table([
        ("int", Column(int64: ints)), ("float", Column(float64: floats)), ("bool", Column(bool: bools)),
        ("str \"ing\"", Column(string: strings)), ("date", Column(date: dates)), ("ts", Column(timestamp: stamps)),
    ])
}
