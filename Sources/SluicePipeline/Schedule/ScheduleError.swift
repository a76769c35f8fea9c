import SluiceCore

/// A mistake in a cron expression or a time zone, located and with what to do.
///
/// ```text
/// error: cron "0 25 * * *": field 2 (hour): 25 is out of 0–23
///   0 25 * * *
///     ^^
///   hint: an hour is 0–23 (0 is midnight); write * for every hour
/// ```
public struct ScheduleError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of failure; match on it rather than on the text.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String { case invalidCron, unknownTimeZone, invalidTimeZone }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// A cron expression that does not parse, or can never fire.
        public static let invalidCron = Code(.invalidCron)
        /// A time zone name with no zoneinfo file.
        public static let unknownTimeZone = Code(.unknownTimeZone)
        /// A zoneinfo file or POSIX TZ rule that cannot be read.
        public static let invalidTimeZone = Code(.invalidTimeZone)
        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    public var hint: String?
    /// The text the error is about (a cron expression), shown with a caret under `span`.
    public var source: String?
    /// The character offsets in `source` that are wrong.
    public var span: Range<Int>?

    public init(_ code: Code, message: String, hint: String? = nil, source: String? = nil, span: Range<Int>? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
        self.source = source
        self.span = span
    }

    public var description: String { ErrorFormatter.format(self) }
}

extension ScheduleError: SluiceError {
    /// Cron expressions and time zones are configuration.
    public var category: ErrorCategory { .usage }
    /// The 1-based column in ``source`` (shown by the carets in ``detail``).
    public var location: ErrorLocation? { span.map { ErrorLocation(column: $0.lowerBound + 1) } }
    public var codeName: String { code.description }
    /// The source with carets under ``span``.
    public var detail: String? {
        guard let source, let span else { return nil }
        return source + "\n" + String(repeating: " ", count: span.lowerBound) + String(repeating: "^", count: Swift.max(span.count, 1))
    }
}
