import SluiceCore

/// The data interval a run covers: `[start, end)`, microseconds since the epoch, UTC.
/// Its logical date (`ds`) is `start`.
public struct DataInterval: Sendable, Hashable, CustomStringConvertible {
    public var start: Int64
    public var end: Int64

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    /// The run's logical date: the interval's start.
    public var logicalDate: Int64 { start }

    /// `2024-01-02T00:00:00Z → 2024-01-03T00:00:00Z`.
    public var description: String {
        formatTimestamp(microsecondsSinceEpoch: start) + " → " + formatTimestamp(microsecondsSinceEpoch: end)
    }
}

/// When a pipeline runs and which data each run covers, with Airflow's semantics:
/// a run's logical date is the start of its data interval, the interval ends at the
/// next fire time, and the run is due once the interval has ended. A `@daily` run for
/// `ds = 2024-01-02` covers `2024-01-02T00:00 → 2024-01-03T00:00` and starts just after
/// midnight on the 3rd.
///
/// ```swift
/// let schedule = try Schedule("@daily", timeZone: "Europe/Berlin")
/// let interval = schedule.interval(for: schedule.startOfDay(year: 2024, month: 1, day: 2))
/// let backfill = schedule.intervals(from: a, through: b)   // every logical date in [a, b]
/// ```
public struct Schedule: Sendable, Hashable {
    public let cron: CronExpression
    public let timeZone: TimeZoneRules

    public init(cron: CronExpression, timeZone: TimeZoneRules = .utc) {
        self.cron = cron
        self.timeZone = timeZone
    }

    /// A schedule from a cron expression or alias and an IANA zone name.
    ///
    /// - Throws: ``ScheduleError`` for either.
    public init(_ expression: String, timeZone: String = "UTC") throws {
        self.init(cron: try CronExpression(expression), timeZone: try TimeZoneRules(identifier: timeZone))
    }

    /// The interval of the run with logical date `logicalDate`: from the last fire time
    /// at or before it to the next fire time after that. For a logical date that is a
    /// fire time (the usual case) the interval starts exactly there.
    public func interval(for logicalDate: Int64) -> DataInterval {
        let start = cron.previous(atOrBefore: logicalDate, in: timeZone)
        return DataInterval(start: start, end: cron.next(after: start, in: timeZone))
    }

    /// Every interval whose logical date lies in `[first, last]`, in order (a backfill
    /// `--from D1 --to D2`). Consecutive intervals share their boundary.
    public func intervals(from first: Int64, through last: Int64) -> [DataInterval] {
        var result: [DataInterval] = []
        var start = cron.previous(atOrBefore: first, in: timeZone)
        if start < first { start = cron.next(after: start, in: timeZone) }
        while start <= last {
            let end = cron.next(after: start, in: timeZone)
            result.append(DataInterval(start: start, end: end))
            start = end
        }
        return result
    }

    /// The newest interval that has ended by `now` — the run a scheduler starts at `now`
    /// (with catch-up off, the only one).
    public func latestCompleteInterval(at now: Int64) -> DataInterval {
        let end = cron.previous(atOrBefore: now, in: timeZone)
        return interval(for: cron.previous(atOrBefore: end - 1, in: timeZone))
    }

    /// The first instant of the local day `year-month-day` in this schedule's zone (the
    /// instant a `ds` date names).
    public func startOfDay(year: Int, month: Int, day: Int) -> Int64 {
        let local = Int64(CivilCalendar.days(year: year, month: month, day: day)) * 86_400
        return timeZone.firstSecond(atLocal: local) * 1_000_000
    }
}
