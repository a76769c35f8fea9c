import Testing
@testable import SluiceCore
import SluiceTestSupport

private func int64(_ s: String) -> Int64? { parse(s, ScalarParser.int64) }
private func float64(_ s: String) -> Double? { parse(s, ScalarParser.float64) }
private func bool(_ s: String) -> Bool? { parse(s, ScalarParser.bool) }
private func date(_ s: String) -> Int32? { parse(s, ScalarParser.date) }
private func timestamp(_ s: String) -> Int64? { parse(s, ScalarParser.timestamp) }
private func narrowest(_ s: String) -> DataType { parse(s, ScalarParser.narrowestType) }

/// Microseconds for a UTC civil time, computed without the parser.
private func micros(_ y: Int, _ mo: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0, _ us: Int = 0) -> Int64 {
    Int64(((naiveDays(y, mo, d) * 24 + h) * 60 + mi) * 60 + s) * 1_000_000 + Int64(us)
}

@Suite("ScalarParser")
struct ScalarParserTests {
    @Test("int64 accepts signed decimals exactly to the limits", arguments: [
        ("0", Int64(0)), ("-0", 0), ("+0", 0), ("42", 42), ("-42", -42), ("+42", 42), ("007", 7),
        ("123456789012345678", 123_456_789_012_345_678), ("-123456789012345678", -123_456_789_012_345_678),
        ("1234567890123456789", 1_234_567_890_123_456_789), ("-1234567890123456789", -1_234_567_890_123_456_789),
        ("9223372036854775807", .max), ("+9223372036854775807", .max), ("-9223372036854775808", .min),
        ("00000000000000000000000000001", 1), ("-00000000000000000000009223372036854775808", .min),
    ])
    func int64Valid(text: String, expected: Int64) {
        #expect(int64(text) == expected)
    }

    @Test("int64 rejects overflow and non-integers", arguments: [
        "", "-", "+", " 1", "1 ", "1.0", "1e3", "0x10", "--1", "+-1", "1_000", "١",
        "9223372036854775808", "-9223372036854775809", "18446744073709551615", "18446744073709551616",
        "99999999999999999999", "-99999999999999999999", "12345678901234567890123",
    ])
    func int64Invalid(text: String) {
        #expect(int64(text) == nil)
    }

    @Test("int64 agrees with Int64(String) on random text")
    func int64Random() {
        var rng = SplitMix64(seed: 64)
        for _ in 0..<20_000 {
            var text = ["", "-", "+"].randomElement(using: &rng)!
            let digits = Int.random(in: 0...21, using: &rng)
            text += String((0..<digits).map { _ in "0123456789".randomElement(using: &rng)! })
            if rng.chance(0.02) { text += "x" }
            if int64(text) != Int64(text) { Issue.record("\(text): \(String(describing: int64(text))) vs \(String(describing: Int64(text)))"); return }
        }
    }

    @Test("float64 agrees bit for bit with Double(String) on random decimals")
    func float64Random() {
        var rng = SplitMix64(seed: 2024)
        var failures = 0
        for _ in 0..<50_000 {
            var text = ["", "", "-", "+"].randomElement(using: &rng)!
            let intDigits = Int.random(in: 0...(rng.chance(0.2) ? 30 : 8), using: &rng)
            let leadingZeros = rng.chance(0.2) ? Int.random(in: 1...5, using: &rng) : 0
            text += String(repeating: "0", count: leadingZeros)
            text += String((0..<intDigits).map { _ in "0123456789".randomElement(using: &rng)! })
            if rng.chance(0.7) {
                text += "."
                let fractionDigits = Int.random(in: 0...(rng.chance(0.2) ? 40 : 10), using: &rng)
                text += String((0..<fractionDigits).map { _ in "0123456789".randomElement(using: &rng)! })
            }
            guard text.contains(where: \.isNumber) else { continue }
            if rng.chance(0.3) {
                text += ["e", "E"].randomElement(using: &rng)! + ["", "-", "+"].randomElement(using: &rng)!
                text += String(Int.random(in: 0...(rng.chance(0.1) ? 400 : 30), using: &rng))
            }
            let expected = Double(text)
            let actual = float64(text)
            if expected?.bitPattern != actual?.bitPattern {
                failures += 1
                Issue.record("\(text): \(String(describing: actual)) vs \(String(describing: expected))")
                if failures > 5 { return }
            }
        }
    }

    @Test("float64 on edge spellings", arguments: [
        ".5", "5.", "-0.0", "+0.0", "0", "-0", "1e0", "1E+2", "1e-2", "00012.50", "0.1", "0.3",
        "123456789012345", "1234567890123456", "12345678901234567890", "9007199254740993",
        "0.000000000000000000001", "1e22", "1e23", "4.9e-324", "2.4703282292062328e-324", "1.7976931348623157e308",
        "1.7976931348623159e308", "1e400", "-1e400", "1e-400", "2.2250738585072011e-308",
        "0.1000000000000000055511151231257827021181583404541015625",
        "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791",
    ])
    func float64Edges(text: String) {
        let actual = float64(text)
        #expect(actual != nil)
        #expect(actual?.bitPattern == Double(text)?.bitPattern)
    }

    @Test("float64 reads nan and infinity spellings")
    func float64Special() {
        for text in ["nan", "NaN", "NAN", "-nan", "+nan"] { #expect(float64(text)?.isNaN == true, "\(text)") }
        for text in ["inf", "Inf", "INF", "+inf", "infinity", "Infinity", "+INFINITY"] { #expect(float64(text) == .infinity, "\(text)") }
        for text in ["-inf", "-Infinity", "-INF"] { #expect(float64(text) == -.infinity, "\(text)") }
        for text in ["in", "infinit", "infinityy", "nana", "na", "-", "+", "n", "-+inf", "inf "] { #expect(float64(text) == nil, "\(text)") }
    }

    @Test("float64 rejects text that is not a plain decimal", arguments: [
        "", ".", "-.", "+.", "e5", "E5", ".e5", "1e", "1e+", "1e-", "1e5.5", "1ee5", "0x10", "0x1p3", " 1", "1 ", "1.2.3",
        "1,5", "--1", "+-1", "1_0", "١", "1d", "1f", "12345678901234567890x", "1.5e3x", "e", "-e1",
    ])
    func float64Invalid(text: String) {
        #expect(float64(text) == nil)
    }

    @Test("bool accepts true and false in any case")
    func bools() {
        for text in ["true", "TRUE", "True", "tRuE"] { #expect(bool(text) == true) }
        for text in ["false", "FALSE", "False", "fAlSe"] { #expect(bool(text) == false) }
        for text in ["", "t", "f", "yes", "no", "1", "0", "truee", " true", "true ", "fals", "tru"] { #expect(bool(text) == nil, "\(text)") }
    }

    @Test("date accepts real days only")
    func dates() {
        #expect(date("1970-01-01") == 0)
        #expect(date("1970-01-02") == 1)
        #expect(date("1969-12-31") == -1)
        #expect(date("2000-02-29") == Int32(naiveDays(2000, 2, 29)))
        #expect(date("2024-02-29") == Int32(naiveDays(2024, 2, 29)))
        #expect(date("2024-12-31") == Int32(naiveDays(2024, 12, 31)))
        #expect(date("0001-01-01") == Int32(naiveDays(1, 1, 1)))
        #expect(date("9999-12-31") == Int32(naiveDays(9999, 12, 31)))
        for text in ["1900-02-29", "2023-02-29", "2024-02-30", "2024-04-31", "2024-13-01", "2024-00-10", "2024-01-00",
                     "2024-01-32", "2024-1-01", "2024/01/01", "24-01-01", "2024-01-01 ", " 2024-01-01", "2024-01-1a",
                     "20240101", "", "2024-01-01T00:00", "+024-01-01", "-024-01-01"] {
            #expect(date(text) == nil, "\(text)")
        }
    }

    @Test("timestamps: separators, optional seconds, fractions and offsets")
    func timestamps() {
        let base = micros(2024, 1, 2, 3, 4, 5)
        #expect(base == 1_704_164_645_000_000)
        #expect(timestamp("2024-01-02T03:04:05") == base)
        #expect(timestamp("2024-01-02 03:04:05") == base)
        #expect(timestamp("2024-01-02T03:04:05Z") == base)
        #expect(timestamp("2024-01-02T03:04:05z") == base)
        #expect(timestamp("2024-01-02T03:04") == micros(2024, 1, 2, 3, 4))
        #expect(timestamp("2024-01-02T03:04Z") == micros(2024, 1, 2, 3, 4))
        #expect(timestamp("2024-01-02T03:04:05.5") == base + 500_000)
        #expect(timestamp("2024-01-02T03:04:05.123456Z") == base + 123_456)
        #expect(timestamp("2024-01-02T03:04:05,25") == base + 250_000)
        let fractions = ["1": 100_000, "12": 120_000, "123": 123_000, "1234": 123_400, "12345": 123_450,
                         "123456": 123_456, "1234567": 123_456, "12345678": 123_456, "123456789": 123_456, "999999999": 999_999]
        for (digits, us) in fractions {
            #expect(timestamp("2024-01-02T03:04:05.\(digits)") == base + Int64(us), "\(digits)")
        }
        #expect(timestamp("2024-01-02T03:04:05+01:00") == base - 3_600_000_000)
        #expect(timestamp("2024-01-02T03:04:05-0130") == base + 5_400_000_000)
        #expect(timestamp("2024-01-02T03:04:05+05") == base - 18_000_000_000)
        #expect(timestamp("2024-01-02T03:04:05.25+05:30") == base + 250_000 - 19_800_000_000)
        #expect(timestamp("2024-01-02T03:04-02:00") == micros(2024, 1, 2, 5, 4))
        #expect(timestamp("1969-12-31T23:59:59.5Z") == -500_000)
        #expect(timestamp("1970-01-01T00:00:00Z") == 0)
        #expect(timestamp("2000-02-29T23:59:59Z") == micros(2000, 2, 29, 23, 59, 59))
    }

    @Test("timestamps reject bad fields and trailing junk", arguments: [
        "2024-01-02", "2024-01-02T", "2024-01-02T3:04", "2024-01-02T24:00", "2024-01-02T23:60", "2024-01-02T03:04:60",
        "2024-01-02T03:04:5", "2024-01-02T03:04:05.", "2024-01-02T03:04.5", "2024-01-02X03:04:05", "2024-02-30T00:00",
        "2024-01-02T03:04:05 ", "2024-01-02T03:04:05x", "2024-01-02T03:04:05ZZ", "2024-01-02T03:04:05Z+01",
        "2024-01-02T03:04:05+", "2024-01-02T03:04:05+1", "2024-01-02T03:04:05+24:00", "2024-01-02T03:04:05+01:60",
        "2024-01-02T03:04:05+01:", "2024-01-02T03:04:05+01:0", "2024-01-02T03:04:05+013", "2024-01-02T03:04:05+01:000",
        "2024-01-02T03:04:05+01:00x", "2024-01-02T03-04-05", "2024-01-02 03:04:05 UTC", "2024-13-02T03:04:05",
    ])
    func timestampInvalid(text: String) {
        #expect(timestamp(text) == nil)
    }

    @Test("narrowestType picks the narrowest parser", arguments: [
        ("", DataType.string), ("true", .bool), ("FALSE", .bool), ("0", .int64), ("-12", .int64), ("+7", .int64),
        ("9223372036854775808", .float64), ("1.5", .float64), (".5", .float64), ("-1e3", .float64), ("nan", .float64),
        ("Infinity", .float64), ("-inf", .float64), ("2024-01-02", .date), ("2024-01-02T03:04", .timestamp),
        ("2024-01-02 03:04:05Z", .timestamp), ("2024-02-30", .string), ("2024-01-02T25:00", .string),
        ("hello", .string), ("null", .string), ("N/A", .string), ("1,5", .string), ("12:30", .string), ("-", .string),
        ("0x10", .string), ("t", .string), ("1.2.3", .string),
    ])
    func narrowestType(text: String, expected: DataType) {
        #expect(narrowest(text) == expected)
        #expect(parse(text) { ScalarParser.accepts(expected, $0, $1) })
    }

    @Test("accepts(.timestamp) also takes dates")
    func acceptsDates() {
        #expect(parse("2024-01-02") { ScalarParser.accepts(.timestamp, $0, $1) })
        #expect(!parse("2024-01-02") { ScalarParser.accepts(.int64, $0, $1) })
        #expect(parse("anything") { ScalarParser.accepts(.string, $0, $1) })
    }

    @Test("value(_:as:) parses into Values")
    func values() {
        #expect(ScalarParser.value("12", as: .int64) == .int64(12))
        #expect(ScalarParser.value("12", as: .float64) == .float64(12))
        #expect(ScalarParser.value("12", as: .string) == .string("12"))
        #expect(ScalarParser.value("", as: .string) == .string(""))
        #expect(ScalarParser.value("True", as: .bool) == .bool(true))
        #expect(ScalarParser.value("1970-01-03", as: .date) == .date(2))
        #expect(ScalarParser.value("1970-01-03", as: .timestamp) == .timestamp(2 * 86_400_000_000))
        #expect(ScalarParser.value("1970-01-01T00:00:01Z", as: .timestamp) == .timestamp(1_000_000))
        #expect(ScalarParser.value("nan", as: .float64) == .float64(.nan))
        for type in DataType.allCases where type != .string {
            #expect(ScalarParser.value("", as: type) == nil, "\(type)")
            #expect(ScalarParser.value("x", as: type) == nil, "\(type)")
        }
        #expect(ScalarParser.value("1.5", as: .int64) == nil)
        #expect(ScalarParser.value("1970-01-01T00:00", as: .date) == nil)
    }
}
