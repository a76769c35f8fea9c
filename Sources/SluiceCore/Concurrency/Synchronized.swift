import Synchronization

/// A property that several threads may read and write: every access holds a
/// `Synchronization.Mutex`. For the settings of shared runners (`onEvent`,
/// `observer`, intervals) that callers set while another thread may read them.
///
/// ```swift
/// public final class Runner: Sendable {
///     @Synchronized public var observer: (any EventObserver)? = nil
/// }
/// ```
@propertyWrapper
public final class Synchronized<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    public init(wrappedValue: Value) {
        storage = Mutex(wrappedValue)
    }

    public var wrappedValue: Value {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
