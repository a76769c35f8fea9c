import SluiceCore

/// Reads the next batch on a worker thread while the caller inserts the current one,
/// so file parsing and database writes overlap. A ``BoundedQueue`` of one batch sits
/// in between: the reader is at most one batch ahead of the queue.
///
/// Used by one consumer thread; `close()` stops the reader (after the batch it is
/// reading) and waits for it.
final class BatchPrefetcher<Element: Sendable> {
    private let queue = BoundedQueue<Element>(capacity: 1)
    private let worker: WorkerThread
    private var finished = false

    /// The reader, handed to the worker thread, which alone calls it.
    private final class Producer: @unchecked Sendable {   // `produce` runs only on the worker thread
        let produce: () throws -> Element?
        init(_ produce: @escaping () throws -> Element?) { self.produce = produce }
    }

    /// Starts reading with `produce` on a worker thread.
    ///
    /// - Throws: ``ThreadStartError`` when no thread can be started.
    init(_ produce: @escaping () throws -> Element?) throws(ThreadStartError) {
        let producer = Producer(produce)
        let queue = self.queue
        worker = try WorkerThread.start(name: "load prefetch") {
            do {
                while let table = try producer.produce() {
                    if !queue.put(table) { return }   // closed: stop reading
                }
                queue.finish()
            } catch {
                queue.finish(throwing: error)
            }
        }
    }

    /// The next batch, nil at the end; rethrows the reader's error (once, then nil).
    func next() throws -> Element? {
        if finished { return nil }
        do {
            guard let table = try queue.take() else { finished = true; return nil }
            return table
        } catch {
            finished = true
            throw error
        }
    }

    /// Stops the worker thread (after the batch it is reading) and waits for it.
    func close() {
        queue.cancel()
        worker.join()
    }
}
