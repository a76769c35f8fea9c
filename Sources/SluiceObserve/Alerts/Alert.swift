import SluiceCore

/// One notification: a rule that fired (or resolved) for a pipeline run or a stream.
///
/// Its JSON (webhook and command channels) is documented in the README, versioned by
/// ``schemaVersion``:
/// ```json
/// {"schema_version":1,"status":"firing","rule":"failure","event":"failure","severity":"critical",
///  "subject_kind":"pipeline","subject":"user_analytics","run_id":"2024-06-01","logical_date":"2024-06-01T00:00:00Z",
///  "task":null,"check":null,"summary":"user_analytics 2024-06-01 failed","details":"failed: extract, load",
///  "started_at":"2024-06-02T00:00:05Z","link":"sluice://pipelines/user_analytics/runs/2024-06-01","test":false}
/// ```
public struct Alert: Sendable, Equatable {
    public static let schemaVersion = 1

    public enum Status: String, Sendable { case firing, resolved }
    public var status: Status = .firing
    /// The rule's name (`failure`, `quality_error`, …).
    public var rule: String
    /// The rule's event (`failure`, `quality`, …).
    public var event: String
    /// `critical`, `error` or `warning`.
    public var severity: String
    /// `pipeline` or `stream`.
    public var subjectKind: String
    /// The pipeline's or stream's name.
    public var subject: String
    public var runID: String?
    public var logicalDate: Int64?
    public var task: String?
    public var check: String?
    /// One line, for people (and the Slack `text`).
    public var summary: String
    /// More lines: the error, the observed value, the counts.
    public var details: String
    /// When the condition began (µs since the epoch).
    public var startedAt: Int64
    public var link: String
    /// Sent by `sluice alerts test`.
    public var isTest = false

    public init(rule: String, event: String, severity: String, subjectKind: String, subject: String, runID: String? = nil,
                logicalDate: Int64? = nil, task: String? = nil, check: String? = nil, summary: String, details: String,
                startedAt: Int64, link: String) {
        self.rule = rule; self.event = event; self.severity = severity; self.subjectKind = subjectKind; self.subject = subject
        self.runID = runID; self.logicalDate = logicalDate; self.task = task; self.check = check
        self.summary = summary; self.details = details; self.startedAt = startedAt; self.link = link
    }

    /// The documented JSON object (one line).
    public var json: String {
        func s(_ v: String?) -> String { v.map(jsonString) ?? "null" }
        return "{\"schema_version\":\(Self.schemaVersion),\"status\":\(s(status.rawValue)),\"rule\":\(s(rule)),\"event\":\(s(event)),"
            + "\"severity\":\(s(severity)),\"subject_kind\":\(s(subjectKind)),\"subject\":\(s(subject)),\"run_id\":\(s(runID)),"
            + "\"logical_date\":\(s(logicalDate.map { formatTimestamp(microsecondsSinceEpoch: $0) })),\"task\":\(s(task)),\"check\":\(s(check)),"
            + "\"summary\":\(s(summary)),\"details\":\(s(details)),\"started_at\":\(s(formatTimestamp(microsecondsSinceEpoch: startedAt))),"
            + "\"link\":\(s(link)),\"test\":\(isTest)}"
    }

    /// `SLUICE_ALERT_STATUS`, `SLUICE_ALERT_RULE`, … for the command channel.
    public var environment: [String: String] {
        var env = ["SLUICE_ALERT_SCHEMA_VERSION": String(Self.schemaVersion), "SLUICE_ALERT_STATUS": status.rawValue,
                   "SLUICE_ALERT_RULE": rule, "SLUICE_ALERT_EVENT": event, "SLUICE_ALERT_SEVERITY": severity,
                   "SLUICE_ALERT_SUBJECT_KIND": subjectKind, "SLUICE_ALERT_SUBJECT": subject, "SLUICE_ALERT_SUMMARY": summary,
                   "SLUICE_ALERT_DETAILS": details, "SLUICE_ALERT_LINK": link, "SLUICE_ALERT_TEST": isTest ? "1" : "0"]
        if subjectKind == "pipeline" { env["SLUICE_ALERT_PIPELINE"] = subject } else { env["SLUICE_ALERT_STREAM"] = subject }
        if let runID { env["SLUICE_ALERT_RUN_ID"] = runID }
        if let task { env["SLUICE_ALERT_TASK"] = task }
        if let check { env["SLUICE_ALERT_CHECK"] = check }
        return env
    }

    /// Dedupe key part: what distinguishes two alerts of one rule in one run.
    var instance: String { [runID ?? "", task ?? "", check ?? ""].joined(separator: "/") }
}
