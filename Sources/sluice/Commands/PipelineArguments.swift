import ArgumentParser
import SluiceCore
import SluicePipeline
#if canImport(Glibc)
import Glibc
#endif

// Reading the pipeline commands' arguments: dates, params, the pipeline file.

func fileExists(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0
}

/// `2024-01-02` or a timestamp → µs since the epoch.
func parseDateArgument(_ text: String, option: String) throws -> Int64 {
    if case .date(let days)? = ScalarParser.value(text, as: .date) { return Int64(days) * 86_400_000_000 }
    if case .timestamp(let micros)? = ScalarParser.value(text, as: .timestamp) { return micros }
    throw ValidationError("\(option) must be a date like 2024-01-02 or a timestamp like 2024-01-02T03:00:00Z, not '\(text)'")
}

func parseParams(_ items: [String]) throws -> [String: String] {
    var params: [String: String] = [:]
    for item in items {
        guard let eq = item.firstIndex(of: "=") else { throw ValidationError("--param must be name=value, not '\(item)'") }
        params[String(item[..<eq])] = String(item[item.index(after: eq)...])
    }
    return params
}

/// Loads a pipeline; its errors are spec errors (exit 2, by their category).
func loadPipeline(_ path: String) throws -> Pipeline {
    try Pipeline.load(path: path)
}

/// The pipeline files a command reads (validate, lint, schedule): one or more YAML paths.
struct PipelineFiles: ParsableArguments {
    @Argument(help: ArgumentHelp("Pipeline files (YAML).", valueName: "pipelines"))
    var paths: [String]
}
