import SluiceCore

extension StreamCounters {
    /// The counts as one JSON object (`sluice stream run --json-summary`):
    /// `{"stream":…,"in":…,"out":…,"dlq":…,"filtered":…,"retries":…,"active_seconds":…}`.
    public func summaryJSON(stream: String, activeSeconds: Double) -> String {
        "{\"stream\":\(jsonString(stream)),\"in\":\(input),\"out\":\(output),"
            + "\"dlq\":\(deadLettered),\"filtered\":\(filtered),\"retries\":\(retries),"
            + "\"active_seconds\":\(activeSeconds)}"
    }
}
