import SluiceCore

/// A failure the command line itself reports (a run that failed, a gate that failed, an
/// argument that names nothing): a ``SluiceError`` like every library error, so it
/// prints through the one ``ErrorFormatter`` (`location: error: message`, `  hint: …`)
/// and its category gives the exit status.
struct CommandError: SluiceError, Equatable {
    /// What went wrong; match on it rather than on the text.
    struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String { case usage, failed, checksFailed, notDelivered }
        private let kind: Kind
        /// The command line names something that is not there, or two things that conflict.
        static let usage = Code(kind: .usage)
        /// The work the command started failed (a run, a backfill interval, a lint).
        static let failed = Code(kind: .failed)
        /// A data-quality gate failed (`sluice check`, exit 3).
        static let checksFailed = Code(kind: .checksFailed)
        /// Messages or alerts were not delivered.
        static let notDelivered = Code(kind: .notDelivered)
        var description: String { kind.rawValue }
    }

    var code: Code
    var category: ErrorCategory
    var location: ErrorLocation?
    var message: String
    var hint: String?
    var codeName: String { code.description }
    var description: String { ErrorFormatter.format(self) }

    init(_ code: Code, _ message: String, hint: String? = nil, location: ErrorLocation? = nil, category: ErrorCategory? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
        self.location = location
        self.category = category ?? (code == .usage ? .usage : .data)
    }

    /// A usage error (exit 2): the command line asks for something that is not there.
    static func usage(_ message: String, hint: String? = nil, location: ErrorLocation? = nil) -> CommandError {
        CommandError(.usage, message, hint: hint, location: location)
    }

    /// A failure of the work the command did (exit 1).
    static func failed(_ message: String, hint: String? = nil) -> CommandError {
        CommandError(.failed, message, hint: hint)
    }

    /// The exit status: 3 for a failed quality gate, else by category.
    var exitStatus: Int32 {
        code == .checksFailed ? ExitStatus.checksFailed : ExitStatus.status(for: category)
    }

    /// `error` with `file` as its location when it has none of its own (a spec error
    /// that only knows its key path still names the spec file).
    static func located(_ error: any SluiceError, in file: String) -> any SluiceError {
        if let location = error.location, location.file != nil { return error }
        var location = error.location ?? ErrorLocation()
        location.file = file
        var wrapped = CommandError(.usage, error.message, hint: error.hint, location: location, category: error.category)
        wrapped.detail = error.detail
        return wrapped
    }

    var detail: String?
}

import SluiceObserve

extension CommandError {
    /// An observability spec's error (alert channels, metrics options) as a usage error.
    init(usage error: ObserveError) {
        self.init(.usage, error.message, hint: error.hint, location: error.location)
    }
}
