/// Tracks batches from the moment their records are sent until every one of them
/// is acknowledged by an output or the dead-letter output, so the source's
/// position only ever moves past records that are safe.
///
/// Batches complete in order: a batch's position is acknowledged only when it and
/// every batch before it are complete. Failed deliveries wait for a retry.
final class DeliveryTracker {
    struct Pending {
        let batch: RawBatch
        var remaining: Int
    }
    struct Retry {
        var ticket: Int
        var row: Int
        var sink: Int
        var payload: [UInt8]
        var attempts: Int
        var due: ContinuousClock.Instant
        var error: String
    }

    private var pending: [Pending] = []
    private var head = 0
    /// Ticket of `pending[head]`.
    private var headTicket = 1
    private(set) var retries: [Retry] = []
    /// Delivered counts per sink index.
    private(set) var delivered: [Int] = []

    /// Batches sent and not yet complete.
    var inFlight: Int { pending.count - head }

    /// Starts tracking `batch`, whose `count` records were sent under the returned ticket.
    func register(_ batch: RawBatch, expecting count: Int) -> Int {
        pending.append(Pending(batch: batch, remaining: count))
        return headTicket + pending.count - 1 - head
    }

    func batch(_ ticket: Int) -> RawBatch? {
        let i = head + ticket - headTicket
        return i >= head && i < pending.count ? pending[i].batch : nil
    }

    /// `count` records of `ticket` are durable in sink `sink`.
    func acknowledge(_ ticket: Int, sink: Int, count: Int = 1) {
        let i = head + ticket - headTicket
        precondition(i >= head && i < pending.count, "acknowledgement for unknown batch \(ticket)")
        pending[i].remaining -= count
        while delivered.count <= sink { delivered.append(0) }
        delivered[sink] += count
    }

    /// First retry delay, doubled per attempt (at most 32 times).
    var backoff: Duration = .milliseconds(100)
    private struct Key: Hashable { var ticket: Int, row: Int, sink: Int }
    private var attempts: [Key: Int] = [:]

    /// A record of `ticket` failed in `sink`; it is retried after an exponential backoff.
    func fail(_ ticket: Int, row: Int, sink: Int, payload: [UInt8], error: String) {
        let key = Key(ticket: ticket, row: row, sink: sink)
        let n = (attempts[key] ?? 0) + 1
        attempts[key] = n
        let delay = backoff * Int(1 << Swift.min(n - 1, 5))
        retries.append(Retry(ticket: ticket, row: row, sink: sink, payload: payload, attempts: n,
                             due: .now + delay, error: error))
    }

    /// Forgets the attempt count of a record that has been dealt with.
    func forget(_ retry: Retry) {
        attempts[Key(ticket: retry.ticket, row: retry.row, sink: retry.sink)] = nil
    }

    /// Removes and returns the retries that are due.
    func dueRetries() -> [Retry] {
        let now = ContinuousClock.now
        let due = retries.filter { $0.due <= now }
        retries.removeAll { $0.due <= now }
        return due
    }

    /// Removes and returns the leading batches that are complete, in order.
    func popCompleted() -> [RawBatch] {
        var done: [RawBatch] = []
        while head < pending.count, pending[head].remaining == 0 {
            done.append(pending[head].batch)
            head += 1
            headTicket += 1
        }
        if head > 64 && head * 2 > pending.count {
            pending.removeFirst(head)
            head = 0
        }
        return done
    }
}
