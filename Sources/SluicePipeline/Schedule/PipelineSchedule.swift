import SluiceCore

/// A pipeline's schedule as the runner sees it: fire times and data intervals.
///
/// A run's logical date is the start of its data interval (Airflow's convention): the
/// `@daily` run for 2024-01-02 covers [2024-01-02 00:00, 2024-01-03 00:00) and is due
/// once that interval has ended. Without a schedule a run covers one day (UTC or the
/// pipeline's zone).
public struct PipelineSchedule: Sendable {
    public let schedule: Schedule

    /// - Throws: ``PipelineError`` `.invalidSpec` for a bad cron expression or an unknown zone
    ///   (the message says which field or name and what to do).
    public init(_ text: String?, timeZone: String = "UTC") throws {
        do {
            schedule = try Schedule(text ?? "@daily", timeZone: timeZone)
        } catch let error as ScheduleError {
            throw PipelineError(.invalidSpec, message: error.message, hint: error.hint)
        }
    }

    /// The first fire time strictly after `instant` (µs since the epoch, UTC).
    public func next(after instant: Int64) -> Int64 { schedule.cron.next(after: instant, in: schedule.timeZone) }

    /// The latest fire time at or before `instant`.
    public func previous(atOrBefore instant: Int64) -> Int64 { schedule.cron.previous(atOrBefore: instant, in: schedule.timeZone) }

    /// The logical date a `--date` names: a fire time itself, else for a midnight (a plain
    /// date) the first fire time of that local day, else the latest fire time before it.
    public func logicalDate(for instant: Int64) -> Int64 {
        let before = previous(atOrBefore: instant)
        if before == instant { return instant }
        if instant % 86_400_000_000 == 0 {
            let days = Int(instant / 86_400_000_000)
            let (y, m, d) = CivilCalendar.civil(fromDays: days)
            let dayStart = schedule.startOfDay(year: y, month: m, day: d)
            let first = next(after: dayStart - 1)
            if first < dayStart + 86_400_000_000 { return first }
        }
        return before
    }
}
