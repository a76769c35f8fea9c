import SluiceCore

/// How a suite's results are written: `text` (terminal), `json`, `junit`, `html`.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text
    case json
    case junit
    case html

    /// The format called `name`.
    ///
    /// - Throws: ``QualityError`` `.invalidOption` with "did you mean".
    public init(name: String) throws {
        guard let format = ReportFormat(rawValue: name.lowercased()) else {
            let names = ReportFormat.allCases.map(\.rawValue)
            throw QualityError(.invalidOption, message: "unknown report format \"\(name)\"",
                               hint: (suggestion(for: name, among: names).map { "did you mean `\($0)`? " } ?? "") + "formats: \(names.joined(separator: ", "))")
        }
        self = format
    }

    /// Renders `run` as this format.
    public func render(_ run: QualityRun, colour: Bool = false) -> String {
        switch self {
        case .text: TextReport.render(run, colour: colour)
        case .json: JSONReport.render(run)
        case .junit: JUnitReport.render(run)
        case .html: HTMLReport.render(run)
        }
    }
}

/// What a report describes: the suite's results and where they came from.
public struct QualityRun: Sendable {
    /// The dataset checked (a path or a name).
    public var dataset: String
    /// The suite file, if the checks came from one.
    public var suite: String?
    public var result: SuiteResult
    /// The gate's bar: failures at or above it fail the run.
    public var failOn: Severity
    /// Seconds the checks took (reading excluded), if measured.
    public var seconds: Double?

    public init(dataset: String, suite: String? = nil, result: SuiteResult, failOn: Severity = .error, seconds: Double? = nil) {
        self.dataset = dataset
        self.suite = suite
        self.result = result
        self.failOn = failOn
        self.seconds = seconds
    }

    /// Whether the gate passes: no failure at or above ``failOn``.
    public var gatePassed: Bool { !result.failed(atOrAbove: failOn) }
}

extension CheckResult {
    /// The measured value as people read it: a percentage for fractions, a count,
    /// a duration for freshness; `-` when not evaluated.
    public var observedText: String { observed.map(measureText) ?? "-" }

    /// The threshold with its comparison, e.g. `<= 1.00%`.
    public var thresholdText: String {
        guard let threshold else { return "-" }
        if kind == "row_count" {
            return message.split(separator: " ").suffix(2).joined(separator: " ")
        }
        return "\(comparison.symbol) \(measureText(threshold))"
    }

    func measureText(_ value: Double) -> String {
        switch kind {
        case "row_count", "schema": return String(Int(value))
        case "freshness": return formatDuration(value)
        default: return percent(value)
        }
    }
}


/// A number for JSON (`null` for non-finite values, which JSON cannot hold).
func jsonNumber(_ value: Double?) -> String {
    guard let value, value.isFinite else { return "null" }
    return formatDouble(value)
}

