import Foundation
import SluiceCore
@testable import SluicePipeline
import SluiceTestSupport

/// A clock whose sleeps return at once, recording what was asked, and whose time
/// advances by each sleep: retry delays are checked without waiting.
final class ManualClock: PipelineClock, @unchecked Sendable {
    private let lock = Lock()
    private var current: Int64
    private var recorded: [Int64] = []

    init(start: Int64 = 1_700_000_000_000_000) { current = start }

    func now() -> Int64 { lock.locked { current } }

    func sleep(microseconds: Int64) async throws {
        try Task.checkCancellation()
        lock.locked {
            recorded.append(microseconds)
            current += max(0, microseconds)
        }
        await Task.yield()
    }

    var sleeps: [Int64] { lock.locked { recorded } }
}

/// Counts calls across concurrent tasks.
final class Counter: @unchecked Sendable {
    private let lock = Lock()
    private var counts: [String: Int] = [:]

    @discardableResult
    func increment(_ key: String) -> Int { lock.locked { counts[key, default: 0] += 1; return counts[key]! } }
    func count(_ key: String) -> Int { lock.locked { counts[key, default: 0] } }
}

/// A temporary directory with a state store in it.
struct Workspace {
    let directory: URL

    init() throws {
        directory = try temporaryDirectory("pipeline")
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func store() throws -> StateStore { try StateStore(url: "sqlite:" + path("state.db")) }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
    }

    /// Parses pipeline YAML written to `pipeline.yaml` in the workspace.
    func pipeline(_ yaml: String) throws -> Pipeline {
        try write("pipeline.yaml", yaml)
        return try Pipeline.load(path: path("pipeline.yaml"))
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// 2024-01-02 as µs since the epoch.
func day(_ text: String) -> Int64 {
    guard case .date(let days)? = ScalarParser.value(text, as: .date) else { fatalError("bad date \(text)") }
    return Int64(days) * 86_400_000_000
}

/// Expects `body` to throw a ``PipelineError`` and returns it.
func pipelineError(_ body: () throws -> Void) -> PipelineError? {
    do { try body() } catch let error as PipelineError { return error } catch { return nil }
    return nil
}
