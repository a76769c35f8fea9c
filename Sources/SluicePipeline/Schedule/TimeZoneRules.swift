import SluiceCore
import SluiceFormats
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The UTC offsets of an IANA time zone over time, read from its TZif file
/// (RFC 8536) in `/usr/share/zoneinfo`, including the POSIX TZ rule in the file's
/// footer that gives offsets after the last listed transition.
///
/// Instants are seconds (``utcOffset(atSecond:)``) or Sluice timestamps —
/// microseconds since the Unix epoch, UTC. "Local" times are wall-clock readings
/// counted the same way, as if the wall clock were UTC.
///
/// ```swift
/// let berlin = try TimeZoneRules(identifier: "Europe/Berlin")
/// berlin.utcOffset(atSecond: 1_719_792_000)   // 7200: summer time, UTC+2
/// ```
public struct TimeZoneRules: Sendable, Hashable, CustomStringConvertible {
    /// The zone's name (`Europe/Berlin`), or the POSIX rule it was made from.
    public let identifier: String
    /// Transition instants in seconds, ascending.
    let transitions: [Int64]
    /// The offset (seconds east of UTC) from `transitions[i]` on.
    let offsets: [Int32]
    /// The offset before the first transition.
    let initialOffset: Int32
    /// Offsets after the last transition (or at all times when there is none).
    let rule: PosixTZRule?

    /// Coordinated Universal Time: offset 0 at all times.
    public static let utc = TimeZoneRules(identifier: "UTC", transitions: [], offsets: [], initialOffset: 0, rule: nil)

    init(identifier: String, transitions: [Int64], offsets: [Int32], initialOffset: Int32, rule: PosixTZRule?) {
        self.identifier = identifier
        self.transitions = transitions
        self.offsets = offsets
        self.initialOffset = initialOffset
        self.rule = rule
    }

    /// The zone `identifier` (`Europe/Berlin`, `America/New_York`, `UTC`) from the
    /// zoneinfo directory.
    ///
    /// - Throws: ``ScheduleError`` `.unknownTimeZone` (with the nearest name) or
    ///   `.invalidTimeZone` when the file is not a TZif file.
    public init(identifier: String, zoneinfoDirectory: String = "/usr/share/zoneinfo") throws {
        if identifier == "UTC" || identifier == "Etc/UTC" || identifier == "Z" {
            self = .utc
            return
        }
        let allowed = identifier.utf8.allSatisfy { b in
            (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2F || b == 0x5F || b == 0x2D || b == 0x2B
        }
        guard !identifier.isEmpty, allowed, !identifier.hasPrefix("/"), !identifier.contains("..") else {
            throw ScheduleError(.unknownTimeZone, message: "\"\(identifier)\" is not a time zone name",
                                hint: "use an IANA name such as UTC, Europe/Berlin or America/New_York")
        }
        let path = zoneinfoDirectory + "/" + identifier
        let bytes: [UInt8]
        do {
            bytes = try readWholeFile(path)
        } catch {
            throw ScheduleError(.unknownTimeZone, message: "unknown time zone \"\(identifier)\" (no \(path))",
                                hint: nearestZoneName(identifier, directory: zoneinfoDirectory).map { "did you mean `\($0)`?" }
                                    ?? "use an IANA name such as UTC, Europe/Berlin or America/New_York")
        }
        try self.init(tzif: bytes, identifier: identifier)
    }

    /// A zone from the bytes of a TZif file (versions 1–4).
    ///
    /// - Throws: ``ScheduleError`` `.invalidTimeZone` naming what is wrong.
    public init(tzif bytes: [UInt8], identifier: String) throws {
        func bad(_ what: String) -> ScheduleError {
            ScheduleError(.invalidTimeZone, message: "time zone \"\(identifier)\": \(what)",
                          hint: "reinstall the tzdata package, or use another zone")
        }
        func u32(_ at: Int) -> Int {
            Int(UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3]))
        }
        func header(_ at: Int) throws -> (isut: Int, isstd: Int, leap: Int, time: Int, type: Int, char: Int) {
            guard at + 44 <= bytes.count, bytes[at] == 0x54, bytes[at + 1] == 0x5A, bytes[at + 2] == 0x69, bytes[at + 3] == 0x66 else {
                throw bad("not a TZif file (no \"TZif\" header at byte \(at))")
            }
            return (u32(at + 20), u32(at + 24), u32(at + 28), u32(at + 32), u32(at + 36), u32(at + 40))
        }
        var h = try header(0)
        let version = bytes[4]
        var start = 44
        var timeSize = 4
        if version >= 0x32 {   // '2' and later: skip the 32-bit block, use the 64-bit one
            start += h.time * 4 + h.time + h.type * 6 + h.char + h.leap * 8 + h.isstd + h.isut
            h = try header(start)
            start += 44
            timeSize = 8
        }
        let dataSize = h.time * timeSize + h.time + h.type * 6 + h.char + h.leap * (timeSize + 4) + h.isstd + h.isut
        guard h.type >= 1, start + dataSize <= bytes.count else { throw bad("the file is cut short") }
        guard h.leap == 0 else { throw bad("the file counts leap seconds (a right/ zone)") }
        var p = start
        var transitions: [Int64] = []
        for _ in 0..<h.time {
            if timeSize == 8 {
                transitions.append(Int64(bitPattern: UInt64(u32(p)) << 32 | UInt64(u32(p + 4))))
            } else {
                transitions.append(Int64(Int32(bitPattern: UInt32(u32(p)))))
            }
            p += timeSize
        }
        let indices = Array(bytes[p..<p + h.time])
        p += h.time
        var typeOffsets: [Int32] = []
        for _ in 0..<h.type {
            typeOffsets.append(Int32(bitPattern: UInt32(u32(p))))
            p += 6
        }
        guard indices.allSatisfy({ Int($0) < h.type }) else { throw bad("a transition names a missing local time type") }
        guard zip(transitions, transitions.dropFirst()).allSatisfy({ $0 < $1 }) else { throw bad("transitions are not in order") }
        var rule: PosixTZRule?
        if version >= 0x32 {
            let footerStart = start + dataSize
            if footerStart < bytes.count, bytes[footerStart] == 0x0A, let end = bytes[(footerStart + 1)...].firstIndex(of: 0x0A) {
                let text = String(decoding: bytes[(footerStart + 1)..<end], as: UTF8.self)
                if !text.isEmpty {
                    do { rule = try PosixTZRule(parsing: text) } catch { throw bad("its footer rule \"\(text)\" does not parse") }
                }
            }
        }
        self.init(identifier: identifier, transitions: transitions, offsets: indices.map { typeOffsets[Int($0)] },
                  initialOffset: typeOffsets[0], rule: rule)
    }

    /// A zone given by a POSIX TZ rule alone, e.g. `CET-1CEST,M3.5.0,M10.5.0/3`.
    ///
    /// - Throws: ``ScheduleError`` `.invalidTimeZone`.
    public init(posixRule: String) throws {
        let rule: PosixTZRule
        do { rule = try PosixTZRule(parsing: posixRule) } catch {
            throw ScheduleError(.invalidTimeZone, message: "\"\(posixRule)\" is not a POSIX TZ rule",
                                hint: "write it like CET-1CEST,M3.5.0,M10.5.0/3 (std name, offset west of UTC, dst name, start and end)")
        }
        self.init(identifier: posixRule, transitions: [], offsets: [], initialOffset: Int32(rule.standardOffset), rule: rule)
    }

    public var description: String { identifier }

    /// Seconds east of UTC in effect at `second` (seconds since the epoch).
    public func utcOffset(atSecond second: Int64) -> Int {
        guard let first = transitions.first, second >= first else {
            if transitions.isEmpty, let rule { return rule.offset(atSecond: second) }
            return Int(initialOffset)
        }
        var low = 0, high = transitions.count - 1   // last index with transitions[i] <= second
        while low < high {
            let mid = (low + high + 1) / 2
            if transitions[mid] <= second { low = mid } else { high = mid - 1 }
        }
        if low == transitions.count - 1, let rule { return rule.offset(atSecond: second) }
        return Int(offsets[low])
    }

    /// The wall-clock reading at `second`, as seconds since the epoch of a UTC clock.
    public func localSecond(atSecond second: Int64) -> Int64 {
        second + Int64(utcOffset(atSecond: second))
    }

    /// The instant (seconds) at which the wall clock first reads `local`.
    ///
    /// A repeated reading (the hour after a fall-back change) gives its first
    /// occurrence; a skipped one (inside a spring-forward gap) gives the instant the
    /// gap ends — the first instant after it.
    public func firstSecond(atLocal local: Int64) -> Int64 {
        let guess = local - Int64(utcOffset(atSecond: local))
        var candidates: [Int] = []
        for probe in [guess - 86_400, guess, guess + 86_400] {
            let offset = utcOffset(atSecond: probe)
            if !candidates.contains(offset) { candidates.append(offset) }
        }
        var best: Int64?
        for offset in candidates {
            let instant = local - Int64(offset)
            if utcOffset(atSecond: instant) == offset { best = Swift.min(best ?? instant, instant) }
        }
        if let best { return best }
        // In a gap: the first instant whose reading is past `local` is the transition.
        var low = local - Int64(candidates.max()!), high = local - Int64(candidates.min()!)
        while low < high {
            let mid = low + (high - low) / 2
            if localSecond(atSecond: mid) >= local { high = mid } else { low = mid + 1 }
        }
        return low
    }
}

/// A POSIX TZ rule (`std offset [dst [offset] [,start[/time],end[/time]]]`), as in
/// the footer of TZif files: the offsets of every year after the listed transitions.
struct PosixTZRule: Sendable, Hashable {
    /// A day of the year a change happens on.
    enum Day: Sendable, Hashable {
        /// `Jn`: day 1…365, February 29 never counted.
        case julian(Int)
        /// `n`: day 0…365, February 29 counted.
        case zeroBased(Int)
        /// `Mm.w.d`: weekday `d` (0 = Sunday) of week `w` (1…5, 5 = last) of month `m`.
        case monthWeekDay(month: Int, week: Int, weekday: Int)
    }
    struct Change: Sendable, Hashable {
        var day: Day
        /// Seconds after local midnight (may be negative or past 24 h).
        var time: Int
    }
    /// Seconds east of UTC outside daylight time.
    var standardOffset: Int
    /// Seconds east of UTC in daylight time, and when it starts and ends (local times).
    var daylight: (offset: Int, start: Change, end: Change)?

    static func == (a: PosixTZRule, b: PosixTZRule) -> Bool {
        a.standardOffset == b.standardOffset && a.daylight?.offset == b.daylight?.offset
            && a.daylight?.start == b.daylight?.start && a.daylight?.end == b.daylight?.end
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(standardOffset)
        hasher.combine(daylight?.offset)
        hasher.combine(daylight?.start)
        hasher.combine(daylight?.end)
    }

    struct ParseError: Error {}

    init(parsing text: String) throws {
        var bytes = Array(text.utf8)[...]
        func name() throws {
            if bytes.first == UInt8(ascii: "<") {
                guard let close = bytes.firstIndex(of: UInt8(ascii: ">")) else { throw ParseError() }
                bytes = bytes[(close + 1)...]
                return
            }
            var n = 0
            while let b = bytes.first, (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A { bytes.removeFirst(); n += 1 }
            guard n >= 3 else { throw ParseError() }
        }
        func number() throws -> Int {
            var value = 0, digits = 0
            while let b = bytes.first, b >= 0x30 && b <= 0x39 { value = value * 10 + Int(b - 0x30); bytes.removeFirst(); digits += 1 }
            guard digits > 0 else { throw ParseError() }
            return value
        }
        /// `[+-]hh[:mm[:ss]]` in seconds.
        func duration() throws -> Int {
            var sign = 1
            if bytes.first == UInt8(ascii: "-") { sign = -1; bytes.removeFirst() } else if bytes.first == UInt8(ascii: "+") { bytes.removeFirst() }
            var seconds = try number() * 3600
            if bytes.first == UInt8(ascii: ":") { bytes.removeFirst(); seconds += try number() * 60 }
            if bytes.first == UInt8(ascii: ":") { bytes.removeFirst(); seconds += try number() }
            return sign * seconds
        }
        func change() throws -> Change {
            let day: Day
            if bytes.first == UInt8(ascii: "J") {
                bytes.removeFirst()
                let n = try number()
                guard (1...365).contains(n) else { throw ParseError() }
                day = .julian(n)
            } else if bytes.first == UInt8(ascii: "M") {
                bytes.removeFirst()
                let m = try number()
                guard bytes.popFirst() == UInt8(ascii: ".") else { throw ParseError() }
                let w = try number()
                guard bytes.popFirst() == UInt8(ascii: ".") else { throw ParseError() }
                let d = try number()
                guard (1...12).contains(m), (1...5).contains(w), (0...6).contains(d) else { throw ParseError() }
                day = .monthWeekDay(month: m, week: w, weekday: d)
            } else {
                let n = try number()
                guard (0...365).contains(n) else { throw ParseError() }
                day = .zeroBased(n)
            }
            var time = 7200
            if bytes.first == UInt8(ascii: "/") { bytes.removeFirst(); time = try duration() }
            return Change(day: day, time: time)
        }
        try name()
        standardOffset = -(try duration())   // POSIX offsets count west of UTC
        guard !bytes.isEmpty else { daylight = nil; return }
        try name()
        var dstOffset = standardOffset + 3600
        if let b = bytes.first, b != UInt8(ascii: ",") { dstOffset = -(try duration()) }
        var start = Change(day: .monthWeekDay(month: 3, week: 2, weekday: 0), time: 7200)   // the US rule, POSIX's default
        var end = Change(day: .monthWeekDay(month: 11, week: 1, weekday: 0), time: 7200)
        if bytes.first == UInt8(ascii: ",") {
            bytes.removeFirst()
            start = try change()
            guard bytes.popFirst() == UInt8(ascii: ",") else { throw ParseError() }
            end = try change()
        }
        guard bytes.isEmpty else { throw ParseError() }
        daylight = (dstOffset, start, end)
    }

    /// Days since the epoch of `day` in `year`.
    static func days(of day: Day, year: Int) -> Int {
        let january1 = CivilCalendar.days(year: year, month: 1, day: 1)
        switch day {
        case .julian(let n):
            let leap = CivilCalendar.daysInMonth(year: year, month: 2) == 29
            return january1 + n - 1 + (leap && n >= 60 ? 1 : 0)
        case .zeroBased(let n):
            return january1 + n
        case .monthWeekDay(let month, let week, let weekday):
            let first = CivilCalendar.days(year: year, month: month, day: 1)
            var day = first + (weekday - weekdayOf(days: first) + 7) % 7 + (week - 1) * 7
            let last = first + CivilCalendar.daysInMonth(year: year, month: month) - 1
            while day > last { day -= 7 }
            return day
        }
    }

    func offset(atSecond second: Int64) -> Int {
        guard let daylight else { return standardOffset }
        let year = CivilCalendar.civil(fromDays: Int(floorDiv(second + Int64(standardOffset), 86_400))).year
        func start(_ y: Int) -> Int64 { Int64(Self.days(of: daylight.start.day, year: y)) * 86_400 + Int64(daylight.start.time - standardOffset) }
        func end(_ y: Int) -> Int64 { Int64(Self.days(of: daylight.end.day, year: y)) * 86_400 + Int64(daylight.end.time - daylight.offset) }
        for y in (year - 1)...(year + 1) {
            let s = start(y)
            let e = end(y) > s ? end(y) : end(y + 1)   // southern zones: daylight time spans new year
            if second >= s && second < e { return daylight.offset }
        }
        return standardOffset
    }
}

/// 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday).
func weekdayOf(days: Int) -> Int { ((days + 4) % 7 + 7) % 7 }

func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

private func readWholeFile(_ path: String) throws -> [UInt8] { try FileByteSource.readAll(path: path) }

/// The zone name nearest to `identifier` among the files next to where it would be.
private func nearestZoneName(_ identifier: String, directory: String) -> String? {
    let parts = identifier.split(separator: "/", omittingEmptySubsequences: false)
    let prefix = parts.dropLast().joined(separator: "/")
    let folder = prefix.isEmpty ? directory : directory + "/" + prefix
    guard let dir = opendir(folder) else { return nil }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
        }
        if !name.hasPrefix(".") { names.append(name) }
    }
    guard let near = suggestion(for: String(parts.last ?? ""), among: names) else { return nil }
    return prefix.isEmpty ? near : prefix + "/" + near
}
