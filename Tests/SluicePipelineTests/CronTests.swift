import SluiceCore
import Testing
@testable import SluicePipeline

/// Microseconds since the epoch of a UTC date and time.
private func utc(_ y: Int, _ m: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0) -> Int64 {
    (Int64(CivilCalendar.days(year: y, month: m, day: d)) * 86_400 + Int64(h * 3600 + mi * 60 + s)) * 1_000_000
}

private func text(_ instant: Int64) -> String { formatTimestamp(microsecondsSinceEpoch: instant) }

/// The next `count` fire times after `start`.
private func fires(_ cron: CronExpression, after start: Int64, count: Int, in zone: TimeZoneRules = .utc) -> [String] {
    var t = start
    return (0..<count).map { _ in
        t = cron.next(after: t, in: zone)
        return text(t)
    }
}

private func cronError(_ expression: String) -> ScheduleError? {
    do {
        _ = try CronExpression(expression)
        return nil
    } catch {
        return error as? ScheduleError
    }
}

@Suite("CronExpression")
struct CronTests {
    let berlin: TimeZoneRules
    let newYork: TimeZoneRules

    init() throws {
        berlin = try TimeZoneRules(identifier: "Europe/Berlin")
        newYork = try TimeZoneRules(identifier: "America/New_York")
    }

    @Test("lists, ranges, steps, names and weekday 7")
    func parsing() throws {
        #expect(fires(try CronExpression("*/20 9-10 * * *"), after: utc(2024, 1, 2), count: 7)
                == ["2024-01-02T09:00:00Z", "2024-01-02T09:20:00Z", "2024-01-02T09:40:00Z", "2024-01-02T10:00:00Z",
                    "2024-01-02T10:20:00Z", "2024-01-02T10:40:00Z", "2024-01-03T09:00:00Z"])
        #expect(fires(try CronExpression("5/25,1 0 * * *"), after: utc(2024, 1, 2), count: 4)
                == ["2024-01-02T00:01:00Z", "2024-01-02T00:05:00Z", "2024-01-02T00:30:00Z", "2024-01-02T00:55:00Z"])
        // 2024-01-06 is a Saturday.
        #expect(fires(try CronExpression("0 12 * * mon-FRI"), after: utc(2024, 1, 5, 13), count: 2)
                == ["2024-01-08T12:00:00Z", "2024-01-09T12:00:00Z"])
        #expect(fires(try CronExpression("0 0 * * 7"), after: utc(2024, 1, 1), count: 2) == fires(try CronExpression("0 0 * * SUN"), after: utc(2024, 1, 1), count: 2))
        #expect(fires(try CronExpression("0 0 * * 7"), after: utc(2024, 1, 1), count: 1) == ["2024-01-07T00:00:00Z"])
        #expect(fires(try CronExpression("0 0 1 jan,Jul *"), after: utc(2024, 1, 1), count: 3)
                == ["2024-07-01T00:00:00Z", "2025-01-01T00:00:00Z", "2025-07-01T00:00:00Z"])
        #expect(fires(try CronExpression("  15   3  *  *  *  "), after: utc(2024, 1, 1), count: 1) == ["2024-01-01T03:15:00Z"])
    }

    @Test("aliases fire like the fields they stand for")
    func aliases() throws {
        let pairs = ["@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0",
                     "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *"]
        for (alias, fields) in pairs {
            #expect(fires(try CronExpression(alias), after: utc(2023, 12, 30, 5, 7), count: 4)
                    == fires(try CronExpression(fields), after: utc(2023, 12, 30, 5, 7), count: 4), "\(alias)")
        }
        #expect(fires(try CronExpression("@DAILY"), after: utc(2024, 1, 2), count: 1) == ["2024-01-03T00:00:00Z"])
    }

    @Test("day of month and day of week: either, when both are restricted; both, when one starts with *")
    func daySemantics() throws {
        // September 2024: Fridays are the 6th, 13th, 20th, 27th; the 15th is a Sunday.
        #expect(fires(try CronExpression("0 0 15 * FRI"), after: utc(2024, 9, 1), count: 4)
                == ["2024-09-06T00:00:00Z", "2024-09-13T00:00:00Z", "2024-09-15T00:00:00Z", "2024-09-20T00:00:00Z"])
        // `*/2` is a star field: odd days that are also Fridays.
        #expect(fires(try CronExpression("0 0 */2 * FRI"), after: utc(2024, 9, 1), count: 3)
                == ["2024-09-13T00:00:00Z", "2024-09-27T00:00:00Z", "2024-10-11T00:00:00Z"])
        #expect(fires(try CronExpression("0 0 31 * *"), after: utc(2024, 1, 31), count: 2) == ["2024-03-31T00:00:00Z", "2024-05-31T00:00:00Z"])
        // February 29th skips 2100, which is no leap year: eight years apart.
        #expect(fires(try CronExpression("0 0 29 2 *"), after: utc(2096, 3, 1), count: 1) == ["2104-02-29T00:00:00Z"])
    }

    @Test("errors name the field, the value and what is valid", arguments: [
        ("0 25 * * *", """
        error: cron "0 25 * * *": field 2 (hour): 25 is out of 0–23
          0 25 * * *
            ^^
          hint: an hour is 0–23 (0 is midnight); write * for every hour
        """),
        ("* * * JANUARY *", """
        error: cron "* * * JANUARY *": field 4 (month): "JANUARY" is not a number or a name (JAN–DEC); did you mean JAN?
          * * * JANUARY *
                ^^^^^^^
          hint: a month is 1–12 or JAN–DEC; write * for every month
        """),
        ("*/0 * * * *", """
        error: cron "*/0 * * * *": field 1 (minute): step "0" is not a whole number ≥ 1
          */0 * * * *
          ^^^
          hint: a minute is 0–59; write * for every minute, */15 for every quarter hour
        """),
        ("0 0 * * 5-1", """
        error: cron "0 0 * * 5-1": field 5 (day of week): range 5-1 runs backwards; write 1-5, or split a range over Sunday: FRI-SAT,SUN
          0 0 * * 5-1
                  ^^^
          hint: a weekday is 0–6 or SUN–SAT (0 and 7 are Sunday); write * for every day
        """),
        ("0 0 30 FEB *", """
        error: cron "0 0 30 FEB *" never fires: field 3 (day of month) names no day that the months in field 4 have
          0 0 30 FEB *
              ^^
          hint: pick days the months have (February has at most 29), or add months
        """),
        ("0 0 * *", """
        error: cron "0 0 * *" has 4 fields, expected 5
          hint: write minute hour day-of-month month day-of-week, e.g. `30 2 * * *` (02:30 every day), or @hourly, @daily, @weekly, @monthly, @yearly
        """),
        ("@dayly", """
        error: cron "@dayly": unknown alias @dayly
          hint: did you mean `@daily`? aliases are @hourly, @daily, @weekly, @monthly, @yearly; or write five fields: minute hour day-of-month month day-of-week
        """),
    ])
    func errors(expression: String, expected: String) throws {
        let error = try #require(cronError(expression))
        #expect(error.code == .invalidCron)
        #expect(error.description == expected)
    }

    @Test("other malformed fields are refused", arguments: ["60 * * * *", "* * 0 * *", "* * * 13 *", "* * * * 8", "1,,2 * * * *", "a * * * *", "1-x * * * *", "* * * * * *", ""])
    func malformed(expression: String) {
        #expect(cronError(expression)?.code == .invalidCron)
    }

    @Test("next and previous in UTC agree with a minute-by-minute search")
    func bruteForce() throws {
        var rng = SplitMix64(seed: 42)
        for expression in ["*/7 * * * *", "0 */5 * * *", "30 2 * * MON-FRI", "0 0 15 * FRI", "0 0 */2 * FRI", "59 23 28-31 * *", "0 12 1 JAN-MAR,OCT *"] {
            let cron = try CronExpression(expression)
            for _ in 0..<6 {
                let start = utc(2024, 1, 1) + Int64(rng.next(below: 365 * 86_400)) * 1_000_000 + Int64(rng.next(below: 1_000_000))
                var minute = (start / 60_000_000 + 1) * 60_000_000
                while !cron.matches(local: minute / 1_000_000) { minute += 60_000_000 }
                #expect(cron.next(after: start, in: .utc) == minute, "\(expression) after \(text(start))")
                var back = start / 60_000_000 * 60_000_000
                while !cron.matches(local: back / 1_000_000) { back -= 60_000_000 }
                #expect(cron.previous(atOrBefore: start, in: .utc) == back, "\(expression) at or before \(text(start))")
            }
        }
        let daily = try CronExpression("@daily")
        #expect(daily.next(after: utc(2024, 1, 2), in: .utc) == utc(2024, 1, 3))
        #expect(daily.previous(atOrBefore: utc(2024, 1, 2), in: .utc) == utc(2024, 1, 2))
        #expect(daily.previous(atOrBefore: utc(2024, 1, 2) - 1, in: .utc) == utc(2024, 1, 1))
    }

    @Test("Europe/Berlin: a skipped 02:30 fires when the gap ends, a repeated one fires once")
    func berlinDST() throws {
        let cron = try CronExpression("30 2 * * *")
        // 2024-03-31: 02:00 CET → 03:00 CEST at 01:00 UTC. 2024-10-27: 03:00 CEST → 02:00 CET at 01:00 UTC.
        #expect(fires(cron, after: utc(2024, 3, 29, 12), count: 3, in: berlin)
                == ["2024-03-30T01:30:00Z", "2024-03-31T01:00:00Z", "2024-04-01T00:30:00Z"])
        #expect(fires(cron, after: utc(2024, 10, 25, 12), count: 3, in: berlin)
                == ["2024-10-26T00:30:00Z", "2024-10-27T00:30:00Z", "2024-10-28T01:30:00Z"])
        #expect(cron.previous(atOrBefore: utc(2024, 3, 31, 12), in: berlin) == utc(2024, 3, 31, 1))
        // Inside the repeated hour (02:30 CET, the second time), the last fire was 02:30 CEST.
        #expect(cron.previous(atOrBefore: utc(2024, 10, 27, 1, 45), in: berlin) == utc(2024, 10, 27, 0, 30))
        let hourly = try CronExpression("0 * * * *")
        #expect(fires(hourly, after: utc(2024, 3, 30, 23, 30), count: 4, in: berlin)
                == ["2024-03-31T00:00:00Z", "2024-03-31T01:00:00Z", "2024-03-31T02:00:00Z", "2024-03-31T03:00:00Z"])
        #expect(fires(hourly, after: utc(2024, 10, 26, 23, 30), count: 3, in: berlin)
                == ["2024-10-27T00:00:00Z", "2024-10-27T02:00:00Z", "2024-10-27T03:00:00Z"])
        #expect(hourly.previous(atOrBefore: utc(2024, 10, 27, 1, 59), in: berlin) == utc(2024, 10, 27, 0))
    }

    @Test("America/New_York: the same rules on its own dates")
    func newYorkDST() throws {
        // 2024-03-10: 02:00 EST → 03:00 EDT at 07:00 UTC. 2024-11-03: 02:00 EDT → 01:00 EST at 06:00 UTC.
        #expect(fires(try CronExpression("30 2 * * *"), after: utc(2024, 3, 9, 12), count: 2, in: newYork)
                == ["2024-03-10T07:00:00Z", "2024-03-11T06:30:00Z"])
        #expect(fires(try CronExpression("30 1 * * *"), after: utc(2024, 11, 2, 12), count: 2, in: newYork)
                == ["2024-11-03T05:30:00Z", "2024-11-04T06:30:00Z"])
        #expect(fires(try CronExpression("0 9 * * MON-FRI"), after: utc(2024, 3, 8, 15), count: 1, in: newYork) == ["2024-03-11T13:00:00Z"])
    }

    @Test("TZif offsets, transitions to the second, and the footer rule past the table")
    func zoneOffsets() throws {
        func offset(_ zone: TimeZoneRules, _ instant: Int64) -> Int { zone.utcOffset(atSecond: instant / 1_000_000) }
        #expect(offset(berlin, utc(2024, 1, 15)) == 3600)
        #expect(offset(berlin, utc(2024, 7, 1)) == 7200)
        #expect(offset(berlin, utc(2024, 3, 31, 1) - 1_000_000) == 3600)
        #expect(offset(berlin, utc(2024, 3, 31, 1)) == 7200)
        #expect(offset(berlin, utc(2024, 10, 27, 1) - 1_000_000) == 7200)
        #expect(offset(berlin, utc(2024, 10, 27, 1)) == 3600)
        #expect(offset(newYork, utc(2024, 3, 10, 7) - 1_000_000) == -18000)
        #expect(offset(newYork, utc(2024, 3, 10, 7)) == -14400)
        #expect(offset(newYork, utc(2024, 11, 3, 6)) == -18000)
        #expect(offset(berlin, utc(2071, 7, 1)) == 7200)
        #expect(offset(berlin, utc(2071, 12, 1)) == 3600)
        #expect(berlin.rule != nil)
        // The file's transitions and its POSIX rule alone agree hour by hour for years.
        for (name, posix) in [("Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3"), ("America/New_York", "EST5EDT,M3.2.0,M11.1.0"),
                              ("Australia/Sydney", "AEST-10AEDT,M10.1.0,M4.1.0/3")] {
            let file = try TimeZoneRules(identifier: name), rule = try TimeZoneRules(posixRule: posix)
            var second = utc(2010, 1, 1) / 1_000_000
            var mismatches = 0
            while second < utc(2036, 1, 1) / 1_000_000 {
                if file.utcOffset(atSecond: second) != rule.utcOffset(atSecond: second) { mismatches += 1 }
                second += 3600
            }
            #expect(mismatches == 0, "\(name)")
        }
    }

    @Test("an unknown zone names the nearest one")
    func unknownZone() {
        #expect {
            _ = try TimeZoneRules(identifier: "Europe/Berln")
        } throws: { error in
            guard let error = error as? ScheduleError else { return false }
            return error.code == .unknownTimeZone && error.hint == "did you mean `Europe/Berlin`?"
        }
        #expect(throws: ScheduleError.self) { _ = try TimeZoneRules(identifier: "../etc/passwd") }
        #expect(throws: ScheduleError.self) { _ = try TimeZoneRules(tzif: Array("not a zone".utf8), identifier: "x") }
    }
}

@Suite("Schedule")
struct ScheduleTests {
    @Test("a @daily run for ds covers that day; backfill lists the days")
    func daily() throws {
        let schedule = try Schedule("@daily")
        #expect(schedule.interval(for: utc(2024, 1, 2)) == DataInterval(start: utc(2024, 1, 2), end: utc(2024, 1, 3)))
        #expect(schedule.interval(for: utc(2024, 1, 2)).description == "2024-01-02T00:00:00Z → 2024-01-03T00:00:00Z")
        let days = schedule.intervals(from: utc(2024, 1, 30), through: utc(2024, 2, 2))
        #expect(days.map(\.logicalDate) == [utc(2024, 1, 30), utc(2024, 1, 31), utc(2024, 2, 1), utc(2024, 2, 2)])
        #expect(zip(days, days.dropFirst()).allSatisfy { $0.end == $1.start })
        #expect(schedule.latestCompleteInterval(at: utc(2024, 1, 3, 0, 30)) == DataInterval(start: utc(2024, 1, 2), end: utc(2024, 1, 3)))
        #expect(schedule.latestCompleteInterval(at: utc(2024, 1, 3)) == DataInterval(start: utc(2024, 1, 2), end: utc(2024, 1, 3)))
    }

    @Test("a logical date between fire times gets the interval around it")
    func unaligned() throws {
        let schedule = try Schedule("0 6 * * *")
        #expect(schedule.interval(for: utc(2024, 1, 2)) == DataInterval(start: utc(2024, 1, 1, 6), end: utc(2024, 1, 2, 6)))
        #expect(schedule.intervals(from: utc(2024, 1, 2), through: utc(2024, 1, 3)).map(\.start) == [utc(2024, 1, 2, 6)])
    }

    @Test("hourly intervals in Berlin tile the DST days: 23 and 25 hours, no overlap, no gap")
    func dstDays() throws {
        let schedule = try Schedule("@hourly", timeZone: "Europe/Berlin")
        #expect(schedule.startOfDay(year: 2024, month: 1, day: 2) == utc(2024, 1, 1, 23))
        for (day, hours, count) in [(31, 23, 23), (27, 25, 24)] {
            let month = day == 31 ? 3 : 10
            let start = schedule.startOfDay(year: 2024, month: month, day: day)
            let intervals = schedule.intervals(from: start, through: start + Int64(hours) * 3_600_000_000 - 1)
            #expect(intervals.count == count)
            #expect(intervals.first?.start == start)
            #expect(intervals.last?.end == start + Int64(hours) * 3_600_000_000)
            #expect(zip(intervals, intervals.dropFirst()).allSatisfy { $0.end == $1.start && $0.start < $0.end })
        }
        let daily = try Schedule("@daily", timeZone: "Europe/Berlin")
        let fallBack = daily.interval(for: daily.startOfDay(year: 2024, month: 10, day: 27))
        #expect(fallBack.end - fallBack.start == 25 * 3_600_000_000)
        #expect(fallBack.description == "2024-10-26T22:00:00Z → 2024-10-27T23:00:00Z")
    }
}
