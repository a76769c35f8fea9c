import ArgumentParser

/// `sluice alerts`: work with the alerts of a pipeline or stream.
struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Work with the alerts of a pipeline or stream.",
        subcommands: [Test.self]
    )
}
