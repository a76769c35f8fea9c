import ArgumentParser
import SluiceCore
import SluiceFormats
import SluiceSQL
import SluiceQuality
#if canImport(Glibc)
import Glibc
#endif

/// The `sluice` command: thin argument parsing over the Sluice libraries.
///
/// Exit codes are API: 0 success, 1 runtime failure (bad data, I/O), 2 usage or
/// configuration error, 3 data-quality checks failed (`sluice check`).
@main
struct Sluice: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "Move data reliably: read, check, transform and load tables fast.",
        discussion: """
        Examples:
          sluice generate users-orders --users 100000 --seed 42 --output data
          sluice schema data/users.csv
          sluice head data/orders.csv -n 5
          sluice convert data/users.csv data/users.jsonl
          sluice scan data/orders.csv
          sluice check data/orders.csv --suite examples/quality/checks.yaml
          sluice load data/users.csv --to sqlite:warehouse.db --table users \\
              --mode replace
          sluice extract --from sqlite:warehouse.db --query 'SELECT * FROM users' \\
              --output users.jsonl
        """,
        version: version,
        subcommands: Sluice.commands
    )

    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let unknown = unknownSubcommand(arguments) {
            printError(unknown)
            Glibc.exit(ExitStatus.usage)
        }
        if let unknown = UnknownOption.error(in: arguments, root: Sluice.self) {
            printError(unknown.description)
            Glibc.exit(ExitStatus.usage)
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            Glibc.exit(report(error))
        }
    }

    /// Prints the error the way its kind asks for and returns the exit status.
    static func report(_ error: Error) -> Int32 {
        switch error {
        case let error as CommandError:
            printError(error.description)
            return error.exitStatus
        case let error as any SluiceError:
            printError(error.description)
            return ExitStatus.status(for: error.category)
        default:
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                return 0
            }
            // The parser's own "Error: …" starts with `error:` like every other error.
            if !message.isEmpty { printError(message.hasPrefix("Error: ") ? "error: " + message.dropFirst(7) : message) }
            return code == .validationFailure ? ExitStatus.usage : ExitStatus.failure
        }
    }

    /// "did you mean" for a mistyped subcommand, before the parser gives a generic error.
    static func unknownSubcommand(_ arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-") else { return nil }
        let names = commands.compactMap { $0.configuration.commandName } + ["help"]
        guard !names.contains(first) else { return nil }
        var message = "unknown command '\(first)'"
        if let near = suggestion(for: first, among: names) { message += "; did you mean '\(near)'?" }
        return CommandError.usage(message, hint: "commands: \(names.joined(separator: ", ")); see 'sluice --help'").description
    }
}

/// Process exit statuses shared by every command, and the one place an error's
/// category becomes an exit status.
enum ExitStatus {
    static let failure: Int32 = 1
    static let usage: Int32 = 2
    /// `sluice check`: a check at or above the `--fail-on` severity failed.
    static let checksFailed: Int32 = 3

    /// Usage and spec errors exit 2; data, I/O and internal errors exit 1.
    static func status(for category: ErrorCategory) -> Int32 {
        switch category {
        case .usage: usage
        case .data, .transientIO, .permanentIO, .internal: failure
        }
    }

    /// The status for any error a library throws.
    static func status(for error: any Error) -> Int32 {
        (error as? any SluiceError).map { status(for: $0.category) } ?? failure
    }
}

func printError(_ message: String) {
    var text = Secrets.mask(message)
    if !text.hasSuffix("\n") { text += "\n" }
    text.withCString { pointer in
        _ = write(2, pointer, strlen(pointer))
    }
}


/// Writes `text` to standard error without a newline (a progress line redrawn with `\r`).
func printErrorInline(_ text: String) {
    Secrets.mask(text).withCString { _ = write(2, $0, strlen($0)) }
}
