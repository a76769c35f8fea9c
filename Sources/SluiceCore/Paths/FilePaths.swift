#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Path text: made absolute, normalised, and made relative to a directory (for writing a
/// path into a spec that is read from somewhere else). Pure string work plus the working
/// directory; nothing touches the file system.
///
/// ```swift
/// FilePaths.relative("/data/orders.csv", to: "/data/suites")   // "../orders.csv"
/// ```
public enum FilePaths {
    /// The process's working directory (`.` if it cannot be read).
    public static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `path` made absolute against `base` (itself made absolute against the working
    /// directory), with `.` and `..` segments resolved.
    public static func absolute(_ path: String, base: String = ".") -> String {
        var full = path
        if !path.hasPrefix("/") {
            var root = base
            if !root.hasPrefix("/") {
                let cwd = currentDirectory()
                root = root == "." || root.isEmpty ? cwd : cwd + "/" + root
            }
            full = root + "/" + path
        }
        var parts: [Substring] = []
        for part in full.split(separator: "/") {
            if part == "." || part.isEmpty { continue }
            if part == ".." { _ = parts.popLast(); continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// `path` written relative to `directory` (both taken against the working directory):
    /// `../data/orders.csv`, or `orders.csv` when it is inside.
    public static func relative(_ path: String, to directory: String) -> String {
        let target = absolute(path).split(separator: "/"), root = absolute(directory).split(separator: "/")
        var common = 0
        while common < target.count, common < root.count, target[common] == root[common] { common += 1 }
        let parts = Array(repeating: Substring(".."), count: root.count - common) + target[common...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// The directory part of `path`: `a/b` for `a/b/c.yaml`, `.` for `c.yaml`, `/` for `/c.yaml`.
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
