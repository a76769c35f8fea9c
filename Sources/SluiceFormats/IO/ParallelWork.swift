import SluiceCore

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
func runConcurrently(_ foreground: () -> Void, _ background: @escaping @Sendable () -> Void) throws(ThreadStartError) {
    let worker = try WorkerThread.start(name: "parallel read", background)
    foreground()
    worker.join()
}
