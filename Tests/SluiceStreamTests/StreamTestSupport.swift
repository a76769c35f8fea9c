import CRdKafka
import Foundation
import SluiceCore
import SluiceFormats
import Testing
@testable import SluiceStream

/// One mock Kafka cluster for the whole suite (each test uses its own topics and group).
enum TestCluster {
    static let shared: KafkaMockCluster = try! KafkaMockCluster(brokers: 3)

    /// A topic name unique to this run.
    static func topic(_ base: String, partitions: Int) throws -> String {
        let name = "\(base)-\(UUID().uuidString.prefix(8))"
        try shared.createTopic(name, partitions: partitions)
        return name
    }
}

/// A plain producer for test input.
func produce(_ records: [[UInt8]], to topic: String, brokers: String = TestCluster.shared.bootstrapServers) throws {
    let conf = try KafkaConfiguration.make([("bootstrap.servers", brokers), ("linger.ms", "5"), ("log_level", "3"),
                                            ("sticky.partitioning.linger.ms", "0")])   // spread keyless records over every partition
    let rk = try KafkaConfiguration.client(RD_KAFKA_PRODUCER, conf)
    defer { rd_kafka_destroy(rk) }
    let rkt = rd_kafka_topic_new(rk, topic, nil)
    defer { rd_kafka_topic_destroy(rkt) }
    for record in records {
        while true {
            let rc = record.withUnsafeBytes {
                rd_kafka_produce(rkt, sluice_kafka_partition_unassigned, RD_KAFKA_MSG_F_COPY,
                                 UnsafeMutableRawPointer(mutating: $0.baseAddress), $0.count, nil, 0, nil)
            }
            if rc == 0 { break }
            rd_kafka_poll(rk, 10)
        }
    }
    _ = rd_kafka_flush(rk, 30_000)
}

/// One message read back.
struct ReadMessage: Equatable {
    var partition: Int32
    var offset: Int64
    var text: String
}

/// Every message of `topic`, read with an assigned (group-less) consumer up to the end of each partition.
func readAll(_ topic: String, partitions: Int, brokers: String = TestCluster.shared.bootstrapServers) throws -> [ReadMessage] {
    let conf = try KafkaConfiguration.make([("bootstrap.servers", brokers), ("group.id", "reader-\(UUID().uuidString)"),
                                            ("enable.partition.eof", "true"), ("auto.offset.reset", "earliest"),
                                            ("enable.auto.commit", "false"), ("log_level", "3")])
    let rk = try KafkaConfiguration.client(RD_KAFKA_CONSUMER, conf)
    defer { rd_kafka_consumer_close(rk); rd_kafka_destroy(rk) }
    let list = rd_kafka_topic_partition_list_new(Int32(partitions))!
    defer { rd_kafka_topic_partition_list_destroy(list) }
    for p in 0..<partitions { rd_kafka_topic_partition_list_add(list, topic, Int32(p))!.pointee.offset = -2 /* beginning */ }
    rd_kafka_assign(rk, list)
    var result: [ReadMessage] = []
    var ended = Set<Int32>()
    let deadline = Date().addingTimeInterval(60)
    while ended.count < partitions && Date() < deadline {
        guard let m = rd_kafka_consumer_poll(rk, 200) else { continue }
        defer { rd_kafka_message_destroy(m) }
        if m.pointee.err == RD_KAFKA_RESP_ERR__PARTITION_EOF { ended.insert(m.pointee.partition); continue }
        guard m.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
        ended.remove(m.pointee.partition)
        let bytes = UnsafeRawBufferPointer(start: m.pointee.payload, count: m.pointee.len)
        result.append(ReadMessage(partition: m.pointee.partition, offset: m.pointee.offset, text: String(decoding: bytes, as: UTF8.self)))
    }
    return result
}

/// Committed offsets of `group` on `topic`, per partition (-1001 when none).
func committedOffsets(group: String, topic: String, partitions: Int) throws -> [Int32: Int64] {
    let conf = try KafkaConfiguration.make([("bootstrap.servers", TestCluster.shared.bootstrapServers), ("group.id", group), ("log_level", "3")])
    let rk = try KafkaConfiguration.client(RD_KAFKA_CONSUMER, conf)
    defer { rd_kafka_destroy(rk) }
    let list = rd_kafka_topic_partition_list_new(Int32(partitions))!
    defer { rd_kafka_topic_partition_list_destroy(list) }
    for p in 0..<partitions { rd_kafka_topic_partition_list_add(list, topic, Int32(p)) }
    let err = rd_kafka_committed(rk, list, 10_000)
    guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw StreamError(.kafka, message: kafkaErrorText(err)) }
    var result: [Int32: Int64] = [:]
    for i in 0..<Int(list.pointee.cnt) { result[list.pointee.elems[i].partition] = list.pointee.elems[i].offset }
    return result
}

/// A field of a flat JSON object line, as text (strings unquoted), for assertions.
func field(_ name: String, in line: String) -> String? {
    guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let value = object[name] else { return nil }
    if let s = value as? String { return s }
    if value is NSNull { return nil }
    if let n = value as? NSNumber { return n.stringValue }
    let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
    return data.map { String(decoding: $0, as: UTF8.self) }
}

/// Parsed JSON object (for assertions only).
func object(_ line: String) -> [String: Any]? {
    try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
}

/// The built `sluice` binary (next to the test bundle, or `$SLUICE_BIN`).
var sluiceBinary: URL {
    if let path = ProcessInfo.processInfo.environment["SLUICE_BIN"] { return URL(fileURLWithPath: path) }
    let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var directory = runner.deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = directory.appendingPathComponent("sluice")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        directory = directory.deletingLastPathComponent()
    }
    return runner.deletingLastPathComponent().appendingPathComponent("sluice")
}

/// Starts `sluice arguments…` with extra environment; stderr goes to `log`.
func startSluice(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Process {
    let process = Process()
    process.executableURL = sluiceBinary
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let log = directory.appendingPathComponent("sluice-\(UUID().uuidString.prefix(6)).log")
    FileManager.default.createFile(atPath: log.path, contents: nil)
    let handle = try FileHandle(forWritingTo: log)
    process.standardError = handle
    process.standardOutput = handle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    return process
}

/// Waits until `condition` holds, polling (gives up after 60 s and returns false).
func waitUntil(_ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline {
        if try condition() { return true }
        usleep(50_000)
    }
    return false
}

/// A fresh temporary directory.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-stream-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The user-events example processors with the given endpoints.
func userEventsSpec(input: String, output: String, deadLetter: String, settings: String = "") -> String {
    """
    stream: user_events
    input: \(input)
    processors:
      - validate:
          required: [user_id, event_type, timestamp]
          types: { user_id: string, event_type: string }
      - enrich:
          fields:
            processed_at: now()
            event_id: "user_id || '_' || timestamp"
          defaults:
            metadata: {}
      - map:
          id: event_id
          user_id: user_id
          event_type: event_type
          timestamp: timestamp
          processed_at: processed_at
          metadata: metadata
    output: \(output)
    dead_letter: \(deadLetter)
    \(settings)
    """
}

/// Lines of a file.
func lines(_ url: URL) throws -> [String] {
    let text = try String(contentsOf: url, encoding: .utf8)
    return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0).map(String.init)
}

/// A test observer: once `batches` batches have been sent to the outputs (not yet acknowledged
/// or committed), it writes `<pid> <records read>` to `marker` and holds the run thread still
/// until the process is killed — a crash between produce and commit, with no hook in the product.
struct HoldAfterSending: EventObserver {
    let batches: Int
    let marker: String

    func streamBatchSent(_ event: StreamBatchSent) {
        guard event.sequence >= batches else { return }
        try? "\(getpid()) \(event.recordsInTotal)".write(toFile: marker + ".tmp", atomically: false, encoding: .utf8)
        rename(marker + ".tmp", marker)
        while true { sleep(1) }
    }
}

/// Runs the stream spec at `specPath` in a child process (an exit test) that holds still after
/// sending `batches` batches; meanwhile, in this process, `whileHeld(records read)` runs (wait
/// for what the child wrote), then the child is killed with SIGKILL.
func runAndKill(specPath: String, afterBatches batches: Int, whileHeld: @escaping @Sendable (Int) throws -> Void) async throws {
    let marker = specPath + ".held"
    let killer = Thread {
        var pid: Int32 = 0, sent = 0
        let found = waitUntil {
            guard let text = try? String(contentsOfFile: marker, encoding: .utf8) else { return false }
            let parts = text.split(separator: " ")
            pid = Int32(parts[0])!
            sent = Int(parts[1])!
            return true
        }
        guard found else { return }
        do { try whileHeld(sent) } catch { Issue.record(error) }
        kill(pid, SIGKILL)
    }
    killer.start()
    await #expect(processExitsWith: .signal(SIGKILL)) { [specPath = specPath as String, batches = batches as Int, marker = marker as String] in
        let runner = try StreamRunner(spec: try StreamSpec(contentsOfFile: specPath))
        runner.observer = HoldAfterSending(batches: batches, marker: marker)
        try runner.run()
    }
    #expect(FileManager.default.fileExists(atPath: marker), "the child never held after \(batches) batches")
}
