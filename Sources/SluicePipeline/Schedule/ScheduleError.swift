import SluiceCore

/// Mistakes in cron expressions and time zones (a ``DomainError``), located and with what to do.
///
/// ```text
/// error: cron "0 25 * * *": field 2 (hour): 25 is out of 0–23
///   0 25 * * *
///     ^^
///   hint: an hour is 0–23 (0 is midnight); write * for every hour
/// ```
public enum ScheduleErrorCode: String, ErrorCode {
    /// A cron expression that does not parse, or can never fire.
    case invalidCron
    /// A time zone name with no zoneinfo file.
    case unknownTimeZone
    /// A zoneinfo file or POSIX TZ rule that cannot be read.
    case invalidTimeZone

    /// Cron expressions and time zones are configuration.
    public var category: ErrorCategory { .usage }

    /// The text a schedule error is about.
    public struct Payload: ErrorPayload, Hashable {
        /// The text the error is about (a cron expression), shown with a caret under `span`.
        public var source: String?
        /// The character offsets in `source` that are wrong.
        public var span: Range<Int>?
        public init() {}
    }

    /// The 1-based column in the source (shown by the carets in ``detail(of:)``).
    public static func location(of error: ScheduleError) -> ErrorLocation? { error.span.map { ErrorLocation(column: $0.lowerBound + 1) } }

    /// The source with carets under the span.
    public static func detail(of error: ScheduleError) -> String? {
        guard let source = error.source, let span = error.span else { return nil }
        return source + "\n" + String(repeating: " ", count: span.lowerBound) + String(repeating: "^", count: Swift.max(span.count, 1))
    }
}

/// A mistake in a cron expression or a time zone; see ``ScheduleErrorCode``.
public typealias ScheduleError = DomainError<ScheduleErrorCode>

extension DomainError where Kind == ScheduleErrorCode {
    /// Creates an error about `source`, with carets under `span` when given.
    public init(_ code: Code, message: String, hint: String? = nil, source: String?, span: Range<Int>? = nil) {
        self.init(code, message: message, hint: hint, payload: .init())
        payload.source = source
        payload.span = span
    }
}

