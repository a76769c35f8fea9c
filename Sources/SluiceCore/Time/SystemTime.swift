#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The wall-clock time in microseconds since the Unix epoch (UTC): the one reading of
/// the system's real-time clock (`now()` in expressions, check and history timestamps,
/// stream events, the pipeline's ``SystemClock``). Code that tests must control takes a
/// clock or a `now` argument instead of calling this.
public func currentMicroseconds() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000
}

/// Seconds on the monotonic clock, for measuring durations (never goes back).
public func monotonicSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}
