import ArgumentParser

/// `--format text|json`: how a command prints what it reports (the one meaning of
/// `--format`; see "CLI conventions" in the README).
struct OutputFormatOption: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(name: .long, help: ArgumentHelp("Report format: text or json.", valueName: "format"))
    var format: Format = .text

    @Flag(name: .long, help: ArgumentHelp("Deprecated spelling of --format json.", visibility: .hidden))
    var json = false

    var isJSON: Bool { format == .json || json }

    func validate() throws {
        if json { printError("warning: --json is deprecated; use --format json") }
    }
}
