#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `background` on a dedicated thread while the caller runs `foreground`,
/// and returns when both are done.
///
/// A dedicated thread, not a dispatch queue: callers may be running on Swift
/// concurrency's cooperative pool (built on the global dispatch queues), where
/// blocking on work queued to the same pool can stall for a long time.
func runConcurrently(_ foreground: () -> Void, _ background: @escaping @Sendable () -> Void) {
    final class Box: @unchecked Sendable {   // handed to exactly one thread
        let work: @Sendable () -> Void
        init(_ work: @escaping @Sendable () -> Void) { self.work = work }
    }
    let box = Unmanaged.passRetained(Box(background)).toOpaque()
    var thread = pthread_t()
    let created = pthread_create(&thread, nil, { context in
        let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
        box.work()
        return nil
    }, box)
    if created != 0 {
        // No thread to be had: run both here, one after the other.
        Unmanaged<Box>.fromOpaque(box).takeRetainedValue().work()
        foreground()
        return
    }
    foreground()
    pthread_join(thread, nil)
}
