import ArgumentParser
import SluiceObserve
import SluicePipeline
import SluiceStream
import SluiceQuality
import SluiceCore
import SluiceSQL

/// `/metrics` for long-running commands (`sluice schedule`, `sluice stream run`).
struct ServeMetricsOptions: ParsableArguments {
    static let defaultAddress = "127.0.0.1:9464"

    @Option(name: .long, help: ArgumentHelp("Serve Prometheus metrics at http://HOST:PORT/metrics (default: \(ServeMetricsOptions.defaultAddress)). An address given here that is in use stops the command; the default one in use is only a warning.", valueName: "host:port"))
    var metricsAddress: String?

    @Flag(name: .long, help: "Do not serve metrics.")
    var noMetrics = false

    /// Starts the server unless disabled. The default address in use (several streams or
    /// schedulers on one host) is a warning and the command goes on without `/metrics`; an
    /// address the user gave that cannot be bound fails fast (exit 2): they asked for it.
    func start(_ observability: Observability) throws -> MetricsServer? {
        guard !noMetrics else { return nil }
        let address = metricsAddress ?? Self.defaultAddress
        let (host, port) = try Observability.parseAddress(address, option: "--metrics-address")
        do {
            let server = try observability.serveMetrics(host: host, port: port)
            printError("metrics: serving \(server.url)")
            return server
        } catch let error as ObserveError {
            let reason = error.message.components(separatedBy: ": ").last ?? error.message
            let hint = "give each process its own address with --metrics-address 127.0.0.1:PORT (e.g. \(port == 65_535 ? 9465 : port + 1)), or --no-metrics"
            if metricsAddress != nil {
                throw CommandError.usage("--metrics-address \(address): cannot serve metrics: \(reason)", hint: hint)
            }
            printError("warning: the default metrics address \(address) is not available (\(reason)); going on without /metrics\n  hint: \(hint)")
            return nil
        }
    }
}

/// Metrics of one-shot commands (`sluice run`, `sluice check`): a textfile or a Pushgateway.
struct ExportMetricsOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Write Prometheus metrics to this file at exit (node-exporter textfile collector).", valueName: "file.prom"))
    var metricsFile: String?

    @Option(name: .long, help: ArgumentHelp("Push Prometheus metrics to this Pushgateway at exit (job \"sluice\").", valueName: "url"))
    var pushgateway: String?

    /// Writes and pushes; failures are warnings (the run's outcome stands).
    func export(_ observability: Observability, grouping: [(String, String)]) {
        if let metricsFile {
            do { try MetricsExport.writeTextfile(observability.metrics.registry, to: metricsFile) } catch { printError("warning: \(error)") }
        }
        if let pushgateway {
            do { try MetricsExport.push(observability.metrics.registry, to: pushgateway, job: "sluice", grouping: grouping) } catch {
                printError("warning: \(error)")
            }
        }
    }
}

/// Metrics, plus the alerts each pipeline's spec and project file (`sluice.yaml`) configure.
func makeObservability(for pipelines: [(Pipeline, StateStore)]) throws -> Observability {
    let observability = Observability()
    do {
        for (pipeline, store) in pipelines {
            guard let file = pipeline.file else { continue }
            let spec = try alertsSpec(for: file)
            if let callbacks = try CallbackObserver.callbacks(inFile: file) {
                var channels: [String: any AlertChannel] = [:]
                for (name, channel) in spec.channels {
                    channels[name] = try channel.makeChannel(environment: ConnectionURL.processEnvironment(), name: name)
                }
                let observer = CallbackObserver(pipeline: callbacks.pipeline, tasks: callbacks.tasks, channels: channels,
                                                environment: ConnectionURL.processEnvironment(), directory: pipeline.directory)
                observability.add(SubjectFilter(observer, subject: pipeline.name), slow: true, name: "callbacks")
            }
            guard !spec.isEmpty else { continue }
            let alerts = try AlertObserver(spec: spec, environment: ConnectionURL.processEnvironment(), directory: pipeline.directory,
                                           store: store, metrics: observability.metrics)
            observability.add(SubjectFilter(alerts, subject: pipeline.name), slow: true, name: "alerts")
        }
    } catch let error as ObserveError {
        throw CommandError(usage: error)
    }
    return observability
}

/// A spec file's `alerts:` over its project file's.
func alertsSpec(for file: String) throws -> AlertsSpec {
    let defaults = try ProjectConfig.find(near: file)?.alerts ?? AlertsSpec()
    guard let node = try AlertsSpec.section("alerts", inFile: file) else { return defaults }
    return try AlertsSpec(node: node, file: file).merged(over: defaults)
}

/// Metrics, plus the alerts the stream spec and project file configure.
func makeObservability(forStream stream: StreamSpec, file: String) throws -> Observability {
    let observability = Observability()
    do {
        let spec = try alertsSpec(for: file)
        if !spec.isEmpty {
            let directory = file.contains("/") ? String(file[..<file.lastIndex(of: "/")!]) : "."
            let alerts = try AlertObserver(spec: spec, environment: ConnectionURL.processEnvironment(), directory: directory,
                                           metrics: observability.metrics)
            observability.add(SubjectFilter(alerts, subject: stream.name), slow: true, name: "alerts")
        }
    } catch let error as ObserveError {
        throw CommandError(usage: error)
    }
    return observability
}

/// `sluice check`'s results as metrics (the suite file's base name stands for the pipeline).
func exportCheckMetrics(_ results: [CheckResult], suite: String, options: ExportMetricsOptions) {
    guard options.metricsFile != nil || options.pushgateway != nil else { return }
    let observability = Observability()
    var name = String(suite.split(separator: "/").last ?? "suite")
    if let dot = name.lastIndex(of: ".") { name = String(name[..<dot]) }
    let now = SystemClock().now()
    for result in results { observability.observer.observe(.checkEvaluated(CheckEvaluated(result, run: nil, task: name, time: now))) }
    options.export(observability, grouping: [("suite", name)])
}
