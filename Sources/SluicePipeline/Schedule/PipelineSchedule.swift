/// A pipeline's schedule as the runner sees it: fire times and data intervals.
///
/// A run's logical date is the start of its data interval (Airflow's convention): the
/// `@daily` run for 2024-01-02 covers [2024-01-02 00:00, 2024-01-03 00:00) and is due
/// once that interval has ended. Without a schedule, a run covers one day.
public struct PipelineSchedule: Sendable {
    public let text: String?
    public let timeZone: String

    /// - Throws: ``PipelineError`` `.invalidSpec` for an unknown expression or zone.
    public init(_ text: String?, timeZone: String = "UTC") throws {
        self.text = text
        self.timeZone = timeZone
        if let text, Self.presetStep(text) == nil {
            throw PipelineError(.invalidSpec, message: "unknown schedule \"\(text)\"", hint: "use @hourly, @daily, @weekly or @monthly")
        }
        guard timeZone == "UTC" else {
            throw PipelineError(.invalidSpec, message: "unknown time zone \"\(timeZone)\"", hint: "use UTC")
        }
    }

    static func presetStep(_ text: String) -> Int64? {
        switch text {
        case "@hourly": 3_600_000_000
        case "@daily": 86_400_000_000
        case "@weekly": 7 * 86_400_000_000
        default: nil
        }
    }

    /// The first fire time strictly after `instant` (µs since the epoch, UTC).
    public func next(after instant: Int64) -> Int64 {
        let step = text.flatMap(Self.presetStep) ?? 86_400_000_000
        let offset: Int64 = text == "@weekly" ? 4 * 86_400_000_000 : 0   // 1970-01-01 was a Thursday; weeks start Sunday
        let (q, _) = (instant - offset).quotientAndRemainder(dividingBy: step)
        var candidate = q * step + offset
        while candidate <= instant { candidate += step }
        return candidate
    }

    /// The latest fire time at or before `instant`.
    public func previous(atOrBefore instant: Int64) -> Int64 {
        let step = text.flatMap(Self.presetStep) ?? 86_400_000_000
        return next(after: instant - step)
    }
}
