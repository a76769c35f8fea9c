import Synchronization

/// A value that test code shares between threads (observers, callbacks, fake servers):
/// every access holds one `Synchronization.Mutex`. Product code uses SluiceCore's `Lock`;
/// this is the test side's one box, in place of `NSLock` plus a `var`.
///
/// ```swift
/// let seen = Locked<[String]>([])
/// observer.onEvent = { seen.withLock { $0.append($0.description) } }
/// #expect(seen.value == ["started"])
/// ```
public final class Locked<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    /// A box holding `value`.
    public init(_ value: Value) { storage = Mutex(value) }

    /// Runs `body` on the value while holding the lock.
    public func withLock<T: Sendable>(_ body: (inout Value) throws -> T) rethrows -> T {
        try storage.withLock { value in try body(&value) }
    }

    /// The current value (a copy); setting replaces it.
    public var value: Value {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}

extension Locked {
    /// Appends `element` (for boxes of arrays).
    public func append<Element: Sendable>(_ element: Element) where Value == [Element] {
        withLock { $0.append(element) }
    }
}
