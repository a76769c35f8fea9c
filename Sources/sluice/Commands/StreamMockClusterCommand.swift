import ArgumentParser
import Dispatch
import SluiceCore
import SluiceStream
#if canImport(Glibc)
import Glibc
#endif

extension StreamCommand {
    /// `sluice stream mock-cluster`: hosts librdkafka's mock cluster on loopback.
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
