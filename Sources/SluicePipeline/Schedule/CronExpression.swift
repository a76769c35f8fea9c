import SluiceCore

/// A five-field cron expression — `minute hour day-of-month month day-of-week` —
/// or one of the aliases `@hourly`, `@daily` (`@midnight`), `@weekly`, `@monthly`,
/// `@yearly` (`@annually`).
///
/// Each field is `*`, a value, a range `a-b`, a step `*/n`, `a-b/n` or `a/n` (from `a`
/// to the field's maximum), or a comma-separated list of these. Months may be named
/// `JAN`…`DEC` and weekdays `SUN`…`SAT` (any case); weekday `7` is Sunday too.
/// As in cron, when both day fields are restricted (neither starts with `*`), a day
/// matches if *either* matches: `0 0 1,15 * MON` fires on the 1st, the 15th and every
/// Monday. An expression that can never fire (`0 0 30 FEB *`) is an error.
///
/// Fire times are computed on the wall clock of a ``TimeZoneRules`` (UTC by default):
/// - a wall-clock time skipped by a spring-forward change fires at the first instant
///   after the gap (once, however many skipped times match);
/// - a wall-clock time that happens twice after a fall-back change fires once, at its
///   first occurrence — so an hourly schedule has one two-hour interval that night,
///   and intervals never overlap or leave gaps.
///
/// ```swift
/// let cron = try CronExpression("30 2 * * MON-FRI")
/// let berlin = try TimeZoneRules(identifier: "Europe/Berlin")
/// let next = cron.next(after: now, in: berlin)        // microseconds since the epoch, UTC
/// ```
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The text as written.
    public let source: String
    @usableFromInline let minutes: UInt64   // bits 0…59
    @usableFromInline let hours: UInt64     // bits 0…23
    @usableFromInline let daysOfMonth: UInt64   // bits 1…31
    @usableFromInline let months: UInt64    // bits 1…12
    @usableFromInline let weekdays: UInt64  // bits 0…6, 0 = Sunday
    /// Whether the day fields were written starting with `*` (cron's OR rule applies
    /// only when both are restricted).
    let dayOfMonthIsStar: Bool
    let weekdayIsStar: Bool

    static let aliases: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    private struct FieldSpec {
        let name: String
        let range: ClosedRange<Int>
        let names: [String]   // index + offset = value
        let nameBase: Int
        let hint: String
    }

    private static let fields: [FieldSpec] = [
        FieldSpec(name: "minute", range: 0...59, names: [], nameBase: 0, hint: "a minute is 0–59; write * for every minute, */15 for every quarter hour"),
        FieldSpec(name: "hour", range: 0...23, names: [], nameBase: 0, hint: "an hour is 0–23 (0 is midnight); write * for every hour"),
        FieldSpec(name: "day of month", range: 1...31, names: [], nameBase: 0, hint: "a day of the month is 1–31; write * for every day"),
        FieldSpec(name: "month", range: 1...12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
                  nameBase: 1, hint: "a month is 1–12 or JAN–DEC; write * for every month"),
        FieldSpec(name: "day of week", range: 0...7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
                  nameBase: 0, hint: "a weekday is 0–6 or SUN–SAT (0 and 7 are Sunday); write * for every day"),
    ]

    /// Parses `text`.
    ///
    /// - Throws: ``ScheduleError`` `.invalidCron` naming the field, the offending part
    ///   (with a caret under it) and what would be valid.
    public init(_ text: String) throws {
        source = text
        let trimmed = text.trimmingASCIIWhitespace()
        var expanded = trimmed
        if trimmed.hasPrefix("@") {
            guard let alias = Self.aliases[trimmed.lowercased()] else {
                let names = ["@hourly", "@daily", "@weekly", "@monthly", "@yearly"]
                throw ScheduleError(.invalidCron, message: "cron \"\(text)\": unknown alias \(trimmed)",
                                    hint: (suggestion(for: trimmed, among: names).map { "did you mean `\($0)`? " } ?? "")
                                        + "aliases are \(names.joined(separator: ", ")); or write five fields: minute hour day-of-month month day-of-week")
            }
            expanded = alias
        }
        // Fields with their character offsets in `text` (for the caret).
        let chars = Array(text.utf8)
        var parts: [(text: String, start: Int)] = []
        if trimmed.hasPrefix("@") {
            parts = expanded.split(separator: " ").map { (String($0), 0) }
        } else {
            var i = 0
            while i < chars.count {
                if chars[i] == 0x20 || chars[i] == 0x09 { i += 1; continue }
                let start = i
                while i < chars.count && chars[i] != 0x20 && chars[i] != 0x09 { i += 1 }
                parts.append((String(decoding: chars[start..<i], as: UTF8.self), start))
            }
        }
        guard parts.count == 5 else {
            throw ScheduleError(.invalidCron, message: "cron \"\(text)\" has \(parts.count) field\(parts.count == 1 ? "" : "s"), expected 5",
                                hint: "write minute hour day-of-month month day-of-week, e.g. `30 2 * * *` (02:30 every day), or @hourly, @daily, @weekly, @monthly, @yearly")
        }
        let isAlias = trimmed.hasPrefix("@")
        var sets: [UInt64] = []
        for (index, part) in parts.enumerated() {
            sets.append(try Self.parseField(part.text, spec: Self.fields[index], index: index, source: text,
                                            offset: isAlias ? nil : part.start))
        }
        minutes = sets[0]
        hours = sets[1]
        daysOfMonth = sets[2]
        months = sets[3]
        weekdays = (sets[4] | (sets[4] >> 7)) & 0x7F   // 7 is Sunday too
        dayOfMonthIsStar = parts[2].text.hasPrefix("*")
        weekdayIsStar = parts[4].text.hasPrefix("*")

        // Only a day-of-month restriction alone can be impossible (30 FEB, 31 APR).
        if !dayOfMonthIsStar && weekdayIsStar {
            let possible = (1...12).contains { month in
                months & (1 << UInt64(month)) != 0
                    && daysOfMonth & (((1 << UInt64(CivilCalendar.daysInMonth(year: 2024, month: month) + 1)) - 1)) != 0
            }
            guard possible else {
                throw ScheduleError(.invalidCron, message: "cron \"\(text)\" never fires: field 3 (day of month) names no day that the months in field 4 have",
                                    hint: "pick days the months have (February has at most 29), or add months", source: text,
                                    span: parts[2].start..<(parts[2].start + parts[2].text.utf8.count))
            }
        }
    }

    private static func parseField(_ text: String, spec: FieldSpec, index: Int, source: String, offset: Int?) throws -> UInt64 {
        var bits: UInt64 = 0
        var position = offset ?? 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let itemStart = position
            position += item.utf8.count + 1
            func fail(_ what: String, _ span: Range<Int>? = nil) -> ScheduleError {
                ScheduleError(.invalidCron, message: "cron \"\(source)\": field \(index + 1) (\(spec.name)): \(what)", hint: spec.hint,
                              source: offset == nil ? nil : source,
                              span: offset == nil ? nil : (span ?? itemStart..<(itemStart + Swift.max(item.utf8.count, 1))))
            }
            guard !item.isEmpty else { throw fail("an empty list item") }
            var rangePart = Substring(item)
            var step = 1
            if let slash = item.firstIndex(of: "/") {
                rangePart = item[..<slash]
                let stepText = item[item.index(after: slash)...]
                guard let n = Int(stepText), n >= 1 else { throw fail("step \"\(stepText)\" is not a whole number ≥ 1") }
                step = n
            }
            func value(_ text: Substring) throws -> Int {
                if let n = Int(text) {
                    guard spec.range.contains(n) else {
                        throw fail("\(n) is out of \(spec.range.lowerBound)–\(spec.range.upperBound)")
                    }
                    return n
                }
                if let i = spec.names.firstIndex(of: text.uppercased()) { return i + spec.nameBase }
                let kind = spec.names.isEmpty ? "a number" : "a number or a name (\(spec.names.first!)–\(spec.names.last!))"
                let upper = text.uppercased()   // JANUARY, Monday → JAN, MON
                let near = spec.names.first { upper.hasPrefix($0) } ?? (spec.names.isEmpty ? nil : suggestion(for: upper, among: spec.names))
                throw fail("\"\(text)\" is not \(kind)" + (near.map { "; did you mean \($0)?" } ?? ""))
            }
            let low: Int, high: Int
            if rangePart == "*" {
                (low, high) = (spec.range.lowerBound, spec.range.upperBound == 7 ? 6 : spec.range.upperBound)
            } else if let dash = rangePart.firstIndex(of: "-") {
                low = try value(rangePart[..<dash])
                high = try value(rangePart[rangePart.index(after: dash)...])
                guard low <= high else { throw fail("range \(rangePart) runs backwards; write \(high)-\(low)" + (index == 4 ? ", or split a range over Sunday: FRI-SAT,SUN" : "")) }
            } else {
                low = try value(rangePart)
                high = step > 1 || item.contains("/") ? (spec.range.upperBound == 7 ? 6 : spec.range.upperBound) : low
            }
            var v = low
            while v <= high {
                bits |= 1 << UInt64(v)
                v += step
            }
        }
        return bits
    }

    public var description: String { source }

    /// Whether the wall-clock minute `local` (seconds since the epoch, as on a UTC clock) matches.
    func matches(local: Int64) -> Bool {
        let days = Int(floorDiv(local, 86_400)), secondOfDay = Int(local - Int64(days) * 86_400)
        let (_, month, day) = CivilCalendar.civil(fromDays: days)
        return minutes & (1 << UInt64(secondOfDay / 60 % 60)) != 0 && hours & (1 << UInt64(secondOfDay / 3600)) != 0
            && months & (1 << UInt64(month)) != 0 && dayMatches(days: days, day: day)
    }

    private func dayMatches(days: Int, day: Int) -> Bool {
        let domHit = daysOfMonth & (1 << UInt64(day)) != 0
        let dowHit = weekdays & (1 << UInt64(weekdayOf(days: days))) != 0
        if dayOfMonthIsStar || weekdayIsStar { return domHit && dowHit }
        return domHit || dowHit
    }

    /// The first matching wall-clock minute at or after `local` (seconds, rounded up to a minute).
    func nextLocalMatch(atOrAfter local: Int64) -> Int64 {
        let minuteStart = floorDiv(local + 59, 60) * 60
        var days = Int(floorDiv(minuteStart, 86_400))
        var minuteOfDay = Int((minuteStart - Int64(days) * 86_400) / 60)
        for _ in 0..<(366 * 9) {   // a possible expression fires within 8 years
            let (year, month, day) = CivilCalendar.civil(fromDays: days)
            if months & (1 << UInt64(month)) == 0 || !dayMatches(days: days, day: day) {
                // Next day (a whole month ahead when the month does not match).
                if months & (1 << UInt64(month)) == 0 {
                    days = CivilCalendar.days(year: year, month: month, day: 1) + CivilCalendar.daysInMonth(year: year, month: month)
                } else {
                    days += 1
                }
                minuteOfDay = 0
                continue
            }
            if let found = Self.nextTime(hours: hours, minutes: minutes, atOrAfter: minuteOfDay) {
                return Int64(days) * 86_400 + Int64(found) * 60
            }
            days += 1
            minuteOfDay = 0
        }
        preconditionFailure("cron \"\(source)\" found no fire time in 9 years; parsing should have refused it")
    }

    /// The last matching wall-clock minute at or before `local` (seconds, rounded down to a minute).
    func previousLocalMatch(atOrBefore local: Int64) -> Int64 {
        let minuteStart = floorDiv(local, 60) * 60
        var days = Int(floorDiv(minuteStart, 86_400))
        var minuteOfDay = Int((minuteStart - Int64(days) * 86_400) / 60)
        for _ in 0..<(366 * 9) {
            let (year, month, day) = CivilCalendar.civil(fromDays: days)
            if months & (1 << UInt64(month)) == 0 || !dayMatches(days: days, day: day) {
                days = months & (1 << UInt64(month)) == 0 ? CivilCalendar.days(year: year, month: month, day: 1) - 1 : days - 1
                minuteOfDay = 1439
                continue
            }
            if let found = Self.previousTime(hours: hours, minutes: minutes, atOrBefore: minuteOfDay) {
                return Int64(days) * 86_400 + Int64(found) * 60
            }
            days -= 1
            minuteOfDay = 1439
        }
        preconditionFailure("cron \"\(source)\" found no fire time in 9 years; parsing should have refused it")
    }

    /// The first minute of the day ≥ `minuteOfDay` whose hour and minute match.
    private static func nextTime(hours: UInt64, minutes: UInt64, atOrAfter minuteOfDay: Int) -> Int? {
        var hour = minuteOfDay / 60, minute = minuteOfDay % 60
        while hour < 24 {
            if hours & (1 << UInt64(hour)) != 0 {
                let rest = (minutes >> UInt64(minute)) << UInt64(minute)
                if rest != 0 { return hour * 60 + rest.trailingZeroBitCount }
            }
            hour += 1
            minute = 0
        }
        return nil
    }

    /// The last minute of the day ≤ `minuteOfDay` whose hour and minute match.
    private static func previousTime(hours: UInt64, minutes: UInt64, atOrBefore minuteOfDay: Int) -> Int? {
        var hour = minuteOfDay / 60, minute = minuteOfDay % 60
        while hour >= 0 {
            if hours & (1 << UInt64(hour)) != 0 {
                let upTo = minute == 63 ? UInt64.max : (UInt64(1) << UInt64(minute + 1)) - 1
                let rest = minutes & upTo
                if rest != 0 { return hour * 60 + 63 - rest.leadingZeroBitCount }
            }
            hour -= 1
            minute = 59
        }
        return nil
    }

    /// The first fire time strictly after `instant` (microseconds since the epoch, UTC).
    public func next(after instant: Int64, in zone: TimeZoneRules = .utc) -> Int64 {
        let second = floorDiv(instant, 1_000_000)
        // Fire instants never decrease as wall-clock minutes increase (a skipped minute
        // fires at the gap's end, a repeated one at its first occurrence), so walk the
        // matching minutes from the wall-clock reading at `instant` on.
        var local = nextLocalMatch(atOrAfter: floorDiv(zone.localSecond(atSecond: second), 60) * 60)
        while true {
            let fire = zone.firstSecond(atLocal: local)
            if fire * 1_000_000 > instant { return fire * 1_000_000 }
            local = nextLocalMatch(atOrAfter: local + 60)
        }
    }

    /// The last fire time at or before `instant` (microseconds since the epoch, UTC).
    public func previous(atOrBefore instant: Int64, in zone: TimeZoneRules = .utc) -> Int64 {
        let second = floorDiv(instant, 1_000_000)
        // Start from the latest wall-clock reading of the past day: inside a repeated
        // hour the matching minute may read later than the clock does now.
        let reading = [second, second - 86_400].map { second + Int64(zone.utcOffset(atSecond: $0)) }.max()!
        var local = previousLocalMatch(atOrBefore: reading)
        while true {
            let fire = zone.firstSecond(atLocal: local)
            if fire * 1_000_000 <= instant { return fire * 1_000_000 }
            local = previousLocalMatch(atOrBefore: local - 60)
        }
    }
}
