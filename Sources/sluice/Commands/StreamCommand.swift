import ArgumentParser
import SluiceCore
import SluiceFormats
import SluiceStream

/// `sluice stream`: run and check stream processors (Kafka, JSON Lines files, stdin/stdout).
struct StreamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Run stream processors: validate, enrich, filter and route records.",
        discussion: """
        Examples:
          sluice stream validate examples/user_events/spec.yaml
          sluice stream run examples/user_events/spec.yaml
          tail -f events.jsonl | sluice stream run spec.yaml    # with input: { file: \\
              "-" }
        """,
        subcommands: [Run.self, Validate.self, Produce.self, MockCluster.self]
    )

    /// Reads and parses a spec file; spec mistakes exit with status 2.
    static func loadSpec(_ path: String) throws -> StreamSpec {
        do {
            let spec = try StreamSpec(contentsOfFile: path, environment: processEnvironment())
            _ = try StreamProcessor(spec)   // binds expressions: type errors are spec errors too
            return spec
        } catch let error as FormatError {
            throw CommandError.usage("cannot read stream spec: \(error.message)", hint: error.hint, location: ErrorLocation(file: path))
        } catch let error as StreamError {
            throw error.category == .usage ? CommandError.located(error, in: path) : error
        }
    }
}
