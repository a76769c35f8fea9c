import Foundation
import SluiceCore
import Testing
@testable import SluiceFormats
import SluiceTestSupport

@Suite("OutputFile")
struct OutputFileTests {
    @Test("a regular file appears whole on commit, and not at all when abandoned")
    func atomicRegularFile() throws {
        let dir = try temporaryDirectory("out")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.csv").path
        do {
            let file = try OutputFile(path: path)
            try file.write("half")
            #expect(!FileManager.default.fileExists(atPath: path))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        try TableFile.write(try Table([("x", Column(int64: [1, 2]))]), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "x\n1\n2\n")
    }

    @Test("a FIFO (like /dev/null or /dev/stdout) is written in place, never replaced by a file")
    func specialFilesAreWrittenInPlace() throws {
        let dir = try temporaryDirectory("out")
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        // Held open read-write, so neither side blocks whatever the writer does.
        let held = open(fifo, O_RDWR | O_NONBLOCK)
        #expect(held >= 0)
        defer { close(held) }
        try TableFile.write(try Table([("x", Column(int64: [7]))]), to: fifo, format: .csv)
        var bytes = [UInt8](repeating: 0, count: 256)
        let n = read(held, &bytes, bytes.count)
        #expect(n > 0 && String(decoding: bytes[0..<max(n, 0)], as: UTF8.self) == "x\n7\n")
        var info = stat()
        #expect(stat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["pipe"])
    }
}
