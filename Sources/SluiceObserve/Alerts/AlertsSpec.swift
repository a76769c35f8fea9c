/// The `alerts:` section of a pipeline or stream spec (or of the project file, as defaults).
///
/// ```yaml
/// alerts:
///   channels:
///     ops: { webhook: "${ALERT_WEBHOOK_URL}" }
///     chat: { slack: "${SLACK_WEBHOOK_URL}" }
///     am: { alertmanager: "http://127.0.0.1:9093" }
///     mail: { email: { smtp: "smtp://alerts:${SMTP_PASSWORD}@mail.internal:25", from: sluice@x, to: [oncall@x] } }
///     page: { command: "./notify.sh" }
///   rules:
///     - on: failure                       # a run failed (after its retries)
///     - { on: quality, severity: error }   # a check at or above error failed
///     - { on: retry, to: [chat] }          # a task try failed and will be retried
///     - on: sla_miss
///     - { on: long_running, after: 2h }    # a run still going 2 h after it started
///     - { on: dlq_rate, above: 0.05 }      # streams: dead-lettered / read, per commit window
///     - { on: consumer_lag, above: 100000 }
///   repeat_interval: 4h                    # throttle per rule and pipeline/stream
///   delivery: { attempts: 3, backoff: 1s, timeout: 10s }
/// ```
/// The short form `alerts: { on: [failure, quality, sla_miss], webhook: "${URL}" }` is one
/// channel and one rule per event. "Resolved" is sent to a rule's channels when the next run
/// succeeds (or a stream's rate or lag is back below its threshold), unless `resolve: false`.
public struct AlertsSpec: Sendable, Equatable {
    public var channels: [String: ChannelSpec] = [:]
    public var rules: [AlertRule] = []
    /// Seconds between two notifications of one rule for one pipeline or stream (0: no throttle).
    public var repeatInterval: Double?
    public var resolve = true
    public var delivery = DeliverySettings()
    /// The base of links in alerts (`generatorURL`), e.g. the UI's address.
    public var linkBase: String?

    public init() {}

    /// `self` over `defaults`: channels by name, rules replaced when given, settings when set.
    public func merged(over defaults: AlertsSpec) -> AlertsSpec {
        var result = defaults
        for (name, channel) in channels { result.channels[name] = channel }
        if !rules.isEmpty { result.rules = rules }
        if let repeatInterval { result.repeatInterval = repeatInterval }
        if !resolve { result.resolve = false }
        if delivery != DeliverySettings() { result.delivery = delivery }
        if let linkBase { result.linkBase = linkBase }
        return result
    }

    /// No rules or no channels: nothing would ever be sent.
    public var isEmpty: Bool { rules.isEmpty || channels.isEmpty }
}

/// When to notify.
public struct AlertRule: Sendable, Equatable {
    public enum Event: String, Sendable, CaseIterable {
        case failure, retry, quality
        case slaMiss = "sla_miss"
        case longRunning = "long_running"
        case dlqRate = "dlq_rate"
        case consumerLag = "consumer_lag"
    }
    public var event: Event
    /// Channel names; empty = every channel.
    public var to: [String] = []
    /// `quality`: the lowest severity that alerts (default `error`).
    public var severity = "error"
    /// `long_running`: seconds after the run started.
    public var after: Double?
    /// `dlq_rate` (a fraction) and `consumer_lag` (records).
    public var above: Double?
    public var repeatInterval: Double?

    public init(event: Event, to: [String] = []) {
        self.event = event
        self.to = to
    }

    /// A stable name for dedupe keys and labels (`failure`, `quality_error`, `long_running`).
    public var name: String { event == .quality ? "quality_\(severity)" : event.rawValue }
}

/// Retries of one notification.
public struct DeliverySettings: Sendable, Equatable {
    public var attempts = 3
    /// Seconds before the second attempt; doubles after each.
    public var backoff = 1.0
    public var timeout = 10.0
    public init() {}
}

/// Where a notification goes. Strings may hold `${VAR}`, expanded when sent and masked in output.
public enum ChannelSpec: Sendable, Equatable {
    /// POST of the alert JSON (schema ``Alert/schemaVersion``).
    case webhook(url: String, headers: [String: String])
    /// A Slack-compatible incoming webhook: `text` plus `blocks`.
    case slack(url: String)
    /// Prometheus Alertmanager: POST /api/v2/alerts.
    case alertmanager(url: String)
    /// Mail over SMTP (plain, as on a local relay; `smtp://user:${PASSWORD}@host:port`).
    case email(smtp: String, from: String, to: [String])
    /// A shell command: the alert JSON on stdin, fields as `SLUICE_ALERT_*` variables.
    case command(String)

    /// `webhook`, `slack`, `alertmanager`, `email`, `command` (a bounded metric label).
    public var kind: String {
        switch self {
        case .webhook: "webhook"
        case .slack: "slack"
        case .alertmanager: "alertmanager"
        case .email: "email"
        case .command: "command"
        }
    }
}
