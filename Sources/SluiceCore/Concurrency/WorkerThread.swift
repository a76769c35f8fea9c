#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A thread of its own for blocking work (a reader feeding a queue, a socket accept
/// loop, a slow observer), so Swift concurrency's cooperative pool is never blocked.
///
/// The one way Sluice starts threads. A thread that cannot be started is a
/// ``ThreadStartError`` — never a silent fallback that could leave a producer and its
/// consumer waiting on each other.
///
/// ```swift
/// let worker = try WorkerThread.start(name: "prefetch") { produce() }
/// consume()
/// worker.join()
/// ```
package final class WorkerThread: @unchecked Sendable {   // `thread` is written once, in `start`, before the handle is shared
    private var thread = pthread_t()
    private let joinable: Bool

    private init(joinable: Bool) { self.joinable = joinable }

    private final class Work {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Starts `body` on a new thread.
    ///
    /// - Parameters:
    ///   - name: what the thread does, for the error message.
    ///   - detached: whether nobody will ``join()`` it (it frees itself when `body` returns).
    ///   - stackSize: bytes of stack, when the default (8 MiB on Linux) is not enough.
    ///   - body: the work.
    /// - Throws: ``ThreadStartError`` when the system refuses a thread (`body` has not run).
    @discardableResult
    package static func start(name: String, detached: Bool = false, stackSize: Int? = nil,
                              _ body: @escaping @Sendable () -> Void) throws(ThreadStartError) -> WorkerThread {
        let handle = WorkerThread(joinable: !detached)
        let work = Unmanaged.passRetained(Work(body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        if detached { pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED)) }
        if let stackSize { pthread_attr_setstacksize(&attributes, stackSize) }
        let status = pthread_create(&handle.thread, &attributes, { raw in
            #if canImport(Darwin)
            let work = Unmanaged<Work>.fromOpaque(raw).takeRetainedValue()
            #else
            let work = Unmanaged<Work>.fromOpaque(raw!).takeRetainedValue()
            #endif
            work.body()
            return nil
        }, work)
        guard status == 0 else {
            Unmanaged<Work>.fromOpaque(work).release()
            throw ThreadStartError(name: name, status: status)
        }
        return handle
    }

    /// Waits until the thread's work has returned (only for threads not started detached).
    package func join() {
        precondition(joinable, "join() on a detached WorkerThread")
        pthread_join(thread, nil)
    }
}

/// The system refused to start a thread (too many threads, no memory).
public struct ThreadStartError: SluiceError, Equatable {
    /// What the thread was for.
    public var name: String
    /// `pthread_create`'s status (`EAGAIN`, `ENOMEM`, …).
    public var status: Int32

    public init(name: String, status: Int32) {
        self.name = name
        self.status = status
    }

    /// Transient: threads and memory come back when other work ends.
    public var category: ErrorCategory { .transientIO }
    public var location: ErrorLocation? { nil }
    public var message: String { "cannot start a thread for \(name): \(String(cString: strerror(status)))" }
    public var hint: String? { "the system is out of threads or memory; lower the parallelism or retry later" }
    public var codeName: String { "threadStart" }
    public var description: String { ErrorFormatter.format(self) }
}

/// Runs `background` on a worker thread while the caller runs `foreground`, and
/// returns when both are done.
///
/// A dedicated thread, not a dispatch queue: callers may be running on Swift
/// concurrency's cooperative pool (built on the global dispatch queues), where
/// blocking on work queued to the same pool can stall for a long time.
///
/// - Throws: ``ThreadStartError`` when no thread can be started (neither closure has run):
///   running them one after the other instead could leave a producer waiting forever
///   for its consumer.
package func runConcurrently(_ foreground: () -> Void, _ background: @escaping @Sendable () -> Void) throws(ThreadStartError) {
    let worker = try WorkerThread.start(name: "parallel work", background)
    foreground()
    worker.join()
}
