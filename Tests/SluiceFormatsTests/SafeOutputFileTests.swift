import Foundation
import SluiceCore
import Testing
@testable import SluiceFormats
import SluiceTestSupport

/// Temporaries that cannot be hijacked, leftovers cleaned, modes kept (issue 13 §4).
@Suite("OutputFile safety")
struct SafeOutputFileTests {
    static func directory() throws -> URL {
        let dir = try temporaryDirectory("safe")
        return dir
    }

    @Test("a symlink planted at the temporary's name is never written through")
    func plantedSymlinkIsNotFollowed() throws {
        let dir = try Self.directory(); defer { try? FileManager.default.removeItem(at: dir) }
        let victim = dir.appendingPathComponent("victim.txt").path
        try "precious\n".write(toFile: victim, atomically: false, encoding: .utf8)
        let out = dir.appendingPathComponent("out.csv").path
        #expect(symlink(victim, out + ".sluice-tmp-\(getpid())") == 0)
        try TableFile.write(try Table([("x", Column(int64: [1]))]), to: out)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "x\n1\n")
    }

    @Test("temporaries a killed process left are removed by the next write to the same target")
    func leftoversAreCleaned() throws {
        let dir = try Self.directory(); defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.csv").path
        // A process that exited: a child we started and waited for.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run(); child.waitUntilExit()
        let leftover = out + ".sluice-tmp-\(child.processIdentifier)"
        try "half".write(toFile: leftover, atomically: false, encoding: .utf8)
        let unrelated = dir.appendingPathComponent("other.csv.sluice-tmp-\(child.processIdentifier)").path
        try "other".write(toFile: unrelated, atomically: false, encoding: .utf8)
        try TableFile.write(try Table([("x", Column(int64: [1]))]), to: out)
        #expect(!FileManager.default.fileExists(atPath: leftover))
        #expect(FileManager.default.fileExists(atPath: unrelated))
    }

    @Test("replacing an existing output keeps its mode and group")
    func replaceKeepsModeAndGroup() throws {
        let dir = try Self.directory(); defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("secret.csv").path
        try "old\n".write(toFile: out, atomically: false, encoding: .utf8)
        #expect(chmod(out, 0o600) == 0)
        let group: gid_t = getuid() == 0 ? 4242 : getgid()
        #expect(chown(out, uid_t.max, group) == 0)
        try TableFile.write(try Table([("x", Column(int64: [1]))]), to: out)
        var info = stat()
        #expect(stat(out, &info) == 0)
        #expect(info.st_mode & 0o7777 == 0o600)
        #expect(info.st_gid == group)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "x\n1\n")
    }

    @Test("a path with a NUL byte is an error that says so")
    func nulInPath() throws {
        do {
            _ = try OutputFile(path: "out\0.csv")
            Issue.record("expected an error")
        } catch let error as FormatError {
            #expect(error.description.contains("contains a NUL byte"), "\(error)")
        }
        #expect(throws: FormatError.self) { _ = try FileByteSource(path: "in\0.csv") }
    }
}
