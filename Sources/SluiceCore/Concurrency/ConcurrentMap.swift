import Dispatch

/// `transform(0)`, …, `transform(count - 1)` computed on all cores
/// (`DispatchQueue.concurrentPerform`), returned in index order: the one parallel map
/// (suite columns, reference files, lazy columns, stream batches).
///
/// ```swift
/// let columns = concurrentMap(pending.count) { k in materialize(pending[k]) }
/// ```
///
/// For work that can fail, return a `Result` and unwrap in order, so the error of the
/// lowest index is the one thrown whatever the timing.
///
/// - Parameters:
///   - count: how many results; 0 gives `[]`.
///   - transform: computes result `i`; called once per index, from any thread.
package func concurrentMap<T>(_ count: Int, _ transform: @Sendable (Int) -> T) -> [T] {
    guard count > 0 else { return [] }
    return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        // Slot i is initialised only by iteration i, and the array is read only after
        // concurrentPerform has returned (every iteration finished): no lock needed.
        nonisolated(unsafe) let slots = buffer.baseAddress!
        DispatchQueue.concurrentPerform(iterations: count) { i in
            (slots + i).initialize(to: transform(i))
        }
        initialized = count
    }
}
