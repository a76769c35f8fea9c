import SluiceCore

/// One alert notification as the state store keeps it: which rule fired (or resolved) for
/// which pipeline or stream and run, to which channel, and whether it went through.
public struct NotificationRecord: Sendable, Equatable {
    public var subject: String
    public var runID: String
    public var rule: String
    /// What distinguishes two alerts of one rule in one run (`run/task/check`).
    public var instance: String
    /// `firing` or `resolved`.
    public var status: String
    public var channel: String
    /// `delivered`, `failed` or `throttled`.
    public var outcome: String
    public var attempts: Int
    /// Masked.
    public var error: String?
    public var severity: String
    public var summary: String
    public var time: Int64

    public init(subject: String, runID: String, rule: String, instance: String, status: String, channel: String, outcome: String,
                attempts: Int, error: String?, severity: String, summary: String, time: Int64) {
        self.subject = subject; self.runID = runID; self.rule = rule; self.instance = instance; self.status = status
        self.channel = channel; self.outcome = outcome; self.attempts = attempts; self.error = error
        self.severity = severity; self.summary = summary; self.time = time
    }
}

extension StateStore {
    static let notificationsSQL = """
    CREATE TABLE IF NOT EXISTS sluice_alert_notifications (
        subject TEXT NOT NULL, run_id TEXT NOT NULL, rule TEXT NOT NULL, instance TEXT NOT NULL, status TEXT NOT NULL,
        channel TEXT NOT NULL, outcome TEXT NOT NULL, attempts INTEGER NOT NULL, error TEXT, severity TEXT NOT NULL,
        summary TEXT NOT NULL, recorded_at BIGINT NOT NULL)
    """

    /// Appends one notification's outcome.
    public func recordNotification(_ n: NotificationRecord) throws {
        try execute(Self.notificationsSQL)
        try execute("""
            INSERT INTO sluice_alert_notifications (subject, run_id, rule, instance, status, channel, outcome, attempts, error, severity, summary, recorded_at)
            VALUES ({{ s }}, {{ r }}, {{ rule }}, {{ i }}, {{ st }}, {{ c }}, {{ o }}, {{ a }}, {{ e }}, {{ sev }}, {{ sum }}, {{ t }})
            """, ["s": .string(n.subject), "r": .string(n.runID), "rule": .string(n.rule), "i": .string(n.instance),
                  "st": .string(n.status), "c": .string(n.channel), "o": .string(n.outcome), "a": .int64(Int64(n.attempts)),
                  "e": n.error.map(Value.string) ?? .null, "sev": .string(n.severity), "sum": .string(n.summary), "t": .int64(n.time)])
    }

    /// Notifications of a pipeline or stream, newest first.
    public func notifications(subject: String, limit: Int = 1000) throws -> [NotificationRecord] {
        try execute(Self.notificationsSQL)
        return try query("""
            SELECT subject, run_id, rule, instance, status, channel, outcome, attempts, error, severity, summary, recorded_at
            FROM sluice_alert_notifications WHERE subject = {{ s }} ORDER BY recorded_at DESC LIMIT {{ n }}
            """, ["s": .string(subject), "n": .int64(Int64(limit))]).map { row in
            NotificationRecord(subject: row[0].text, runID: row[1].text, rule: row[2].text, instance: row[3].text, status: row[4].text,
                               channel: row[5].text, outcome: row[6].text, attempts: Int(row[7].int), error: row[8].isNull ? nil : row[8].text,
                               severity: row[9].text, summary: row[10].text, time: row[11].int)
        }
    }
}
