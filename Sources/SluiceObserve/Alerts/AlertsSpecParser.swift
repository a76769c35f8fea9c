#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SluiceCore
import SluiceQuality
import SluiceSpec
import Yams

extension AlertsSpec {
    static let keys = ["channels", "rules", "repeat_interval", "resolve", "delivery", "link", "on"] + channelKinds
    static let channelKinds = ["webhook", "slack", "alertmanager", "email", "command"]
    static let ruleKeys = ["on", "to", "severity", "after", "above", "repeat_interval"]

    /// Reads an `alerts:` node; problems name file:line:column.
    ///
    /// - Throws: ``ObserveError`` `.invalidConfiguration`.
    public init(node: Node, file: String) throws {
        do { self = try Self.parse(node, YAMLReader(file: file)) } catch let error as QualityError {
            throw ObserveError(.invalidConfiguration, message: error.description.replacing("error: ", with: ""))
        }
    }

    /// The `alerts:` section of a YAML file (a pipeline, a stream spec or `sluice.yaml`), if it has one.
    public static func section(_ key: String, inFile path: String) throws -> Node? {
        let text: String
        do { text = try String(decoding: readFile(path), as: UTF8.self) } catch {
            throw ObserveError(.io, location: path, message: "cannot read: \(error)")
        }
        guard let root = try SpecDocument.compose(text, file: path), case .mapping(let mapping) = root else { return nil }
        for (k, v) in mapping where k.string == key { return v }
        return nil
    }

    static func parse(_ node: Node, _ r: YAMLReader) throws -> AlertsSpec {
        var spec = AlertsSpec()
        var shortEvents: [Node] = []
        for (key, keyNode, value) in try r.mapping(node, "alerts", allowed: keys) {
            switch key {
            case "channels":
                for (name, _, channel) in try freeMapping(value, "alerts.channels", r) {
                    spec.channels[name] = try Self.channel(channel, "alerts.channels.\(name)", r)
                }
            case "rules":
                guard case .sequence(let items) = value else {
                    throw r.error(.invalidSuite, at: value, "alerts.rules must be a list of rules, found \(r.describe(value))",
                                  hint: "rules:\n    - on: failure\n    - { on: quality, severity: error }")
                }
                spec.rules = try items.map { try rule($0, r) }
            case "repeat_interval": spec.repeatInterval = try duration(value, "alerts.repeat_interval", r)
            case "resolve": spec.resolve = try r.bool(value, "alerts.resolve")
            case "link": spec.linkBase = try r.string(value, "alerts.link")
            case "delivery":
                for (k, _, v) in try r.mapping(value, "alerts.delivery", allowed: ["attempts", "backoff", "timeout"]) {
                    switch k {
                    case "attempts": spec.delivery.attempts = max(1, try r.integer(v, "alerts.delivery.attempts"))
                    case "backoff": spec.delivery.backoff = try duration(v, "alerts.delivery.backoff", r)
                    default: spec.delivery.timeout = try duration(v, "alerts.delivery.timeout", r)
                    }
                }
            case "on":
                if case .sequence(let items) = value { shortEvents = Array(items) } else { shortEvents = [value] }
            default:
                // Short form: a channel kind at the top.
                var wrapper = Node.Mapping([])
                wrapper[Node(key)] = value
                spec.channels[key] = try Self.channel(Node.mapping(wrapper), "alerts.\(key)", r, at: keyNode)
            }
        }
        for item in shortEvents { spec.rules.append(AlertRule(event: try event(item, r))) }
        for rule in spec.rules {
            for name in rule.to where spec.channels[name] == nil && !spec.channels.isEmpty {
                throw r.error(.invalidSuite, at: node, "alert rule \(rule.event.rawValue) sends to \"\(name)\", which is not a channel",
                              hint: "channels: \(spec.channels.keys.sorted().joined(separator: ", "))")
            }
        }
        return spec
    }

    static func duration(_ node: Node, _ what: String, _ r: YAMLReader) throws -> Double {
        let text = try r.string(node, what)
        guard let seconds = parseDuration(text) else {
            throw r.error(.invalidSuite, at: node, "\(what) must be a duration such as 30s, 5m or 4h, found \"\(text)\"")
        }
        return seconds
    }

    static func event(_ node: Node, _ r: YAMLReader) throws -> AlertRule.Event {
        let text = try r.string(node, "alerts rule `on`")
        let aliases = ["sla": "sla_miss", "failed": "failure", "check": "quality", "lag": "consumer_lag", "dlq": "dlq_rate"]
        guard let event = AlertRule.Event(rawValue: aliases[text] ?? text) else {
            let names = AlertRule.Event.allCases.map(\.rawValue)
            throw r.error(.invalidSuite, at: node, "unknown alert event \"\(text)\"",
                          hint: (suggestion(for: text, among: names).map { "did you mean \"\($0)\"? " } ?? "") + "one of " + names.joined(separator: ", "))
        }
        return event
    }

    static func rule(_ node: Node, _ r: YAMLReader) throws -> AlertRule {
        if case .scalar = node { return AlertRule(event: try event(node, r)) }
        var rule: AlertRule?
        var fields: [(String, Node)] = []
        for (key, _, value) in try r.mapping(node, "an alert rule", allowed: ruleKeys) {
            if key == "on" { rule = AlertRule(event: try event(value, r)) } else { fields.append((key, value)) }
        }
        guard var rule else { throw r.error(.invalidSuite, at: node, "an alert rule needs `on:`", hint: "- { on: failure }") }
        for (key, value) in fields {
            switch key {
            case "to": rule.to = try r.strings(value, "alert rule `to`")
            case "severity":
                rule.severity = try r.string(value, "alert rule `severity`").lowercased()
                guard Severity(rawValue: rule.severity) != nil else {
                    throw r.error(.invalidSuite, at: value, "severity must be warning, error or critical, found \"\(rule.severity)\"")
                }
            case "after": rule.after = try duration(value, "alert rule `after`", r)
            case "above": rule.above = try r.number(value, "alert rule `above`")
            default: rule.repeatInterval = try duration(value, "alert rule `repeat_interval`", r)
            }
        }
        if rule.event == .longRunning && rule.after == nil {
            throw r.error(.invalidSuite, at: node, "a long_running rule needs `after:`", hint: "- { on: long_running, after: 2h }")
        }
        if (rule.event == .dlqRate || rule.event == .consumerLag) && rule.above == nil {
            throw r.error(.invalidSuite, at: node, "a \(rule.event.rawValue) rule needs `above:`", hint: "- { on: \(rule.event.rawValue), above: 0.05 }")
        }
        return rule
    }

    static func channel(_ node: Node, _ what: String, _ r: YAMLReader, at position: Node? = nil) throws -> ChannelSpec {
        let entries = try r.mapping(node, what, allowed: channelKinds + ["headers"])
        guard let (kind, _, value) = entries.first(where: { channelKinds.contains($0.key) }) else {
            throw r.error(.invalidSuite, at: position ?? node, "\(what) needs one of \(channelKinds.joined(separator: ", "))",
                          hint: "ops: { webhook: \"${ALERT_WEBHOOK_URL}\" }")
        }
        switch kind {
        case "webhook":
            var headers: [String: String] = [:]
            if let h = entries.first(where: { $0.key == "headers" }) {
                for (k, _, v) in try freeMapping(h.value, "\(what).headers", r) { headers[k] = try r.string(v, "\(what).headers.\(k)") }
            }
            return .webhook(url: try r.string(value, what), headers: headers)
        case "slack": return .slack(url: try r.string(value, what))
        case "alertmanager": return .alertmanager(url: try r.string(value, what))
        case "command": return .command(try r.string(value, what))
        default:
            var smtp = "", from = "sluice@localhost", to: [String] = []
            for (k, _, v) in try r.mapping(value, "\(what).email", allowed: ["smtp", "from", "to"]) {
                switch k {
                case "smtp": smtp = try r.string(v, "\(what).email.smtp")
                case "from": from = try r.string(v, "\(what).email.from")
                default: to = try r.strings(v, "\(what).email.to")
                }
            }
            guard !smtp.isEmpty, !to.isEmpty else {
                throw r.error(.invalidSuite, at: value, "\(what).email needs `smtp:` and `to:`",
                              hint: "email: { smtp: \"smtp://127.0.0.1:25\", from: sluice@example.com, to: [oncall@example.com] }")
            }
            return .email(smtp: smtp, from: from, to: to)
        }
    }

    /// A mapping whose keys are names the user chooses.
    static func freeMapping(_ node: Node, _ what: String, _ r: YAMLReader) throws -> [(key: String, keyNode: Node, value: Node)] {
        guard case .mapping(let mapping) = node else {
            throw r.error(.wrongType, at: node, "\(what) must be a mapping, found \(r.describe(node))")
        }
        return try mapping.map { (try r.string($0.key, "a name in \(what)"), $0.key, $0.value) }
    }
}

func readFile(_ path: String) throws -> [UInt8] {
    guard let file = fopen(path, "rb") else { throw ObserveError(.io, location: path, message: "cannot open") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if n <= 0 { break }
        bytes += chunk[0..<n]
    }
    return bytes
}
