import Testing
@testable import SluiceCore

func naiveIsLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
func naiveMonthLength(_ y: Int, _ m: Int) -> Int { [31, naiveIsLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] }

/// Days since 1970-01-01 by counting whole years and months (slow but obviously right).
func naiveDays(_ y: Int, _ m: Int, _ d: Int) -> Int {
    var days = 0
    if y >= 1970 { for year in 1970..<y { days += naiveIsLeap(year) ? 366 : 365 } }
    else { for year in y..<1970 { days -= naiveIsLeap(year) ? 366 : 365 } }
    for month in 1..<m { days += naiveMonthLength(y, month) }
    return days + d - 1
}

@Suite("CivilCalendar")
struct CivilCalendarTests {
    @Test("days and civil agree with a day-by-day walk over ±200 years", arguments: [1, -1])
    func walk(direction: Int) {
        var (y, m, d) = (1970, 1, 1)
        var failures = 0
        for days in stride(from: 0, through: 200 * 366 * direction, by: direction) {
            if CivilCalendar.days(year: y, month: m, day: d) != days || CivilCalendar.civil(fromDays: days) != (y, m, d)
                || !CivilCalendar.isValid(year: y, month: m, day: d) {
                failures += 1
                Issue.record("day \(days) is \(y)-\(m)-\(d)")
                if failures > 5 { return }
            }
            if direction > 0 {
                d += 1
                if d > naiveMonthLength(y, m) { d = 1; m += 1; if m > 12 { m = 1; y += 1 } }
            } else {
                d -= 1
                if d == 0 { m -= 1; if m == 0 { m = 12; y -= 1 }; d = naiveMonthLength(y, m) }
            }
        }
    }

    @Test("distant years", arguments: [(1, 1, 1), (1, 12, 31), (1600, 2, 29), (1600, 3, 1), (1700, 2, 28), (9999, 12, 31), (2400, 2, 29)])
    func distant(y: Int, m: Int, d: Int) {
        let days = naiveDays(y, m, d)
        #expect(CivilCalendar.days(year: y, month: m, day: d) == days)
        #expect(CivilCalendar.civil(fromDays: days) == (y, m, d))
    }

    @Test("isValid and daysInMonth")
    func validity() {
        for y in [1900, 2000, 2023, 2024, 2100, 1600] {
            for m in 1...12 { #expect(CivilCalendar.daysInMonth(year: y, month: m) == naiveMonthLength(y, m)) }
        }
        #expect(CivilCalendar.isValid(year: 2000, month: 2, day: 29))
        #expect(!CivilCalendar.isValid(year: 1900, month: 2, day: 29))
        #expect(CivilCalendar.isValid(year: 2024, month: 2, day: 29))
        #expect(!CivilCalendar.isValid(year: 2024, month: 13, day: 1))
        #expect(!CivilCalendar.isValid(year: 2024, month: 0, day: 1))
        #expect(!CivilCalendar.isValid(year: 2024, month: 1, day: 0))
        #expect(!CivilCalendar.isValid(year: 2024, month: 4, day: 31))
    }

    @Test("formatDate and formatTimestamp")
    func formatting() {
        #expect(formatDate(daysSinceEpoch: 0) == "1970-01-01")
        #expect(formatDate(daysSinceEpoch: -1) == "1969-12-31")
        #expect(formatDate(daysSinceEpoch: Int32(naiveDays(2024, 2, 29))) == "2024-02-29")
        #expect(formatDate(daysSinceEpoch: Int32(naiveDays(1, 1, 1))) == "0001-01-01")
        #expect(formatTimestamp(microsecondsSinceEpoch: 0) == "1970-01-01T00:00:00Z")
        #expect(formatTimestamp(microsecondsSinceEpoch: 1_704_164_645_000_000) == "2024-01-02T03:04:05Z")
        #expect(formatTimestamp(microsecondsSinceEpoch: 1_704_164_645_250_000) == "2024-01-02T03:04:05.25Z")
        #expect(formatTimestamp(microsecondsSinceEpoch: 1_704_164_645_000_123) == "2024-01-02T03:04:05.000123Z")
        #expect(formatTimestamp(microsecondsSinceEpoch: -1) == "1969-12-31T23:59:59.999999Z")
        #expect(formatTimestamp(microsecondsSinceEpoch: -1_000_000) == "1969-12-31T23:59:59Z")
        #expect(formatTimestamp(microsecondsSinceEpoch: -86_400_000_000) == "1969-12-31T00:00:00Z")
        #expect(formatTimestamp(microsecondsSinceEpoch: -86_400_000_001) == "1969-12-30T23:59:59.999999Z")
        #expect(formatTimestamp(microsecondsSinceEpoch: -500_000) == "1969-12-31T23:59:59.5Z")
    }

    @Test("formatted dates and timestamps parse back", arguments: sizes)
    func roundTrip(count: Int) {
        var rng = SplitMix64(seed: UInt64(count) &+ 17)
        let lowest = Int64(naiveDays(1, 1, 1)) * 86_400_000_000, highest = Int64(naiveDays(10_000, 1, 1)) * 86_400_000_000 - 1
        for _ in 0..<min(count, 5_000) {
            let t = Int64.random(in: lowest...highest, using: &rng)
            let text = formatTimestamp(microsecondsSinceEpoch: t)
            if parse(text, ScalarParser.timestamp) != t { Issue.record("\(t) → \(text)"); return }
            let d = Int32(floorDivide(t, 86_400_000_000).0)
            let dateText = formatDate(daysSinceEpoch: d)
            if parse(dateText, ScalarParser.date) != d { Issue.record("\(d) → \(dateText)"); return }
        }
    }

    @Test("formatDouble round-trips through ScalarParser.float64", arguments: sizes)
    func doubles(count: Int) {
        var rng = SplitMix64(seed: UInt64(count) &+ 3)
        var samples: [Double] = [0, -0.0, 1, -1, 0.1, 100, 1e-7, 1e16, 1e22, 1e23, .pi, .ulpOfOne, .leastNonzeroMagnitude,
                                 -.leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
        for _ in 0..<count {
            let d = Double(bitPattern: rng.next())
            samples.append(d.isFinite ? d : Double.random(in: -1e9...1e9, using: &rng))
        }
        for value in samples {
            let text = formatDouble(value)
            if parse(text, ScalarParser.float64)?.bitPattern != value.bitPattern { Issue.record("\(value) → \(text)"); return }
        }
        #expect(formatDouble(.nan) == "nan" && parse("nan", ScalarParser.float64)?.isNaN == true)
        #expect(formatDouble(.infinity) == "inf" && formatDouble(-.infinity) == "-inf")
        #expect(parse(formatDouble(-.infinity), ScalarParser.float64) == -.infinity)
        #expect(formatDouble(12.5) == "12.5" && formatDouble(100) == "100.0" && formatDouble(1e-7) == "1e-07")
    }

    @Test("year(fromDays:) agrees with civil(fromDays:) on every day of 1600–2400 and far out")
    func yearFromDays() {
        let start = CivilCalendar.days(year: 1600, month: 1, day: 1), end = CivilCalendar.days(year: 2400, month: 12, day: 31)
        for days in start...end {
            #expect(CivilCalendar.year(fromDays: days) == CivilCalendar.civil(fromDays: days).year, "day \(days)")
        }
        var rng = SplitMix64(seed: 4)
        for _ in 0..<100_000 {
            let days = Int(rng.next(below: 700_000_000)) - 350_000_000
            #expect(CivilCalendar.year(fromDays: days) == CivilCalendar.civil(fromDays: days).year, "day \(days)")
        }
    }
}
