import Foundation

/// A fresh directory under the system temporary directory, for one test.
///
/// ```swift
/// let directory = try TemporaryDirectory()
/// defer { directory.cleanUp() }
/// try bytes.write(to: directory.url("data.csv"))
/// ```
public struct TemporaryDirectory: Sendable {
    /// The directory.
    public let url: URL

    /// Creates `sluice-<label>-<UUID>` under the system temporary directory.
    ///
    /// - Throws: the file system's error when the directory cannot be made.
    public init(_ label: String = "test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The directory's path.
    public var path: String { url.path }

    /// The path of `name` inside the directory.
    public func file(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// The URL of `name` inside the directory.
    public func url(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// The names in the directory, sorted (without `.` and `..`).
    public func entries() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    /// Removes the directory and everything in it.
    public func cleanUp() { try? FileManager.default.removeItem(at: url) }
}

/// A fresh temporary directory (`sluice-<label>-<UUID>`), removed by the caller.
///
/// - Throws: the file system's error when the directory cannot be made.
public func temporaryDirectory(_ label: String = "test") throws -> URL {
    try TemporaryDirectory(label).url
}
