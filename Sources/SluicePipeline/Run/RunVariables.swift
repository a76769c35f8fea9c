import SluiceCore

/// The values a run offers to templates: bound as SQL parameters in queries
/// (`{{ ds }}`), substituted as text in paths (`data/{{ ds }}/orders.csv`), and exported
/// to shell tasks as environment variables (`DS`, `DATA_INTERVAL_START`, `PARAMS_NAME`).
public struct RunVariables: Sendable, Equatable {
    /// Names every run has (params come as `params.NAME`).
    public static let names = ["ds", "ds_nodash", "data_interval_start", "data_interval_end", "logical_date", "run_id", "pipeline"]

    static func isKnown(_ name: String) -> Bool { names.contains(name) || name.hasPrefix("params.") }

    public var pipeline: String
    public var runID: String
    /// The logical date: the start of the data interval, µs since the epoch.
    public var logicalDate: Int64
    public var intervalStart: Int64
    public var intervalEnd: Int64
    public var params: [String: String]
    /// Values templated into file paths may take them outside the pipeline's directory (see ``renderPath(_:)``).
    public var allowsOutsidePaths = false

    public init(pipeline: String, runID: String, logicalDate: Int64, intervalStart: Int64, intervalEnd: Int64, params: [String: String]) {
        self.pipeline = pipeline
        self.runID = runID
        self.logicalDate = logicalDate
        self.intervalStart = intervalStart
        self.intervalEnd = intervalEnd
        self.params = params
    }

    /// Values for checking templates before a run exists.
    static func placeholder(params: [String: String]) -> RunVariables {
        RunVariables(pipeline: "p", runID: "r", logicalDate: 0, intervalStart: 0, intervalEnd: 86_400_000_000, params: params)
    }

    /// `2024-01-02`.
    public var ds: String { formatDate(daysSinceEpoch: Int32(floorDiv(logicalDate, 86_400_000_000))) }

    /// A value as typed data: dates and times as timestamps, the rest as text.
    public func value(_ name: String) -> Value? {
        switch name {
        case "ds": .string(ds)
        case "ds_nodash": .string(ds.replacing("-", with: ""))
        case "data_interval_start": .timestamp(intervalStart)
        case "data_interval_end": .timestamp(intervalEnd)
        case "logical_date": .timestamp(logicalDate)
        case "run_id": .string(runID)
        case "pipeline": .string(pipeline)
        default:
            if name.hasPrefix("params."), let v = params[String(name.dropFirst(7))] { .string(v) } else { nil }
        }
    }

    /// A value as text (timestamps in ISO 8601 with `Z`).
    public func text(_ name: String) -> String? {
        switch value(name) {
        case .string(let s)?: s
        case .timestamp(let t)?: isoTimestamp(t)
        default: nil
        }
    }

    /// The values as SQL parameters for `names`.
    public func parameters(for names: [String]) throws -> [String: Value] {
        var result: [String: Value] = [:]
        for name in names {
            guard let v = value(name) else { throw unknown(name) }
            result[name] = v
        }
        return result
    }

    func unknown(_ name: String) -> PipelineError {
        if name.hasPrefix("params.") {
            let known = params.keys.sorted()
            return PipelineError(.invalidSpec, message: "template value {{ \(name) }} is not a param of this pipeline",
                                 hint: suggestion(for: String(name.dropFirst(7)), among: known).map { "did you mean {{ params.\($0) }}?" }
                                     ?? "declare it under `params:` or pass --param \(name.dropFirst(7))=VALUE")
        }
        return PipelineError(.invalidSpec, message: "unknown template value {{ \(name) }}",
                             hint: suggestion(for: name, among: Self.names).map { "did you mean {{ \($0) }}?" }
                                 ?? "values: \(Self.names.joined(separator: ", ")), params.NAME")
    }

    /// Substitutes `{{ name }}` markers in a path or a partition value.
    public func render(_ text: String) throws -> String {
        try Self.substitute(text) { name, _ in
            guard let value = self.text(name) else { throw unknown(name) }
            return value
        }
    }

    /// The one `{{ name }}` scanner: `value` gets each marker's trimmed name and the text
    /// before it, and returns what replaces the marker. Every renderer (text, paths, the
    /// names a template uses) goes through it.
    ///
    /// - Throws: ``PipelineError`` `.invalidSpec` for `{{` without `}}`, or what `value` throws.
    static func substitute(_ text: String, _ value: (_ name: String, _ before: String) throws -> String) throws -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstRange(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else {
                throw PipelineError(.invalidSpec, message: "\"\(text)\" has {{ without a closing }}")
            }
            let name = String(rest[open.upperBound..<close.lowerBound]).trimmingASCIIWhitespace()
            out += try value(name, out)
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    /// The names `text` templates (`{{ ds }}`, `{{ params.region }}`), in order.
    ///
    /// - Throws: ``PipelineError`` `.invalidSpec` for `{{` without `}}`.
    public static func names(in text: String) throws -> [String] {
        var names: [String] = []
        _ = try substitute(text) { name, _ in names.append(name); return "" }
        return names
    }

    /// Names whose value is known only when a run exists (its date, interval, id).
    public static let runOnlyNames: Set<String> = ["ds", "ds_nodash", "data_interval_start", "data_interval_end", "logical_date", "run_id"]

    /// A value as an expression sees it: `ds` a date; interval bounds and `logical_date`
    /// timestamps; a param a number when it reads as one, else text.
    public func expressionValue(_ name: String) -> Value? {
        switch name {
        case "ds": return .date(Int32(floorDiv(logicalDate, 86_400_000_000)))
        default:
            guard name.hasPrefix("params."), let text = params[String(name.dropFirst(7))] else { return value(name) }
            if let integer = Int64(text) { return .int64(integer) }
            if let number = Double(text), number.isFinite, text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return .float64(number) }
            return .string(text)
        }
    }

    /// The environment a shell task sees: `DS`, `DS_NODASH`, `DATA_INTERVAL_START`, …, `PARAMS_NAME`.
    public var environment: [String: String] {
        var env: [String: String] = [:]
        for name in Self.names { env[name.uppercased()] = text(name) }
        for (k, v) in params { env["PARAMS_" + k.uppercased()] = v }
        return env
    }
}

/// `2024-01-02T00:00:00Z` (fractions only when present).
func isoTimestamp(_ micros: Int64) -> String { formatTimestamp(microsecondsSinceEpoch: micros) }
