import SluiceCore
import SluiceQuality

/// Prometheus Alertmanager's API v2: `POST /api/v2/alerts` with one alert whose labels
/// identify it (alertname, pipeline or stream, rule, severity, task/check) and whose
/// `endsAt` is now when it resolved. Alertmanager then groups, silences and routes it.
struct AlertmanagerChannel: AlertChannel {
    let url: ExpandedSetting
    var timeout = 10.0
    var kind: String { "alertmanager" }

    static func payload(_ alert: Alert, now: Int64) -> String {
        var labels: [(String, String)] = [("alertname", "Sluice" + alert.event.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()),
                                          (alert.subjectKind, alert.subject), ("rule", alert.rule), ("severity", alert.severity),
                                          ("source", "sluice")]
        if let task = alert.task { labels.append(("task", task)) }
        if let check = alert.check { labels.append(("check", check)) }
        if alert.isTest { labels.append(("test", "true")) }
        let labelJSON = labels.map { "\(jsonString($0.0)):\(jsonString($0.1))" }.joined(separator: ",")
        var annotations = "\"summary\":\(jsonString(alert.summary)),\"description\":\(jsonString(alert.details))"
        if let runID = alert.runID { annotations += ",\"run_id\":\(jsonString(runID))" }
        let ends = alert.status == .resolved ? ",\"endsAt\":\(jsonString(formatTimestamp(microsecondsSinceEpoch: now)))" : ""
        return "[{\"labels\":{\(labelJSON)},\"annotations\":{\(annotations)},"
            + "\"startsAt\":\(jsonString(formatTimestamp(microsecondsSinceEpoch: alert.startedAt)))\(ends),"
            + "\"generatorURL\":\(jsonString(alert.link))}]"
    }

    func send(_ alert: Alert) throws {
        var base = url.value
        while base.hasSuffix("/") { base.removeLast() }
        let endpoint = ExpandedSetting(value: base + "/api/v2/alerts")
        try post(endpoint, body: Self.payload(alert, now: currentMicroseconds()), timeout: timeout)
    }
}

extension ExpandedSetting {
    /// A setting derived from an expanded one (whose secrets are registered already).
    init(value: String) {
        self.value = value
    }
}
