/// What kind of failure an error is: the one classification that decides whether a
/// pipeline task is retried and which exit status the CLI returns.
///
/// | category | meaning | retried | `sluice` exit |
/// |---|---|---|---|
/// | ``usage`` | the spec or the command line is wrong (a typo, a missing key) | never | 2 |
/// | ``data`` | the data is wrong (a bad row, a failed gate, a duplicate key) | never | 1 |
/// | ``transientIO`` | I/O that may work on the next try (refused, busy, timeout, disk full) | by the task's policy | 1 |
/// | ``permanentIO`` | I/O that will fail again the same way (no such file, permission denied) | never | 1 |
/// | ``internal`` | a bug in Sluice or a cancelled run | never | 1 |
public enum ErrorCategory: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The spec or the command line is wrong; the user fixes it there.
    case usage
    /// The data is wrong; trying again on the same data fails the same way.
    case data
    /// An I/O failure that may go away (connection refused or reset, a lock held, a timeout, disk full).
    case transientIO = "transient I/O"
    /// An I/O failure that will not go away by itself (a missing file, a permission, a rejected statement).
    case permanentIO = "permanent I/O"
    /// Something Sluice did not expect (a bug), or work that was cancelled.
    case `internal`

    /// Whether trying again can help: only ``transientIO``.
    public var isRetryable: Bool { self == .transientIO }

    /// Why an error of this category is not retried (for "not retried: …" in task logs).
    public var whyNotRetried: String {
        switch self {
        case .usage: "fix the spec or the command and run again"
        case .data: "the same data fails the same way; fix the data or the check"
        case .transientIO: "retries are used up"
        case .permanentIO: "trying again cannot fix this"
        case .internal: "an internal error or a cancelled run"
        }
    }

    public var description: String {
        switch self {
        case .usage: "spec or usage error"
        case .data: "data error"
        case .transientIO: "transient I/O error"
        case .permanentIO: "permanent I/O error"
        case .internal: "internal error"
        }
    }
}

/// Where an error is: a place in a file (`file:line:column`), a spec key or column
/// (`field`, e.g. `tasks.load.mode`, `step 2`, `users.age`), and/or a data row.
public struct ErrorLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file, or `<stdin>`, `<memory>`.
    public var file: String?
    /// 1-based line in `file`; 0 when unknown.
    public var line: Int
    /// 1-based column in `line`; 0 when unknown.
    public var column: Int
    /// A spec key path, a step, or a `table.column`, when there is no file position.
    public var field: String?
    /// A 1-based data row, when the error is about one.
    public var row: Int?

    public init(file: String? = nil, line: Int = 0, column: Int = 0, field: String? = nil, row: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.row = row
    }

    /// `file:line:column`, `file`, `field`, `field[row]`, or "" when nothing is known.
    public var description: String {
        var text = ""
        if let file {
            text = file
            if line > 0 { text += ":\(line)" + (column > 0 ? ":\(column)" : "") }
        }
        if let field {
            text += (text.isEmpty ? "" : ": ") + field
            if let row { text += "[\(row)]" }
        } else if let row {
            text += (text.isEmpty ? "row \(row)" : ": row \(row)")
        }
        return text
    }

    /// Whether nothing is known.
    public var isEmpty: Bool { file == nil && field == nil && row == nil }
}

/// The shape every Sluice error shares: a category (retry and exit status), a location,
/// a message, a hint, and a code to match on.
///
/// Each module keeps its own error struct with its own extensible `Code`; conforming
/// to this protocol lets the pipeline runner, the CLI and ``ErrorFormatter`` treat
/// them alike:
/// ```swift
/// catch let error as any SluiceError where !error.category.isRetryable {
///     log("not retried: \(error.category): \(error.message)")
/// }
/// ```
public protocol SluiceError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is (decides retries and the exit status).
    var category: ErrorCategory { get }
    /// Where it happened, when known.
    var location: ErrorLocation? { get }
    /// What went wrong, without the location and without "error:".
    var message: String { get }
    /// What to do about it.
    var hint: String? { get }
    /// The error's code as text (`typeMismatch`, `invalidSpec`), stable for matching in
    /// scripts and logs; match on the module's typed `Code` in Swift.
    var codeName: String { get }
    /// Lines shown between the message and the hint (an expression with a caret).
    var detail: String? { get }
}

extension SluiceError {
    public var detail: String? { nil }

    /// How every Sluice error prints (see ``ErrorFormatter``).
    public var formatted: String { ErrorFormatter.format(self) }
}

/// The one way errors are printed:
/// ```text
/// pipeline.yaml:12:7: error: unknown key "retrys" in task "load"
///   hint: did you mean `retries`?
/// ```
/// The location comes first when known, then `error:` once, the message, any detail
/// lines indented by two spaces, and the hint.
public enum ErrorFormatter {
    /// `location: error: message`, detail lines, `  hint: …`.
    public static func format(_ error: some SluiceError) -> String {
        format(location: error.location, message: error.message, detail: error.detail, hint: error.hint)
    }

    /// The same layout from parts.
    public static func format(location: ErrorLocation?, message: String, detail: String? = nil, hint: String?) -> String {
        var text = ""
        if let location, !location.isEmpty { text = location.description + ": " }
        text += "error: " + message
        if let detail, !detail.isEmpty {
            for line in detail.split(separator: "\n", omittingEmptySubsequences: false) { text += "\n  " + line }
        }
        if let hint { text += "\n  hint: " + hint }
        return text
    }

    /// The text of any error: the formatted form of a ``SluiceError``, else `error: <description>`
    /// (never `error: error: …`).
    public static func text(of error: any Error) -> String {
        if let error = error as? any SluiceError { return error.description }
        return line(String(describing: error))
    }

    /// A stored error text as a line to print: `error: ` added unless it is already there.
    public static func line(_ text: String) -> String {
        text.hasPrefix("error: ") || text.contains(": error: ") ? text : "error: " + text
    }
}
