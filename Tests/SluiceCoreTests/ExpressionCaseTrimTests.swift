import Testing
@testable import SluiceCore

/// One function applied to one value the naive way (Swift's own case mappings; trim
/// removes space, tab, LF, VT, FF and CR at the ends).
private func naive(_ function: String, _ s: String) -> String {
    func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || (c.value >= 0x09 && c.value <= 0x0D) }
    var scalars = Substring(s).unicodeScalars
    switch function {
    case "lower": return s.lowercased()
    case "upper": return s.uppercased()
    default:
        if function != "rtrim" { while let c = scalars.first, isSpace(c) { scalars.removeFirst() } }
        if function != "ltrim" { while let c = scalars.last, isSpace(c) { scalars.removeLast() } }
        return String(scalars)
    }
}

@Suite("Case and trim functions, nested")
struct ExpressionCaseTrimTests {
    static let functions = ["lower", "upper", "trim", "ltrim", "rtrim"]

    /// Strings of 0–20 characters mixing ASCII letters, digits and whitespace with
    /// characters whose case mapping changes length or lands in ASCII (ß, İ, ﬃ, the
    /// Kelvin sign), and a no-break space that trim keeps.
    static func randomStrings(_ n: Int, seed: UInt64) -> [String?] {
        var rng = SplitMix64(seed: seed)
        let pieces = ["a", "Z", "q", "M", "7", "@", ".", " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "É", "ß", "İ", "ﬃ", "\u{212A}", "\u{00A0}", "é"]
        return (0..<n).map { _ in
            if rng.next(below: 8) == 0 { return nil }
            let asciiOnly = rng.next(below: 3) != 0
            let length = rng.next(below: 21)
            return (0..<length).map { _ in pieces[rng.next(below: asciiOnly ? 13 : pieces.count)] }.joined()
        }
    }

    @Test("every chain of up to three functions equals applying them one by one", arguments: [0, 1, 63, 64, 65, 500])
    func chains(size: Int) throws {
        let strings = Self.randomStrings(size, seed: UInt64(size) &+ 21)
        let table = try Table([("s", Column(string: strings))])
        var chains: [[String]] = Self.functions.map { [$0] }
        for f in Self.functions { for g in Self.functions { chains.append([f, g]) } }
        for _ in 0..<40 { chains.append((0..<3).map { Self.functions[(chains.count &* 7 &+ $0 &* 3) % Self.functions.count] }) }
        for chain in chains {
            // chain[0] is the outermost call.
            let text = chain.reversed().reduce("s") { "\($1)(\($0))" }
            let got = try BoundExpression(text, schema: table.schema).evaluate(on: table).allValues
            let expected: [Value] = strings.map { s in s.map { .string(chain.reversed().reduce($0) { naive($1, $0) }) } ?? .null }
            #expect(got == expected, "\(text)")
            // Inside another expression, the fused chain is still a plain argument.
            let wrapped = try BoundExpression("\(text) || '|'", schema: table.schema).evaluate(on: table).allValues
            #expect(wrapped == expected.map { if case .string(let v) = $0 { .string(v + "|") } else { .null } })
        }
    }

    @Test("case maps that leave ASCII or land in it")
    func unicode() throws {
        let table = try Table([("s", Column(string: ["\u{212A}elvin", "straße", "ﬃ", "ÉCOLE \u{00A0}", " \tİ\n"]))])
        func eval(_ text: String) throws -> [String] {
            try BoundExpression(text, schema: table.schema).evaluate(on: table).withUnsafeStrings { view in (0..<view.count).map(view.string) }
        }
        #expect(try eval("upper(lower(s))").prefix(4) == ["KELVIN", "STRASSE", "FFI", "ÉCOLE \u{00A0}"])
        #expect(try eval("lower(trim(s))") == ["kelvin", "straße", "ﬃ", "école \u{00A0}", "i\u{0307}"])
        #expect(try eval("trim(upper(s))").prefix(4) == ["\u{212A}ELVIN", "STRASSE", "FFI", "ÉCOLE \u{00A0}"])
        #expect(try eval("lower(trim(s))").map { Array($0.utf8) }.last == Array("i\u{0307}".utf8))
    }
}
