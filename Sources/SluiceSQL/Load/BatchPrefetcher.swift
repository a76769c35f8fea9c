import SluiceCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads the next batch on a background thread while the caller inserts the current one,
/// so file parsing and database writes overlap. Holds at most one batch read ahead.
///
/// `@unchecked Sendable`: `slot`, `finished` and `stopping` are guarded by `mutex`
/// (with `condition`); `produce` runs only on the background thread.
final class BatchPrefetcher: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var slot: Result<Table?, any Error>?
    private var stopping = false
    private var finished = false
    private let produce: () throws -> Table?
    private var thread = pthread_t()

    init(_ produce: @escaping () throws -> Table?) {
        self.produce = produce
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        let context = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&thread, nil, { raw in
            let prefetcher = Unmanaged<BatchPrefetcher>.fromOpaque(raw!).takeRetainedValue()
            prefetcher.run()
            return nil
        }, context)
    }

    private func run() {
        while true {
            pthread_mutex_lock(mutex)
            while slot != nil && !stopping { pthread_cond_wait(condition, mutex) }
            let stop = stopping
            pthread_mutex_unlock(mutex)
            if stop { return }
            let result = Result { try produce() }
            pthread_mutex_lock(mutex)
            slot = result
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
            if case .success(let table) = result, table != nil { continue }
            return   // end of input or an error: nothing more to read
        }
    }

    /// The next batch, nil at the end; rethrows the reader's error.
    func next() throws -> Table? {
        pthread_mutex_lock(mutex)
        if finished { pthread_mutex_unlock(mutex); return nil }
        while slot == nil { pthread_cond_wait(condition, mutex) }
        let result = slot!
        slot = nil
        if case .success(let table) = result, table != nil {} else { finished = true }
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
        return try result.get()
    }

    /// Stops the background thread (after the batch it is reading) and waits for it.
    func close() {
        pthread_mutex_lock(mutex)
        stopping = true
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
        pthread_join(thread, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }
}
