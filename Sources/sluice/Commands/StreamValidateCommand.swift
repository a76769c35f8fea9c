import ArgumentParser
import SluiceStream

extension StreamCommand {
    /// `sluice stream validate`: checks a stream spec without running it.
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Check a stream spec: keys, processors, expressions and fields.")

        @Argument(help: "The stream spec (YAML).")
        var spec: String

        func run() throws {
            let parsed = try StreamCommand.loadSpec(spec)
            let processors = parsed.processors.map(\.kind).joined(separator: ", ")
            print("\(spec): ok — stream \(parsed.name): \(describe(parsed.input)) → [\(processors)] → \(describe(parsed.output))"
                  + parsed.outputs.map { ", \($0.name): \(describe($0.endpoint))" }.joined()
                  + "; dead letters → \(describe(parsed.deadLetter))")
            if let fields = parsed.declaredInputFields {
                print("  fields bound against: \(fields.joined(separator: ", ")) (from \(parsed.fields == nil ? "validate and enrich defaults" : "`fields:`")) and those processors add")
            } else {
                print("  input fields are not declared: names read before a map are not checked (declare them with `fields:`)")
            }
        }

        func describe(_ endpoint: Endpoint) -> String {
            switch endpoint {
            case .file(let path): path == "-" ? "standard stream" : "file \(path)"
            case .kafka(let k): "kafka topic \(k.topic)"
            }
        }
    }
}
