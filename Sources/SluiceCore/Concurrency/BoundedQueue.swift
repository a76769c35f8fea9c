/// The one bounded queue: a blocking hand-off of items (batches) from one producer
/// thread to one consumer. The producer waits while `capacity` items are queued, so a
/// slow consumer slows the producer and memory stays bounded (backpressure); the
/// consumer waits for an item or the end; either side can stop the other
/// (``cancel()``, ``finish(throwing:)``).
///
/// ```swift
/// let queue = BoundedQueue<Table>(capacity: 2)
/// let producer = try WorkerThread.start(name: "reader") {
///     while let batch = next() { if !queue.put(batch) { break } }
///     queue.finish()
/// }
/// while let batch = try queue.take() { write(batch) }
/// producer.join()
/// ```
///
/// Its state is guarded by one ``Condition`` (a mutex a thread can wait on).
package final class BoundedQueue<Element: Sendable>: @unchecked Sendable {   // every field is guarded by `changed`
    private let changed = Condition()
    private var items: [Element] = []
    private let capacity: Int
    private var finished = false
    private var cancelled = false
    private var failure: (any Error)?

    package init(capacity: Int) {
        self.capacity = Swift.max(capacity, 1)
    }

    /// Queues `item`, waiting for room. Returns `false` when the consumer has
    /// cancelled: the producer should stop.
    package func put(_ item: Element) -> Bool {
        changed.locked {
            while items.count >= capacity && !cancelled { changed.wait() }
            guard !cancelled else { return false }
            items.append(item)
            changed.broadcast()
            return true
        }
    }

    /// The producer is done; `error` says why it stopped early, if it did.
    package func finish(throwing error: (any Error)? = nil) {
        changed.locked {
            finished = true
            failure = error
            changed.broadcast()
        }
    }

    /// The consumer gives up: the producer's next `put` returns `false`.
    package func cancel() {
        changed.locked {
            cancelled = true
            items.removeAll()
            changed.broadcast()
        }
    }

    /// The next item, waiting for one; `nil` once the producer finished and the
    /// queue is empty.
    ///
    /// - Throws: the producer's error, after the items queued before it.
    package func take() throws -> Element? {
        let (item, error): (Element?, (any Error)?) = changed.locked {
            while items.isEmpty && !finished { changed.wait() }
            if !items.isEmpty {
                let item = items.removeFirst()
                changed.broadcast()
                return (item, nil)
            }
            return (nil, failure)
        }
        if let error { throw error }
        return item
    }
}
