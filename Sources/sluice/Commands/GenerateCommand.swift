import ArgumentParser
import SluiceFormats
#if canImport(Glibc)
import Glibc
#endif

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

    /// Options every data set takes.
    struct Options: ParsableArguments {
        @Option(help: "Seed of every random choice; the same seed gives byte-identical files.")
        var seed: UInt64 = 42

        @Option(name: .shortAndLong, help: ArgumentHelp("Where to write: a directory (created if missing).", valueName: "dir"))
        var output: String?

        @Option(name: .customLong("out"), help: ArgumentHelp("Deprecated spelling of --output.", visibility: .hidden))
        var deprecatedOut: String?

        /// `--output`, or the deprecated `--out`.
        var out: String { output ?? deprecatedOut ?? "." }

        func validate() throws { try requireOutput(output, deprecated: deprecatedOut) }
    }

    /// `sluice generate users-orders`.
    struct UsersOrders: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "users-orders",
            abstract: "Write users.csv and orders.csv for the user-analytics ETL.",
            discussion: """
            users.csv (id,email,name,created_at) has null, mixed-case and space- or
            tab-padded emails, quoted names with commas, quotes and newlines, and a few
            duplicate ids. orders.csv (id,user_id,total,created_at) has about 3 orders per
            user (0 to 8), skewed totals with a few negatives, exact 0.00/100.00/1000.00
            values, users whose orders add up to exactly 100.00 or 1000.00, and orders of
            users that do not exist.

            Example:
              sluice generate users-orders --users 1000000 --seed 42 --output bench/data
            """
        )

        @Option(help: "Rows in users.csv.")
        var users: Int

        @Option(help: "Mean orders per user (0 to 8).")
        var ordersPerUser: Double = 3

        @OptionGroup var options: GenerateCommand.Options

        func validate() throws {
            guard users >= 0 else { throw ValidationError("--users must be 0 or more.") }
            guard (0...8).contains(ordersPerUser) else { throw ValidationError("--orders-per-user must be between 0 and 8.") }
        }

        func run() throws {
            let clock = ContinuousClock()
            let start = clock.now
            let generator = UsersOrdersGenerator(users: users, seed: options.seed, ordersPerUser: ordersPerUser)
            let summary = try generator.write(to: options.out)
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            let files = [summary.users, summary.orders]
            let width = files.map(\.path.count).max() ?? 0
            for file in files {
                print("wrote \(file.path.padding(to: width))  \(grouped(file.rows).leftPadding(to: 11)) rows  "
                      + "\(grouped(file.bytes).leftPadding(to: 13)) bytes")
            }
            print("seed \(options.seed), \(fixed(seconds, digits: 3)) s")
        }
    }

    /// `sluice generate user-events`.
    struct UserEvents: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "user-events",
            abstract: "Write user events as JSON Lines, a few percent of them bad.",
            discussion: """
            About 200 bytes per event: user_id, event_type, timestamp, session_id, page
            and (for ~80%) a metadata object. About 2.2% are bad: user_id or timestamp
            missing, JSON cut short, or an empty line; another 0.5% have a numeric
            event_type (valid for the seed's rules, dead-lettered by a spec declaring
            event_type a string).

            Example:
              sluice generate user-events --events 1000000 --output data/events.jsonl
            """
        )

        @Option(help: "Number of lines.")
        var events: Int

        @Option(help: "Seed of every random choice; the same seed gives a byte-identical file.")
        var seed: UInt64 = 42

        @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the events (- for standard output).", valueName: "file"))
        var output: String?

        @Option(name: .customLong("out"), help: ArgumentHelp("Deprecated spelling of --output.", visibility: .hidden))
        var deprecatedOut: String?

        /// `--output`, or the deprecated `--out`.
        var out: String { output ?? deprecatedOut ?? "-" }

        func validate() throws {
            guard events >= 0 else { throw ValidationError("--events must be 0 or more.") }
            try requireOutput(output, deprecated: deprecatedOut)
        }

        func run() throws {
            let summary = try UserEventsGenerator(events: events, seed: seed).write(to: out)
            guard out != "-" else { return }
            print("wrote \(out)  \(grouped(summary.events)) events (\(grouped(summary.bad)) bad: \(summary.missingUserID) without user_id, "
                  + "\(summary.missingTimestamp) without timestamp, \(summary.malformed) malformed, \(summary.empty) empty; "
                  + "\(summary.numericEventType) with a numeric event_type)  \(grouped(summary.bytes)) bytes")
        }
    }
}
