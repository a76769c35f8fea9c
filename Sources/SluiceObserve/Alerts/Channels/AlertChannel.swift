import SluiceSQL

/// Sends one notification (blocking; the ``AlertObserver`` calls it on its own thread and retries).
public protocol AlertChannel: Sendable {
    /// `webhook`, `slack`, … (a bounded metric label).
    var kind: String { get }
    /// - Throws: ``ObserveError`` `.delivery` with secrets masked.
    func send(_ alert: Alert) throws
}

/// `${VAR}` expansion for channel settings, remembering the values so messages can mask them.
struct ExpandedSetting {
    let value: String
    let secrets: [String]

    init(_ text: String, environment: [String: String], what: String) throws {
        do { value = try ConnectionURL.expandVariables(in: text, environment: environment) } catch {
            throw ObserveError(.invalidConfiguration, location: what, message: "\(error)", hint: "set the variable, or write the value")
        }
        var secrets: [String] = []
        var rest = Substring(text)
        while let start = rest.firstRange(of: "${"), let end = rest[start.upperBound...].firstIndex(of: "}") {
            if let v = environment[String(rest[start.upperBound..<end])], !v.isEmpty { secrets.append(v) }
            rest = rest[rest.index(after: end)...]
        }
        self.secrets = secrets
    }

    /// `text` with the expanded secrets and the URL's secret parts masked.
    func mask(_ text: String) -> String { Secrets.maskURL(Secrets.mask(text, values: secrets)) }
}

extension ChannelSpec {
    /// The channel that sends this spec's notifications; `${VAR}`s are read from `environment` now.
    ///
    /// - Throws: ``ObserveError`` `.invalidConfiguration` for a variable that is not set.
    public func makeChannel(environment: [String: String], name: String) throws -> any AlertChannel {
        let what = "alerts.channels.\(name)"
        switch self {
        case .webhook(let url, let headers):
            var expanded: [String: String] = [:]
            for (k, v) in headers { expanded[k] = try ExpandedSetting(v, environment: environment, what: what).value }
            return WebhookChannel(url: try ExpandedSetting(url, environment: environment, what: what), headers: expanded)
        case .slack(let url): return SlackChannel(url: try ExpandedSetting(url, environment: environment, what: what))
        case .alertmanager(let url): return AlertmanagerChannel(url: try ExpandedSetting(url, environment: environment, what: what))
        case .email(let smtp, let from, let to):
            return EmailChannel(smtp: try ExpandedSetting(smtp, environment: environment, what: what), from: from, to: to)
        case .command(let command): return CommandChannel(command: command, environment: environment)
        }
    }
}
