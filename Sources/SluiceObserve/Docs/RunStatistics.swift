import SluiceCore
import SluicePipeline

/// Recent runs of a pipeline and what they add up to: duration percentiles, rows,
/// failure rate, last success.
public struct RunStatistics: Sendable {
    /// One finished or running run.
    public struct Run: Sendable, Equatable {
        public var runID: String
        public var state: String
        public var seconds: Double?
        /// Rows the load tasks wrote (or the last task's output).
        public var rows: Int?
        public var endedAt: Int64?
        public init(runID: String, state: String, seconds: Double?, rows: Int?, endedAt: Int64?) {
            self.runID = runID
            self.state = state
            self.seconds = seconds
            self.rows = rows
            self.endedAt = endedAt
        }
    }

    public var runs: [Run]
    public init(_ runs: [Run]) { self.runs = runs }

    /// The runs of `pipeline` in `store`, newest logical date first.
    ///
    /// - Throws: the store's error when its runs or their task instances cannot be read
    ///   (a history with runs silently missing would misstate durations and failure rates).
    public static func runs(of pipeline: Pipeline, in store: StateStore, limit: Int) throws -> [Run] {
        let loads = Set(pipeline.tasks.filter { if case .load = $0.action { true } else { false } }.map(\.name))
        return try store.runs(pipeline: pipeline.name, limit: limit).map { run in
            let tasks = try store.taskInstances(pipeline: pipeline.name, runID: run.runID)
            let loaded = tasks.filter { loads.contains($0.task) }.compactMap(\.rowsOut)
            let rows = loaded.isEmpty ? tasks.compactMap(\.rowsOut).last : loaded.reduce(0, +)
            let seconds = run.startedAt.flatMap { s in run.endedAt.map { Double($0 - s) / 1e6 } }
            return Run(runID: run.runID, state: run.state.rawValue, seconds: seconds, rows: rows, endedAt: run.endedAt)
        }
    }

    var finished: [Run] { runs.filter { $0.state == "success" || $0.state == "failed" } }

    /// The `p`-th percentile (0…100, nearest rank) of finished runs' durations.
    public func durationPercentile(_ p: Double) -> Double? {
        let values = finished.compactMap(\.seconds).sorted()
        guard !values.isEmpty else { return nil }
        let rank = Int((p / 100 * Double(values.count)).rounded(.up)) - 1
        return values[min(max(rank, 0), values.count - 1)]
    }

    /// Failed runs / finished runs.
    public var failureRate: Double? {
        finished.isEmpty ? nil : Double(finished.filter { $0.state == "failed" }.count) / Double(finished.count)
    }

    public var lastSuccess: Run? { runs.first { $0.state == "success" } }

    /// Mean rows of successful runs.
    public var meanRows: Double? {
        let rows = runs.filter { $0.state == "success" }.compactMap(\.rows)
        return rows.isEmpty ? nil : Double(rows.reduce(0, +)) / Double(rows.count)
    }
}
