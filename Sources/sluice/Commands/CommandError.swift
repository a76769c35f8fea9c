import SluiceCore

/// Failures the command line itself reports (a run that failed, a gate that failed, an
/// argument that names nothing): a ``DomainError`` like every library error, so it
/// prints through the one ``ErrorFormatter`` (`location: error: message`, `  hint: …`)
/// and its category gives the exit status.
enum CommandErrorCode: String, ErrorCode {
    /// The command line names something that is not there, or two things that conflict.
    case usage
    /// The work the command started failed (a run, a backfill interval, a lint).
    case failed
    /// A data-quality gate failed (`sluice check`, exit 3).
    case checksFailed
    /// Messages or alerts were not delivered.
    case notDelivered

    var category: ErrorCategory {
        switch self {
        case .usage: .usage
        case .failed, .checksFailed, .notDelivered: .data
        }
    }

    /// What a command error carries: the category and detail of the error it stands for.
    struct Payload: ErrorPayload, Equatable {
        var category: ErrorCategory?
        var detail: String?
    }

    static func category(of error: CommandError) -> ErrorCategory { error.payload.category ?? error.code.category }
    static func detail(of error: CommandError) -> String? { error.payload.detail }
}

/// A failure the command line itself reports; see ``CommandErrorCode``.
typealias CommandError = DomainError<CommandErrorCode>

extension DomainError where Kind == CommandErrorCode {
    init(_ code: Code, _ message: String, hint: String? = nil, location: ErrorLocation? = nil, category: ErrorCategory? = nil) {
        self.init(code, message: message, hint: hint, payload: .init())
        site = location
        payload.category = category
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
        wrapped.payload.detail = error.detail
        return wrapped
    }
}

import SluiceObserve

extension DomainError where Kind == CommandErrorCode {
    /// An observability spec's error (alert channels, metrics options) as a usage error.
    init(usage error: ObserveError) {
        self.init(.usage, error.message, hint: error.hint, location: error.location)
    }
}
