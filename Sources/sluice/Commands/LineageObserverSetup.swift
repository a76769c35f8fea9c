import SluiceCore
import SluiceObserve
import SluicePipeline

/// The lineage observer of `pipelines` (from their `lineage:` settings) behind a buffer, or nil.
/// Call `flush()` before the command exits so every event is delivered.
struct LineageSetup {
    var buffered: BufferedObserver?

    /// - Parameter observability: counts the events the buffer drops (`sluice_events_dropped_total{observer="lineage"}`).
    init(for pipelines: [Pipeline], observability: Observability? = nil) {
        buffered = LineageObserver.configured(for: pipelines, project: Self.projectSettings(near: pipelines.first), engineVersion: Sluice.version,
                                              log: { printError($0) }).map { Self.buffer($0, observability) }
    }

    /// For a stream: the project file's `lineage:` settings near the stream spec.
    init(streamSpec path: String, observability: Observability? = nil) {
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        buffered = LineageObserver.configured(for: [], project: Self.projectSettings(near: directory), engineVersion: Sluice.version,
                                              log: { printError($0) }).map { Self.buffer($0, observability) }
    }

    private static func buffer(_ lineage: LineageObserver, _ observability: Observability?) -> BufferedObserver {
        observability?.buffered(lineage, name: "lineage") ?? BufferedObserver(lineage)
    }

    static func projectSettings(near pipeline: Pipeline?) -> LineageSettings? {
        pipeline.flatMap { projectSettings(near: $0.directory) }
    }

    static func projectSettings(near directory: String) -> LineageSettings? {
        do { return try LineageObserver.projectSettings(near: directory) } catch {
            printError("warning: \(error) (the project file's lineage settings are ignored)")
            return nil
        }
    }

    /// `other` and lineage together.
    func observer(with other: (any EventObserver)?) -> (any EventObserver)? {
        guard let buffered else { return other }
        guard let other else { return buffered }
        return EventFanOut([other, buffered])
    }

    func flush() { buffered?.flush() }
}
