import CRdKafka
import Foundation
import SluiceCore
import SluiceFormats
import SluiceTestSupport
import Testing
@testable import SluiceStream

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
