#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    public func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1_000
    }

    public func sleep(microseconds: Int64) async throws {
        guard microseconds > 0 else { return }
        try await Task.sleep(nanoseconds: UInt64(microseconds) * 1_000)
    }
}

/// Seconds on a monotonic clock, for durations.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
