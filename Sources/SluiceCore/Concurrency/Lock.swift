import Synchronization

/// The one plain lock: a `Synchronization.Mutex` around a critical section that
/// guards state declared next to it (address-stable, no allocation).
///
/// A class whose fields are read and written from several threads holds one and says
/// which fields it guards (its `@unchecked Sendable` comment names it). Code that must
/// wait for a state change uses ``BoundedQueue`` or, for other state, ``Condition`` (the
/// one mutex a thread can wait on) instead.
///
/// ```swift
/// let lock = Lock()
/// lock.locked { counter += 1 }
/// ```
package final class Lock: Sendable {
    private let mutex = Mutex(())

    package init() {}

    /// Runs `body` holding the lock; returns what it returns, throws what it throws.
    @inline(__always)
    package func locked<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        try mutex.withLock { (_: inout sending ()) throws(E) -> sending T in try body() }
    }
}
