#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SluiceCore
import SluiceSpec
import SluiceFormats
import Yams

/// What a task instance computed from, as one value: its spec as written in the pipeline
/// file (templates are rendered by the run's values, so the text plus the `params` it names
/// stands for the rendered spec), the connections it uses and the `${VAR}` values in them,
/// the files it reads (path, size, modification time) and its upstream tasks' fingerprints.
///
/// A resumed run reuses a succeeded task's table only while the fingerprint it recorded
/// still matches; otherwise that task and everything downstream of it run again. The same
/// value is the task's version for lineage.
///
/// ```swift
/// let now = TaskFingerprint.compute(pipeline, variables: variables)
/// now["transform"]   // "9f2c41e07a1b3d55"
/// ```
public enum TaskFingerprint {
    /// The fingerprint of every task of `pipeline` for the run `variables` describes.
    ///
    /// - Parameter environment: the value of an environment variable (`${VAR}` in the spec).
    public static func compute(_ pipeline: Pipeline, variables: RunVariables,
                               environment: (String) -> String? = { getenv($0).map { String(cString: $0) } }) -> [String: String] {
        let texts = taskTexts(pipeline)
        var result: [String: String] = [:]
        for task in pipeline.topologicalOrder() {
            var parts: [String] = ["sluice-task-v1", task.name, task.action.kind, texts[task.name] ?? ""]
            let text = texts[task.name] ?? ""
            for name in referencedParams(text).sorted() { parts.append("param \(name)=\(variables.params[name] ?? "")") }
            switch task.action {    // SQL may come from a query_file: the text itself counts
            case .extract(let action):
                if case .query(_, let sql) = action.source { parts.append("sql \(sql)") }
            case .sql(let action): parts += action.statements.map { "sql \($0)" }
            default: break
            }
            for connection in connections(of: task).sorted() {
                let url = pipeline.connections[connection] ?? ""
                parts.append("connection \(connection)=\(url)")
                for variable in environmentNames(url).sorted() { parts.append("env \(variable)=\(environment(variable) ?? "")") }
            }
            for variable in environmentNames(text).sorted() { parts.append("env \(variable)=\(environment(variable) ?? "")") }
            for path in inputFiles(of: task, in: pipeline, variables: variables).sorted() {
                parts.append("file \(path) " + fileStamp(path))
            }
            for upstream in task.upstream.sorted() { parts.append("upstream \(upstream)=\(result[upstream] ?? "")") }
            let bytes = Array(parts.joined(separator: "\n").utf8)
            let hash = bytes.withUnsafeBytes { XXHash64.hash($0) }
            result[task.name] = String(hash, radix: 16).leftPadded(to: 16)
        }
        return result
    }

    /// Each task's mapping re-serialized from the pipeline file (canonical: comments and
    /// spacing do not count); empty for pipelines built in Swift.
    static func taskTexts(_ pipeline: Pipeline) -> [String: String] {
        guard let file = pipeline.file, let bytes = try? FileByteSource.readAll(path: file),
              let root = try? SpecDocument.compose(String(decoding: bytes, as: UTF8.self), file: file),
              let tasks = root.mapping?["tasks"]?.mapping else { return [:] }
        var texts: [String: String] = [:]
        for (key, value) in tasks {
            guard let name = key.string else { continue }
            texts[name] = (try? Yams.serialize(node: value)) ?? ""
        }
        return texts
    }

    /// `NAME` of every `{{ params.NAME }}` in `text`.
    static func referencedParams(_ text: String) -> Set<String> {
        var names: Set<String> = []
        var rest = Substring(text)
        while let open = rest.firstRange(of: "{{") {
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else { break }
            let inner = String(rest[open.upperBound..<close.lowerBound]).trimmingASCIIWhitespace()
            if inner.hasPrefix("params.") { names.insert(String(inner.dropFirst(7))) }
            rest = rest[close.upperBound...]
        }
        return names
    }

    /// `NAME` of every `${NAME}` in `text`.
    static func environmentNames(_ text: String) -> Set<String> {
        var names: Set<String> = []
        var rest = Substring(text)
        while let open = rest.firstRange(of: "${"), let close = rest[open.upperBound...].firstIndex(of: "}") {
            names.insert(String(rest[open.upperBound..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    static func connections(of task: PipelineTask) -> [String] {
        switch task.action {
        case .extract(let action):
            if case .query(let connection, _) = action.source { return [connection] }
        case .sql(let action): return [action.connection]
        case .load(let action):
            if case .table(let connection, _, _) = action.destination { return [connection] }
        case .transform, .check, .shell, .swift: break
        }
        return []
    }

    /// Files the task reads: an extract's file, a transform's `join`/`union` files that are
    /// not upstream tasks, a check suite's file references.
    static func inputFiles(of task: PipelineTask, in pipeline: Pipeline, variables: RunVariables) -> [String] {
        func resolved(_ template: String) -> String? { (try? variables.renderPath(template)).map(pipeline.resolve) }
        switch task.action {
        case .extract(let action):
            if case .file(let path, _, _) = action.source, let file = resolved(path) { return [file] }
        case .transform(let action):
            let ancestors = pipeline.ancestors(of: task)
            return action.transform.tableReferences.map(\.name).filter { !ancestors.contains($0) }.compactMap(resolved)
        case .check(let action):
            return action.suite.references.values.filter { $0.connection == nil }.compactMap { resolved($0.path) }
        case .sql, .load, .shell, .swift: break
        }
        return []
    }

    /// `size mtime` of a file, `absent` when it cannot be read.
    static func fileStamp(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "absent" }
        return "\(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
