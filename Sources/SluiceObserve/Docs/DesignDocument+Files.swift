import SluiceCore
import SluiceFormats
import SluicePipeline

extension DesignDocument {
    /// Output formats of `sluice docs`.
    public enum Format: String, Sendable, CaseIterable {
        case md, html
        public var fileExtension: String { rawValue }
    }

    public func rendered(_ format: Format) -> String { format == .md ? markdown() : html() }

    /// Writes `text` to `path` atomically (temp file, then rename).
    public static func write(_ text: String, to path: String) throws {
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex { try makeLineageDirectories(String(path[..<slash])) }
        let file = try OutputFile(path: path)
        try file.write(text)
        try file.commit()
    }

    /// The pipeline files of a directory (YAML files that parse as pipelines), sorted.
    public static func pipelines(inDirectory directory: String) -> [Pipeline] {
        var result: [Pipeline] = []
        for name in listDirectory(directory).sorted() where (name.hasSuffix(".yaml") || name.hasSuffix(".yml")) && name != "sluice.yaml" {
            if let pipeline = try? Pipeline.load(path: directory + "/" + name) { result.append(pipeline) }
        }
        return result
    }

    /// Writes one document per pipeline of `directory` and an index into `output`; returns the paths written.
    ///
    /// - Parameters:
    ///   - warn: gets a warning for each pipeline whose run history cannot be read (its document says so too).
    public static func writeSite(for pipelines: [Pipeline], format: Format, to output: String, withHistory: Bool = true,
                                 warn: (String) -> Void) throws -> [String] {
        var written: [String] = []
        var entries: [(pipeline: Pipeline, link: String)] = []
        for pipeline in pipelines {
            let document = withHistory ? DesignDocument.withHistory(of: pipeline, warn: warn) : DesignDocument(pipeline: pipeline)
            let name = pipeline.name + "." + format.fileExtension
            try write(document.rendered(format), to: output + "/" + name)
            written.append(output + "/" + name)
            entries.append((pipeline, name))
        }
        let index = output + "/index." + format.fileExtension
        try write(format == .md ? indexMarkdown(entries) : indexHTML(entries), to: index)
        written.append(index)
        return written
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Names in a directory (no `.` entries); empty when it cannot be read.
func listDirectory(_ path: String) -> [String] {
    guard let dir = opendir(path) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if !name.hasPrefix(".") { names.append(name) }
    }
    return names
}

/// Whether `path` is a directory.
public func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
}
