import Foundation
import Testing
@testable import SluiceStream
import SluiceTestSupport

/// The stream position's temporary is never written through a link; its lock is exclusive (issue 13 §1, §4).
@Suite("PositionFile safety")
struct PositionFileSafetyTests {
    @Test("a symlink planted at <position>.tmp is replaced, not followed")
    func plantedTemporary() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let victim = dir.appendingPathComponent("victim").path
        try "precious\n".write(toFile: victim, atomically: false, encoding: .utf8)
        let position = PositionFile(path: dir.appendingPathComponent("in.jsonl.s.position").path)
        #expect(symlink(victim, position.path + ".tmp") == 0)
        try position.store(offset: 10, line: 2)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
        #expect(try position.load()! == (10, 2))
    }

    @Test("the lock is exclusive until released")
    func exclusiveLock() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let position = PositionFile(path: dir.appendingPathComponent("p.position").path)
        var held: PositionLock? = try position.lock()
        #expect(held != nil)
        #expect(throws: StreamError.self) { _ = try position.lock() }
        held = nil
        #expect(throws: Never.self) { _ = try position.lock() }
    }
}
