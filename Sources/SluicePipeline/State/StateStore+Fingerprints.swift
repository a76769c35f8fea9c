import SluiceCore

extension StateStore {
    /// The fingerprint each task of a run recorded when it last succeeded (see ``TaskFingerprint``).
    public func fingerprints(pipeline: String, runID: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for row in try query("SELECT task, fingerprint FROM sluice_task_fingerprints WHERE pipeline = {{ p }} AND run_id = {{ r }}",
                             ["p": .string(pipeline), "r": .string(runID)]) {
            result[row[0].text] = row[1].text
        }
        return result
    }

    /// Records what a task's success computed from, replacing an earlier record.
    public func recordFingerprint(pipeline: String, runID: String, task: String, fingerprint: String, now: Int64) throws {
        try execute("""
            INSERT INTO sluice_task_fingerprints (pipeline, run_id, task, fingerprint, recorded_at)
            VALUES ({{ p }}, {{ r }}, {{ t }}, {{ f }}, {{ now }})
            ON CONFLICT (pipeline, run_id, task) DO UPDATE SET fingerprint = excluded.fingerprint, recorded_at = excluded.recorded_at
            """, ["p": .string(pipeline), "r": .string(runID), "t": .string(task), "f": .string(fingerprint), "now": .int64(now)])
    }
}
