import ArgumentParser
import SluiceFormats

extension GenerateCommand {
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

        @OptionGroup var options: GenerateCommand.Options<GenerateCommand.File>

        func validate() throws {
            guard events >= 0 else { throw ValidationError("--events must be 0 or more.") }
        }

        func run() throws {
            let summary = try UserEventsGenerator(events: events, seed: options.seed).write(to: options.out)
            guard options.out != "-" else { return }
            print("wrote \(options.out)  \(grouped(summary.events)) events (\(grouped(summary.bad)) bad: \(summary.missingUserID) without user_id, "
                  + "\(summary.missingTimestamp) without timestamp, \(summary.malformed) malformed, \(summary.empty) empty; "
                  + "\(summary.numericEventType) with a numeric event_type)  \(grouped(summary.bytes)) bytes")
        }
    }
}
