import SluiceCore
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

    /// The keys of a `lineage:` mapping.
    public static let keys = ["file", "url", "api_key", "console", "namespace", "retries", "timeout"]
}

extension PipelineParser {
    /// Reads a `lineage:` mapping.
    func lineageSettings(_ node: Node) throws -> LineageSettings {
        var settings = LineageSettings()
        for (key, _, value) in try reader.mapping(node, "lineage", allowed: LineageSettings.keys) {
            switch key {
            case "file": settings.file = try reader.string(value, "lineage.file")
            case "url":
                let url = try reader.string(value, "lineage.url")
                guard url.hasPrefix("http://") || url.hasPrefix("https://") || url.hasPrefix("${") else {
                    throw fail(value, "lineage.url must be an http:// URL, found \"\(url)\"",
                               hint: "e.g. url: http://localhost:5000/api/v1/lineage")
                }
                settings.url = url
            case "api_key": settings.apiKey = try reader.string(value, "lineage.api_key")
            case "console": settings.console = try reader.bool(value, "lineage.console")
            case "namespace": settings.namespace = try reader.string(value, "lineage.namespace")
            case "retries":
                let n = try reader.integer(value, "lineage.retries")
                guard n >= 1 else { throw fail(value, "lineage.retries must be 1 or more") }
                settings.retries = n
            case "timeout": settings.timeout = try duration(value, "lineage.timeout")
            default: break
            }
        }
        return settings
    }
}
