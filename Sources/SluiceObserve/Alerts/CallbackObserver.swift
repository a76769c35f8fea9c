import Foundation
import SluiceCore
import SluiceSpec
import Yams

/// `on_failure` / `on_success` of a pipeline and of its tasks: a shell command (the event as
/// an ``Alert``: JSON on stdin, `SLUICE_ALERT_*` variables) or `{ channel: NAME }` (a channel of
/// the `alerts:` section). Runs on a ``BufferedObserver``'s thread; a failing callback is logged,
/// never fails the run.
///
/// ```yaml
/// on_failure: "./page-oncall.sh"
/// tasks:
///   load: { load: { … }, on_failure: { channel: ops } }
/// ```
public final class CallbackObserver: EventObserver, @unchecked Sendable {   // immutable after init
    public enum Action: Sendable, Equatable {
        case command(String)
        case channel(String)
    }
    public struct Callbacks: Sendable, Equatable {
        public var onFailure: [Action] = []
        public var onSuccess: [Action] = []
        public var isEmpty: Bool { onFailure.isEmpty && onSuccess.isEmpty }
    }

    public let pipeline: Callbacks
    public let tasks: [String: Callbacks]
    let channels: [String: any AlertChannel]
    let environment: [String: String]
    let directory: String?
    let log: @Sendable (String) -> Void

    public init(pipeline: Callbacks, tasks: [String: Callbacks], channels: [String: any AlertChannel], environment: [String: String],
                directory: String?, log: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
        self.pipeline = pipeline
        self.tasks = tasks
        self.channels = channels
        self.environment = environment
        self.directory = directory
        self.log = log
    }

    /// Reads the callbacks of a pipeline file; `nil` when it has none.
    ///
    /// - Throws: ``ObserveError`` `.invalidConfiguration` naming file:line:column.
    public static func callbacks(inFile path: String) throws -> (pipeline: Callbacks, tasks: [String: Callbacks])? {
        guard let root = try SpecDocument.compose(String(decoding: readFile(path), as: UTF8.self), file: path),
              case .mapping(let top) = root else { return nil }
        func parse(_ node: Node?) throws -> [Action] {
            guard let node else { return [] }
            if let text = node.scalar?.string { return [.command(text)] }
            if case .mapping(let m) = node {
                for (k, v) in m {
                    switch k.string {
                    case "command": if let t = v.string { return [.command(t)] }
                    case "channel": if let t = v.string { return [.channel(t)] }
                    default: break
                    }
                }
            }
            let mark = node.mark.map { ":\($0.line):\($0.column)" } ?? ""
            throw ObserveError(.invalidConfiguration, location: path + mark, message: "a callback is a shell command or { channel: NAME }",
                               hint: "on_failure: \"./cleanup.sh\"  or  on_failure: { channel: ops }")
        }
        func callbacks(_ m: Node.Mapping) throws -> Callbacks {
            Callbacks(onFailure: try parse(m["on_failure"]), onSuccess: try parse(m["on_success"]))
        }
        let pipeline = try callbacks(top)
        var tasks: [String: Callbacks] = [:]
        if case .mapping(let taskNodes)? = top["tasks"] {
            for (name, node) in taskNodes {
                guard let name = name.string, case .mapping(let m) = node else { continue }
                let c = try callbacks(m)
                if !c.isEmpty { tasks[name] = c }
            }
        }
        return pipeline.isEmpty && tasks.isEmpty ? nil : (pipeline, tasks)
    }

    public func runFinished(_ e: RunFinished) {
        let success = e.outcome == .success
        var alert = Alert(rule: success ? "on_success" : "on_failure", event: success ? "success" : "failure",
                          severity: success ? "info" : "critical", subjectKind: "pipeline", subject: e.run.pipeline, runID: e.run.runID,
                          logicalDate: e.run.logicalDate, summary: "\(e.run.pipeline) \(e.run.runID) \(success ? "succeeded" : "failed")",
                          details: e.failedTasks.isEmpty ? "" : "failed: " + e.failedTasks.joined(separator: ", "),
                          startedAt: e.time, link: "sluice://pipelines/\(e.run.pipeline)/runs/\(e.run.runID)")
        if success { alert.status = .resolved }
        perform(success ? pipeline.onSuccess : pipeline.onFailure, alert)
    }

    public func taskTryFinished(_ e: TaskTryFinished) {
        guard let callbacks = tasks[e.task], !e.willRetry else { return }
        let success = e.outcome == .success
        var alert = Alert(rule: success ? "on_success" : "on_failure", event: success ? "success" : "failure",
                          severity: success ? "info" : "critical", subjectKind: "pipeline", subject: e.run.pipeline, runID: e.run.runID,
                          logicalDate: e.run.logicalDate, task: e.task,
                          summary: "\(e.run.pipeline) \(e.run.runID): task \(e.task) \(success ? "succeeded" : e.outcome.rawValue)",
                          details: e.error?.message ?? "", startedAt: e.time, link: "sluice://pipelines/\(e.run.pipeline)/runs/\(e.run.runID)")
        if success { alert.status = .resolved }
        perform(success ? callbacks.onSuccess : callbacks.onFailure, alert)
    }

    func perform(_ actions: [Action], _ alert: Alert) {
        for action in actions {
            do {
                switch action {
                case .command(let command):
                    var channel = CommandChannel(command: command, environment: environment)
                    channel.directory = directory
                    try channel.send(alert)
                case .channel(let name):
                    guard let channel = channels[name] else {
                        throw ObserveError(.invalidConfiguration, message: "callback channel \"\(name)\" is not in alerts.channels")
                    }
                    try channel.send(alert)
                }
            } catch {
                log("warning: \(alert.rule) callback of \(alert.subject)\(alert.task.map { " task " + $0 } ?? "") failed: \(error)")
            }
        }
    }
}
