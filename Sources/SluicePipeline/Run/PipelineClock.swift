import SluiceCore

/// Time as the runner and scheduler see it, injectable so tests check retry delays
/// and schedules without sleeping.
public protocol PipelineClock: Sendable {
    /// Wall-clock time, µs since the Unix epoch (UTC).
    func now() -> Int64
    /// Waits `microseconds` (returns early by throwing when the task is cancelled).
    func sleep(microseconds: Int64) async throws
}

/// The real clock.
public struct SystemClock: PipelineClock {
    public init() {}

    public func now() -> Int64 { currentMicroseconds() }

    public func sleep(microseconds: Int64) async throws {
        guard microseconds > 0 else { return }
        try await Task.sleep(nanoseconds: UInt64(microseconds) * 1_000)
    }
}
