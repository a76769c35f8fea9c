import SluiceCore
import SluiceFormats
import SluicePipeline
import SluiceSQL

extension LineageObserver {
    /// The observer the pipelines' `lineage:` settings ask for (the project's settings under
    /// each pipeline's own), or nil when none configures a transport.
    ///
    /// Relative file paths resolve against each pipeline's directory; `${VAR}` in `url` and
    /// `api_key` reads `environment`. Each pipeline's YAML becomes its `sourceCode` facet
    /// with connection passwords and a literal API key masked.
    public static func configured(for pipelines: [Pipeline], project: LineageSettings? = nil, engineVersion: String,
                                  environment: [String: String] = ConnectionURL.processEnvironment(),
                                  log: @escaping @Sendable (String) -> Void) -> LineageObserver? {
        var transports: [any LineageTransport] = []
        var seen = Set<String>()
        var sourceCode: [String: String] = [:]
        var namespace: String?
        for pipeline in pipelines {
            let settings = (pipeline.lineage ?? LineageSettings()).merged(over: project ?? LineageSettings())
            guard settings.hasTransport else { continue }
            namespace = namespace ?? settings.namespace
            if let file = settings.file {
                let path = pipeline.resolve(file)
                if seen.insert("file:" + path).inserted { transports.append(FileLineageTransport(path: path)) }
            }
            if let url = settings.url {
                let expanded = expand(url, environment)
                if seen.insert("url:" + expanded).inserted {
                    transports.append(HTTPLineageTransport(url: expanded, apiKey: settings.apiKey.map { expand($0, environment) },
                                                           tries: settings.retries ?? 3,
                                                           timeoutSeconds: Double(settings.timeout ?? 5_000_000) / 1e6))
                }
            }
            if settings.console == true, seen.insert("console").inserted { transports.append(ConsoleLineageTransport()) }
            if let file = pipeline.file, let bytes = try? FileByteSource.readAll(path: file) {
                sourceCode[pipeline.name] = maskedSource(String(decoding: bytes, as: UTF8.self), pipeline: pipeline, settings: settings)
            }
        }
        if pipelines.isEmpty, let project, project.hasTransport {   // streams: the project's settings alone
            namespace = project.namespace
            if let file = project.file { transports.append(FileLineageTransport(path: file)) }
            if let url = project.url {
                transports.append(HTTPLineageTransport(url: expand(url, environment), apiKey: project.apiKey.map { expand($0, environment) },
                                                       tries: project.retries ?? 3, timeoutSeconds: Double(project.timeout ?? 5_000_000) / 1e6))
            }
            if project.console == true { transports.append(ConsoleLineageTransport()) }
        }
        guard !transports.isEmpty else { return nil }
        let observer = LineageObserver(pipelines: pipelines, engineVersion: engineVersion, transports: transports, sourceCode: sourceCode, log: log)
        if let namespace { observer.streamNamespace = namespace }
        return observer
    }

    /// The `lineage:` section of the project file (`sluice.yaml` at or above `directory`), if any;
    /// a relative `file:` there is relative to the project file.
    ///
    /// - Throws: ``PipelineError`` for an invalid section.
    public static func projectSettings(near directory: String) throws -> LineageSettings? {
        guard let path = PipelineLint.findProjectFile(near: directory), let node = PipelineLint.yaml(path)?.mapping?["lineage"] else { return nil }
        var settings = try LineageSettings(node: node, file: path)
        if let file = settings.file, !file.hasPrefix("/") { settings.file = String(path[..<path.lastIndex(of: "/")!]) + "/" + file }
        return settings
    }

    /// `${NAME}` replaced by the environment's value (unset: empty).
    static func expand(_ text: String, _ environment: [String: String]) -> String {
        expandingVariables(in: text) { environment[$0] ?? "" }
    }

    /// The spec text with literal connection passwords and a literal API key replaced by `***`.
    static func maskedSource(_ text: String, pipeline: Pipeline, settings: LineageSettings) -> String {
        var out = text
        for url in pipeline.connections.values where url.contains("@") {
            if let parsed = try? ConnectionURL(url, environment: DatasetName.lenientEnvironment(for: url)), parsed.description != url {
                out = out.replacing(url, with: parsed.description)
            }
        }
        if let key = settings.apiKey, !key.hasPrefix("${"), key.count > 3 { out = out.replacing(key, with: "***") }
        return out
    }
}
