import SluiceCore
import SluiceSQL

/// Sends one notification (blocking; the ``AlertObserver`` calls it on its own thread and retries).
public protocol AlertChannel: Sendable {
    /// `webhook`, `slack`, … (a bounded metric label).
    var kind: String { get }
    /// - Throws: ``ObserveError`` `.delivery` with secrets masked.
    func send(_ alert: Alert) throws
}

/// `${VAR}` expansion for channel settings. Every expanded value, and the secret parts of the
/// URL (its password, its path and query), go into the one ``Secrets`` registry, so the CLI's
/// output, logs, the state store and alert records mask them wherever they appear.
struct ExpandedSetting {
    let value: String

    init(_ text: String, environment: [String: String], what: String) throws {
        do { value = try ConnectionURL.expandVariables(in: text, environment: environment) } catch {
            throw ObserveError(.invalidConfiguration, location: what, message: "\(error)", hint: "set the variable, or write the value")
        }
        var rest = Substring(text)
        while let start = rest.firstRange(of: "${"), let end = rest[start.upperBound...].firstIndex(of: "}") {
            if let v = environment[String(rest[start.upperBound..<end])] { Secrets.registerExpanded(v) }
            rest = rest[rest.index(after: end)...]
        }
        Secrets.registerURL(value)
    }

    /// `text` with registered secrets and the URL's secret parts masked.
    func mask(_ text: String) -> String { Secrets.maskURL(Secrets.mask(text)) }
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
