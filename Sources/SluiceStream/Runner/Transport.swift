/// Where a stream reads records. Sources remember how far records have been
/// acknowledged and make that durable on ``commit(final:)``.
protocol RecordSource: AnyObject {
    /// Up to `max` records, waiting at most `timeout` for the first; `nil` when none came.
    func read(max: Int, timeout: Duration) throws -> RawBatch?
    /// Whether the input is exhausted (a file without `--follow`, or stop-at-end reached).
    var isFinished: Bool { get }
    /// Every record of `batch` (and of every earlier batch) is safely in an output or the DLQ.
    func acknowledge(_ batch: RawBatch)
    /// Makes the acknowledged position durable (`final`: synchronously, at shutdown).
    func commit(final: Bool) throws
    /// Records not yet read (Kafka consumer lag), when known.
    var lag: Int64? { get }
    /// Records not yet read, per partition (Kafka; empty when unknown).
    var lagByPartition: [Int32: Int64] { get }
    func close()
}

extension RecordSource {
    var lagByPartition: [Int32: Int64] { [:] }
}

/// Where a stream writes records. A sink tells the ``DeliveryTracker`` when each
/// record is acknowledged (durable) or failed.
protocol RecordSink: AnyObject {
    /// A name for messages (`output`, `dead_letter`, a route's output).
    var name: String { get }
    /// Sends records; acknowledgements come later through the tracker.
    func send(_ records: EncodedRecords, ticket: Int) throws
    /// Sends one record again (a retry).
    func send(record: [UInt8], ticket: Int, row: Int) throws
    /// Serves acknowledgements without blocking long (file sinks: flush and fsync).
    func checkpoint() throws
    /// Serves acknowledgements, waiting at most `timeout` for one (file sinks: flush and fsync).
    func poll(timeout: Duration) throws
    /// Waits until everything sent is acknowledged or failed, at most `timeout`.
    func drain(timeout: Duration) throws
    func close()
}

/// Counts the runner keeps and reports.
public struct StreamCounters: Sendable, Equatable {
    /// Records read.
    public var input = 0
    /// Records delivered to an output.
    public var output = 0
    /// Records delivered to the dead-letter output.
    public var deadLettered = 0
    /// Records a filter dropped.
    public var filtered = 0
    /// Delivery retries.
    public var retries = 0
    public init() {}
}

/// A status snapshot, for the periodic status line.
public struct StreamStatus: Sendable {
    public var counters: StreamCounters
    /// Records read per second since the previous status.
    public var inputPerSecond: Double
    /// Records read per second since the start.
    public var averagePerSecond: Double
    /// Kafka consumer lag (records not yet read), when known.
    public var lag: Int64?
    /// Whether this is the final status at exit.
    public var isFinal: Bool

    /// `in 1,000,000  out 970,000  dlq 30,000  filtered 0  412,345/s  lag 0`
    public var line: String {
        func g(_ n: Int) -> String {
            let digits = String(n)
            var out = ""
            for (i, c) in digits.enumerated() {
                if i > 0 && (digits.count - i) % 3 == 0 && c != "-" { out += "," }
                out.append(c)
            }
            return out
        }
        var text = "in \(g(counters.input))  out \(g(counters.output))  dlq \(g(counters.deadLettered))  filtered \(g(counters.filtered))"
        if counters.retries > 0 { text += "  retries \(g(counters.retries))" }
        text += "  \(g(Int((isFinal ? averagePerSecond : inputPerSecond).rounded())))/s"
        if let lag { text += "  lag \(g(Int(lag)))" }
        return text
    }
}
