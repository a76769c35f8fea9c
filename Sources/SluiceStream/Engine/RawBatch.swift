import SluiceCore

/// Records as they arrived: their bytes, one after another, and where each came
/// from (a Kafka partition and offset, or a file line).
///
/// A batch lives until every record in it is acknowledged by an output or the
/// dead-letter output, so a record can be dead-lettered with its original bytes
/// even after several delivery attempts.
public final class RawBatch: @unchecked Sendable {   // built by one source, then only read
    /// Record bytes, back to back.
    @exclusivity(unchecked) package private(set) var bytes: RawBuffer
    /// Record `i` is `bytes[starts[i]..<ends[i]]`.
    @exclusivity(unchecked) public private(set) var starts: [Int] = []
    @exclusivity(unchecked) public private(set) var ends: [Int] = []
    /// Kafka partition of each record (-1 for files).
    @exclusivity(unchecked) public private(set) var partitions: [Int32] = []
    /// Kafka offset, or 1-based line number, of each record.
    @exclusivity(unchecked) public private(set) var offsets: [Int64] = []
    /// The topic or file the records came from.
    public let origin: String
    /// Whether `origin` is a Kafka topic (else a file path, `-` for standard input).
    public let isKafka: Bool
    /// For files: the byte offset and line count just past the batch's last record.
    /// Set by the file source while it builds the batch, before the batch is shared.
    public internal(set) var fileEnd: (byteOffset: Int64, line: Int64)?

    public init(origin: String, isKafka: Bool, capacity: Int = 10_000) {
        self.origin = origin
        self.isKafka = isKafka
        bytes = RawBuffer(capacity: capacity * 256)
        starts.reserveCapacity(capacity)
        ends.reserveCapacity(capacity)
        partitions.reserveCapacity(capacity)
        offsets.reserveCapacity(capacity)
    }

    /// Number of records.
    @exclusivity(unchecked) public private(set) var count = 0

    /// Frees the record bytes, keeping the positions (once no output can fail a
    /// record and need its original bytes for the DLQ).
    func releaseRecords() {
        bytes = RawBuffer(capacity: 0)
        starts = []; ends = []
    }

    /// Appends a record.
    package func append(_ record: UnsafeRawBufferPointer, partition: Int32 = -1, offset: Int64) {
        starts.append(bytes.count)
        if let base = record.baseAddress, record.count > 0 { bytes.append(base, byteCount: record.count) }
        ends.append(bytes.count)
        partitions.append(partition)
        offsets.append(offset)
        count += 1
    }

    /// Appends a record given as bytes (for tests and the Swift API).
    public func append(_ record: [UInt8], partition: Int32 = -1, offset: Int64) {
        record.withUnsafeBytes { append($0, partition: partition, offset: offset) }
    }

    /// The bytes of record `index`, valid while the batch is alive.
    @inline(__always)
    package func record(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: bytes.pointer.assumingMemoryBound(to: UInt8.self) + starts[index],
                            count: ends[index] - starts[index])
    }
}
