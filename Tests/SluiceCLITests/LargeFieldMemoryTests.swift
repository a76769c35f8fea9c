import Foundation
import SluiceTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What a child `sluice` did: its exit status, standard error and peak resident memory.
private struct MeasuredRun {
    var status: Int32
    var stderr: String
    var peakBytes: Int
}

/// Runs `sluice arguments…` (absolute paths) as a child, standard error into `directory`, and measures that child alone
/// (`wait4`'s resource usage: other tests' children do not count).
private func measured(_ arguments: [String], in directory: URL) throws -> MeasuredRun {
    let errPath = directory.appendingPathComponent("stderr.txt").path
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let argv = ([CLI.binary.path] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, CLI.binary.path, &actions, nil, argv, environ)
    guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let exited = status & 0x7F == 0
    return MeasuredRun(status: exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F),
                       stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
                       peakBytes: usage.ru_maxrss * 1024)
}

/// Writes `head`, `size` bytes of `filler`, then `tail` to `path`, a megabyte at a time.
private func writeLargeFile(_ path: String, head: String, size: Int, filler: UInt8, tail: String) throws {
    FileManager.default.createFile(atPath: path, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    try handle.write(contentsOf: Data(head.utf8))
    let chunk = Data(repeating: filler, count: 1 << 20)
    var left = size
    while left > 0 {
        try handle.write(contentsOf: left >= chunk.count ? chunk : chunk.prefix(left))
        left -= chunk.count
    }
    try handle.write(contentsOf: Data(tail.utf8))
}

/// A 200 MB field in CSV and in JSON Lines, through the binary: read (converted to a
/// `.sluice` file) with peak memory a small multiple of the field, never a crash. The data
/// is generated into a temporary directory and removed.
@Suite("Large fields through the binary")
struct LargeFieldMemoryTests {
    static let fieldSize = 200_000_000

    @Test("a 200 MB field reads with memory bounded by a small multiple of it", arguments: ["csv", "jsonl"])
    func largeField(format: String) throws {
        let dir = try temporaryDirectory("large-field")
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("big.\(format)").path
        if format == "csv" {
            try writeLargeFile(input, head: "id,text,n\n1,\"", size: Self.fieldSize, filler: UInt8(ascii: "x"), tail: "\",2\n3,short,4\n")
        } else {
            try writeLargeFile(input, head: "{\"id\":1,\"text\":\"", size: Self.fieldSize, filler: UInt8(ascii: "x"), tail: "\",\"n\":2}\n{\"id\":3,\"text\":\"short\",\"n\":4}\n")
        }
        let run = try measured(["convert", input, dir.appendingPathComponent("out.sluice").path], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let written = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("out.sluice").path)[.size] as? Int ?? 0
        #expect(written > Self.fieldSize)
        // The field is held once in the read window and once in its column (plus the window's
        // last doubling); four times the field is the bound.
        #expect(run.peakBytes < 4 * Self.fieldSize, "peak \(run.peakBytes >> 20) MiB for a \(Self.fieldSize >> 20) MiB field")
        print("large field \(format): peak RSS \(run.peakBytes >> 20) MiB")
    }
}
