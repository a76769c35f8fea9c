import ArgumentParser
import Dispatch
import SluiceCore
import SluiceFormats
import SluiceStream
#if canImport(Glibc)
import Glibc
#endif

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
            let spec = try StreamSpec(contentsOfFile: path, environment: ProcessInfoEnvironment.current)
            _ = try StreamProcessor(spec)   // binds expressions: type errors are spec errors too
            return spec
        } catch let error as FormatError {
            throw CommandError.usage("cannot read stream spec: \(error.message)", hint: error.hint, location: ErrorLocation(file: path))
        } catch let error as StreamError {
            throw error.category == .usage ? CommandError.located(error, in: path) : error
        }
    }

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

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run a stream until its input ends (or forever: --follow, Kafka).",
            discussion: """
            SIGINT or SIGTERM stops reading, delivers what is in flight, commits the input
            position and exits 0. A status line (records in, out, dead-lettered, per
            second, Kafka consumer lag) goes to standard error every
            `settings.status_interval` and at exit.
            """)

        @Argument(help: "The stream spec (YAML).")
        var spec: String

        @Flag(help: "File input: wait at its end for more lines (like tail -f).")
        var follow = false

        @Flag(help: "Kafka input: stop once every assigned partition has been read to its end.")
        var stopAtEnd = false

        @Option(help: ArgumentHelp("File input: where to store the position (default: <input>.<stream>.position).", valueName: "file"))
        var position: String?

        @Option(help: ArgumentHelp("Kafka input: static group membership (group.instance.id), unique per consumer of the group: a restarted consumer with the same id gets its partitions back at once instead of waiting for the session timeout.", valueName: "id"))
        var instanceId: String?

        @Flag(help: "No status lines.")
        var quiet = false

        @Flag(help: "At exit, print the counts as one JSON object on standard output.")
        var jsonSummary = false

        @OptionGroup var metricsOptions: ServeMetricsOptions

        func run() throws {
            #if canImport(Glibc)
            // Every batch allocates and frees buffers of the same sizes; keep freed memory in
            // the heap for reuse instead of paying for fresh zeroed pages each time.
            _ = glibcMallopt(-3 /* M_MMAP_THRESHOLD */, 1 << 30)
            _ = glibcMallopt(-1 /* M_TRIM_THRESHOLD */, 1 << 30)
            #endif
            let parsed = try StreamCommand.loadSpec(spec)
            let quiet = self.quiet
            let name = parsed.name
            let runner = try StreamRunner(spec: parsed, options: .init(
                follow: follow, stopAtEnd: stopAtEnd, positionPath: position, instanceID: instanceId,
                status: { status in
                    guard !quiet || status.isFinal else { return }
                    printError("stream \(name): \(status.isFinal ? "done: " : "")\(status.line)")
                }))
            let observability = try makeObservability(forStream: parsed, file: spec)
            let lineage = LineageSetup(streamSpec: spec, observability: observability)
            runner.observer = lineage.observer(with: observability.observer)
            let server = try metricsOptions.start(observability)
            defer { server?.stop(); observability.flush(); lineage.flush() }
            signal(SIGINT, SIG_IGN)
            signal(SIGTERM, SIG_IGN)
            let sources = [SIGINT, SIGTERM].map { number in
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { runner.stop() }
                source.resume()
                return source
            }
            defer { sources.forEach { $0.cancel() } }
            let counters = try runner.run()
            if jsonSummary {
                print("{\"stream\":\(jsonString(name)),\"in\":\(counters.input),\"out\":\(counters.output),"
                      + "\"dlq\":\(counters.deadLettered),\"filtered\":\(counters.filtered),\"retries\":\(counters.retries),"
                      + "\"active_seconds\":\(runner.activeSeconds)}")
            }
        }
    }

    struct Produce: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "produce",
            abstract: "Send each line of a file to a Kafka topic as one message.",
            discussion: """
            Bad lines (malformed JSON, empty lines) are sent too, so a stream's
            dead-letter path sees real bad records. Waits for every delivery report; exits
            1 if any failed.
            Example:
              sluice stream produce examples/user_events/data/events.jsonl \\
                  --brokers "$KAFKA_BROKERS" --topic user-events-raw
            """)

        @Argument(help: ArgumentHelp("The file to send (- for standard input).", valueName: "file"))
        var file: String

        @Option(help: ArgumentHelp("bootstrap.servers: the broker addresses.", valueName: "host:port,..."))
        var brokers: String

        @Option(help: ArgumentHelp("Kafka topic to produce to.", valueName: "topic"))
        var topic: String

        @Option(name: .customLong("property"), help: ArgumentHelp("A librdkafka producer property (repeatable).", valueName: "key=value"))
        var properties: [String] = []

        func run() throws {
            var pairs: [String: String] = [:]
            for property in properties {
                guard let equals = property.firstIndex(of: "="), equals != property.startIndex else {
                    throw CommandError.usage("--property expects key=value, found '\(property)'")
                }
                pairs[String(property[..<equals])] = String(property[property.index(after: equals)...])
            }
            let producer = KafkaFileProducer(endpoint: KafkaEndpoint(topic: topic, brokers: brokers, properties: pairs))
            let counts: KafkaFileProducer.Counts
            counts = try producer.produce(path: file)
            print("produced \(grouped(counts.delivered)) messages to \(topic)" + (counts.failed > 0 ? ", \(grouped(counts.failed)) failed: \(counts.firstError ?? "?")" : ""))
            if counts.failed > 0 { throw CommandError(.notDelivered, "\(counts.failed) messages were not delivered", category: .transientIO) }
        }
    }

    struct MockCluster: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mock-cluster",
            abstract: "Host librdkafka's mock Kafka cluster on loopback (tests, benchmarks).",
            discussion: """
            Prints the bootstrap servers on the first line of standard output, then serves
            until SIGINT/SIGTERM (or, when standard input is a pipe, until it closes: a
            parent process that dies takes the cluster with it). Runs in the background
            with `&`. The mock cluster keeps only the newest 5 MiB or 100,000 message sets
            of each partition (librdkafka's limit): consume while producing, or use more
            partitions.
            Example:
              sluice stream mock-cluster --topic user-events-raw:8 \\
                  --topic user-events-processed:8 &
            """)

        @Option(name: .customLong("broker-count"), help: ArgumentHelp("Number of brokers.", valueName: "n"))
        var brokers = 3

        @Option(help: ArgumentHelp("Kafka topic to create, as name:partitions (repeatable).", valueName: "name:partitions"))
        var topic: [String] = []

        func run() throws {
            let cluster = try KafkaMockCluster(brokers: brokers)
            for spec in topic {
                let parts = spec.split(separator: ":")
                guard parts.count == 2, let n = Int(parts[1]), n > 0 else {
                    throw CommandError.usage("--topic expects name:partitions, found '\(spec)'")
                }
                try cluster.createTopic(String(parts[0]), partitions: n)
            }
            let line = cluster.bootstrapServers + "\n"
            Secrets.mask(line).utf8CString.withUnsafeBufferPointer { _ = write(1, $0.baseAddress, $0.count - 1) }
            signal(SIGINT, SIG_IGN)
            signal(SIGTERM, SIG_IGN)
            let done = DispatchSemaphore(value: 0)
            let sources = [SIGINT, SIGTERM].map { number in
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { done.signal() }
                source.resume()
                return source
            }
            var input = stat()
            if fstat(0, &input) == 0, (input.st_mode & S_IFMT) == S_IFIFO || (input.st_mode & S_IFMT) == S_IFSOCK {
                // A pipe from a parent: its end is the parent's end. A terminal or /dev/null
                // (a background job) is not watched, so `mock-cluster &` keeps serving.
                DispatchQueue.global().async {
                    var byte: UInt8 = 0
                    while read(0, &byte, 1) > 0 {}
                    done.signal()
                }
            }
            let note = "mock cluster: \(brokers) brokers on 127.0.0.1; each partition keeps only its newest 5 MiB or 100,000 message sets (consume while producing)\n"
            note.utf8CString.withUnsafeBufferPointer { _ = write(2, $0.baseAddress, $0.count - 1) }
            done.wait()
            sources.forEach { $0.cancel() }
            withExtendedLifetime(cluster) {}
        }
    }
}

/// The process environment as a dictionary (for `${VAR}` in specs).
enum ProcessInfoEnvironment {
    static var current: [String: String] {
        var result: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") { result[String(text[..<eq])] = String(text[text.index(after: eq)...]) }
            p += 1
        }
        return result
    }
}
