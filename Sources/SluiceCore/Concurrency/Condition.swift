#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one waitable lock: a mutex with a condition variable, for code that must wait
/// until another thread changes the state the mutex guards (``BoundedQueue``,
/// `BufferedObserver`). A `Synchronization.Mutex` cannot be waited on, so this is the
/// only place in Sluice that calls `pthread_mutex_*` / `pthread_cond_*`. Both are
/// allocated once, so their addresses never move.
///
/// ``wait()``, ``wait(until:)`` and ``broadcast()`` are called only inside ``locked(_:)``
/// (by the thread that holds the mutex).
///
/// ```swift
/// let condition = Condition()
/// var ready = false                      // guarded by `condition`
/// // consumer
/// condition.locked { while !ready { condition.wait() } }
/// // producer
/// condition.locked { ready = true; condition.broadcast() }
/// ```
package final class Condition: @unchecked Sendable {   // the pthread objects are thread-safe by contract; the pointers never change
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    package init() {
        pthread_mutex_init(mutex, nil)
        #if canImport(Glibc)
        // Timed waits measure against the monotonic clock: a wall-clock jump neither
        // ends a wait early nor stretches it.
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(changed, &attributes)
        pthread_condattr_destroy(&attributes)
        #else
        pthread_cond_init(changed, nil)
        #endif
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        changed.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` holding the mutex; returns what it returns, throws what it throws.
    @inline(__always)
    package func locked<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Releases the mutex until another thread calls ``broadcast()`` (or a spurious
    /// wake-up), then holds it again. Call in a loop that rechecks the state.
    package func wait() {
        pthread_cond_wait(changed, mutex)
    }

    /// Like ``wait()``, but gives up at `deadline`. Returns `false` when the deadline
    /// passed without a wake-up, `true` when woken (the caller rechecks the state).
    package func wait(until deadline: Deadline) -> Bool {
        var time = deadline.time
        return pthread_cond_timedwait(changed, mutex, &time) == 0
    }

    /// Wakes every thread waiting on this condition.
    package func broadcast() {
        pthread_cond_broadcast(changed)
    }

    /// A point in time for ``Condition/wait(until:)``, on the clock the condition waits on.
    package struct Deadline: Sendable {
        fileprivate let time: timespec

        /// `seconds` from now (negative or zero: already passed).
        package init(secondsFromNow seconds: Double) {
            var now = timespec()
            #if canImport(Glibc)
            clock_gettime(CLOCK_MONOTONIC, &now)
            #else
            clock_gettime(CLOCK_REALTIME, &now)
            #endif
            let clamped = Swift.min(Swift.max(seconds, 0), 1e9)   // ~31 years: no overflow of tv_sec
            let whole = Int(clamped)
            var deadline = now
            deadline.tv_sec += whole
            deadline.tv_nsec += Int((clamped - Double(whole)) * 1e9)
            if deadline.tv_nsec >= 1_000_000_000 { deadline.tv_sec += 1; deadline.tv_nsec -= 1_000_000_000 }
            time = deadline
        }
    }
}
