#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
/// A mutex with a condition variable (a `Synchronization.Mutex` cannot be waited on),
/// both allocated once so their addresses never move.
package final class BoundedQueue<Element: Sendable>: @unchecked Sendable {   // every field is guarded by `mutex` (with `changed`)
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var items: [Element] = []
    private let capacity: Int
    private var finished = false
    private var cancelled = false
    private var failure: (any Error)?

    package init(capacity: Int) {
        self.capacity = Swift.max(capacity, 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(changed, nil)
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        changed.deallocate()
    }

    private func locked<R>(_ body: () -> R) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    /// Queues `item`, waiting for room. Returns `false` when the consumer has
    /// cancelled: the producer should stop.
    package func put(_ item: Element) -> Bool {
        locked {
            while items.count >= capacity && !cancelled { pthread_cond_wait(changed, mutex) }
            guard !cancelled else { return false }
            items.append(item)
            pthread_cond_broadcast(changed)
            return true
        }
    }

    /// The producer is done; `error` says why it stopped early, if it did.
    package func finish(throwing error: (any Error)? = nil) {
        locked {
            finished = true
            failure = error
            pthread_cond_broadcast(changed)
        }
    }

    /// The consumer gives up: the producer's next `put` returns `false`.
    package func cancel() {
        locked {
            cancelled = true
            items.removeAll()
            pthread_cond_broadcast(changed)
        }
    }

    /// The next item, waiting for one; `nil` once the producer finished and the
    /// queue is empty.
    ///
    /// - Throws: the producer's error, after the items queued before it.
    package func take() throws -> Element? {
        let (item, error): (Element?, (any Error)?) = locked {
            while items.isEmpty && !finished { pthread_cond_wait(changed, mutex) }
            if !items.isEmpty {
                let item = items.removeFirst()
                pthread_cond_broadcast(changed)
                return (item, nil)
            }
            return (nil, failure)
        }
        if let error { throw error }
        return item
    }
}
