import SluiceCore

/// A Slack-compatible incoming webhook: `text` (the fallback and notification line) and
/// `blocks` (a header line, the details, and a context line with the link).
struct SlackChannel: AlertChannel {
    let url: ExpandedSetting
    var timeout = 10.0
    var kind: String { "slack" }

    static func payload(_ alert: Alert) -> String {
        let icon = alert.status == .resolved ? ":white_check_mark:" : (alert.severity == "warning" ? ":warning:" : ":rotating_light:")
        let title = "\(icon) \(alert.status == .resolved ? "[RESOLVED] " : "")\(alert.summary)\(alert.isTest ? " (test)" : "")"
        let context = "\(alert.subjectKind) *\(alert.subject)* · rule `\(alert.rule)` · severity \(alert.severity) · <\(alert.link)|details>"
        return "{\"text\":\(jsonString(title)),\"blocks\":["
            + "{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\(jsonString("*" + title + "*"))}},"
            + "{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\(jsonString(alert.details.isEmpty ? "-" : "```" + alert.details + "```"))}},"
            + "{\"type\":\"context\",\"elements\":[{\"type\":\"mrkdwn\",\"text\":\(jsonString(context))}]}]}"
    }

    func send(_ alert: Alert) throws {
        try post(url, body: Self.payload(alert), timeout: timeout)
    }
}
