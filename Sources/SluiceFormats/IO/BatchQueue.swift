#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A bounded, blocking hand-off of batches from one producer thread to one
/// consumer: the producer waits while `capacity` batches are queued, so a slow
/// consumer slows the producer and memory stays bounded (backpressure).
///
/// `@unchecked Sendable`: every field is guarded by `mutex`.
final class BatchQueue<Element: Sendable>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var items: [Element] = []
    private let capacity: Int
    private var finished = false
    private var cancelled = false
    private var failure: (any Error)?

    init(capacity: Int) {
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
    func put(_ item: Element) -> Bool {
        locked {
            while items.count >= capacity && !cancelled { pthread_cond_wait(changed, mutex) }
            guard !cancelled else { return false }
            items.append(item)
            pthread_cond_broadcast(changed)
            return true
        }
    }

    /// The producer is done; `error` says why it stopped early, if it did.
    func finish(throwing error: (any Error)? = nil) {
        locked {
            finished = true
            failure = error
            pthread_cond_broadcast(changed)
        }
    }

    /// The consumer gives up: the producer's next `put` returns `false`.
    func cancel() {
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
    func take() throws -> Element? {
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
