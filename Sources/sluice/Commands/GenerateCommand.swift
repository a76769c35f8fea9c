import ArgumentParser

/// `sluice generate`: reproducible test data sets.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write reproducible, deliberately dirty test data.",
        discussion: """
        Examples:
          sluice generate users-orders --users 100000 --seed 42 --output data
          sluice generate user-events --events 1000000 --output data/events.jsonl
        """,
        subcommands: [UsersOrders.self, UserEvents.self]
    )

    /// Where a data set goes, for ``Options``: a directory or a file, and its help text.
    protocol Target {
        static var seedHelp: String { get }
        static var outputHelp: ArgumentHelp { get }
        /// The output when neither `--output` nor `--out` is given (validation refuses that).
        static var defaultOutput: String { get }
    }

    /// Options every data set takes: `--seed` and `--output` (or the deprecated `--out`).
    struct Options<Destination: Target>: ParsableArguments {
        @Option(help: ArgumentHelp(Destination.seedHelp))
        var seed: UInt64 = 42

        @Option(name: .shortAndLong, help: Destination.outputHelp)
        var output: String?

        @Option(name: .customLong("out"), help: ArgumentHelp("Deprecated spelling of --output.", visibility: .hidden))
        var deprecatedOut: String?

        /// `--output`, or the deprecated `--out`.
        var out: String { output ?? deprecatedOut ?? Destination.defaultOutput }

        func validate() throws { try requireOutput(output, deprecated: deprecatedOut) }
    }

    /// users-orders writes two files into a directory.
    enum Directory: Target {
        static let seedHelp = "Seed of every random choice; the same seed gives byte-identical files."
        static let outputHelp = ArgumentHelp("Where to write: a directory (created if missing).", valueName: "dir")
        static let defaultOutput = "."
    }

    /// user-events writes one file (or standard output).
    enum File: Target {
        static let seedHelp = "Seed of every random choice; the same seed gives a byte-identical file."
        static let outputHelp = ArgumentHelp("Where to write the events (- for standard output).", valueName: "file")
        static let defaultOutput = "-"
    }
}
