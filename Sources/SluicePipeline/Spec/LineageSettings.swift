import SluiceCore
import SluiceSpec
import Yams

/// Where a pipeline's OpenLineage events go: the `lineage:` key of a pipeline file (or of
/// the project file, which a pipeline's own key overrides field by field).
///
/// ```yaml
/// lineage:
///   file: lineage.jsonl                          # JSON Lines, one RunEvent per line
///   url: http://localhost:5000/api/v1/lineage    # Marquez-style endpoint
///   api_key: ${OPENLINEAGE_API_KEY}              # sent as `Authorization: Bearer …`
///   console: true                                # print events on standard error
///   namespace: analytics                         # job namespace (default: sluice)
/// ```
/// Delivery never fails a run: an endpoint that is down is retried with backoff, then the
/// events are dropped with a log line.
public struct LineageSettings: Sendable, Equatable {
    /// A JSON Lines file (relative to the pipeline file), appended to.
    public var file: String?
    /// An HTTP endpoint that accepts one RunEvent per POST (Marquez: `/api/v1/lineage`).
    public var url: String?
    /// Sent as a bearer token; `${VAR}` reads the environment when the run starts. Never shown.
    public var apiKey: String?
    /// Print each event as one JSON line on standard error.
    public var console: Bool?
    /// The namespace of the pipeline's jobs (default `sluice`).
    public var namespace: String?
    /// Tries per event for the HTTP endpoint (default 3).
    public var retries: Int?
    /// HTTP timeout per try, µs (default 5 s).
    public var timeout: Int64?

    public init(file: String? = nil, url: String? = nil, apiKey: String? = nil, console: Bool? = nil,
                namespace: String? = nil, retries: Int? = nil, timeout: Int64? = nil) {
        self.file = file
        self.url = url
        self.apiKey = apiKey
        self.console = console
        self.namespace = namespace
        self.retries = retries
        self.timeout = timeout
    }

    /// Whether any transport is configured.
    public var hasTransport: Bool { file != nil || url != nil || console == true }

    /// These settings with unset fields taken from `defaults` (the project's).
    public func merged(over defaults: LineageSettings) -> LineageSettings {
        LineageSettings(file: file ?? defaults.file, url: url ?? defaults.url, apiKey: apiKey ?? defaults.apiKey,
                        console: console ?? defaults.console, namespace: namespace ?? defaults.namespace,
                        retries: retries ?? defaults.retries, timeout: timeout ?? defaults.timeout)
    }

}

extension Pipeline {
    /// The keys of `lineage:`.
    public static let lineageSection = SpecSection("Lineage", summary: "Where OpenLineage events go (`lineage:` in a pipeline; a pipeline's keys override the project's).", keys: [
        SpecKey("file", "path", doc: "A JSON Lines file events are appended to, relative to the pipeline file.", example: "file: .sluice/lineage.jsonl"),
        SpecKey("url", "http:// URL", doc: "An OpenLineage endpoint; one POST per event (Marquez: /api/v1/lineage).", example: "url: http://localhost:5000/api/v1/lineage"),
        SpecKey("api_key", "text", doc: "Sent as `Authorization: Bearer …`; `${VAR}` reads the environment. Never shown.", example: "api_key: ${OPENLINEAGE_API_KEY}"),
        SpecKey("console", "boolean", default: "false", doc: "Print each event as a JSON line on standard error.", example: "console: true"),
        SpecKey("namespace", "text", default: "sluice", doc: "The namespace of the pipeline's jobs.", example: "namespace: analytics"),
        SpecKey("retries", "integer 1…100", default: "3", doc: "Tries per event for the endpoint (exponential backoff).", example: "retries: 5"),
        SpecKey("timeout", "duration", default: "5s", doc: "Timeout of one try.", example: "timeout: 10s"),
    ])
}

extension PipelineParser {
    /// Reads a `lineage:` mapping (problems are reported, not thrown).
    func lineageSettings(_ node: Node) -> LineageSettings {
        var settings = LineageSettings()
        for (key, _, value) in reader.mapping(node, "lineage", allowed: Pipeline.lineageSection.names) ?? [] {
            switch key {
            case "file": settings.file = reader.string(value, "lineage.file")
            case "url":
                guard let url = reader.string(value, "lineage.url") else { continue }
                guard url.hasPrefix("http://") || url.hasPrefix("https://") || url.hasPrefix("${") else {
                    fail(value, "lineage.url must be an http:// URL, found \"\(url)\"", hint: "e.g. url: http://localhost:5000/api/v1/lineage")
                    continue
                }
                settings.url = url
            case "api_key": settings.apiKey = reader.string(value, "lineage.api_key")
            case "console": settings.console = reader.bool(value, "lineage.console")
            case "namespace": settings.namespace = reader.string(value, "lineage.namespace")
            case "retries": settings.retries = reader.integer(value, "lineage.retries", in: 1...100)
            case "timeout": settings.timeout = duration(value, "lineage.timeout", minimum: 0.001)
            default: break
            }
        }
        return settings
    }
}

extension LineageSettings {
    /// Reads a `lineage:` section of another file (the project file `sluice.yaml`).
    ///
    /// - Throws: ``PipelineError`` with every problem, located in `file`.
    public init(node: Node, file: String) throws {
        let parser = PipelineParser(file: file, directory: file.contains("/") ? String(file[..<file.lastIndex(of: "/")!]) : ".", text: "")
        let settings = parser.lineageSettings(node)
        if parser.reader.hasProblems { throw PipelineError(diagnostics: parser.reader.diagnostics) }
        self = settings
    }
}
