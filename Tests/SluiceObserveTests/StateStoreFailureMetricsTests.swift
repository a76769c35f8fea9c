import SluiceCore
import Testing
@testable import SluiceObserve

@Suite("SluiceMetrics: state-store failures")
struct StateStoreFailureMetricsTests {
    @Test("each failed state-store operation counts in sluice_state_store_failures_total{pipeline,operation}")
    func counted() {
        let metrics = SluiceMetrics()
        let run = RunIdentity(pipeline: "nightly", runID: "2024-01-02", logicalDate: 0, intervalStart: 0, intervalEnd: 0)
        func failed(_ operation: String) -> SluiceEvent {
            .stateStoreFailed(StateStoreFailed(pipeline: "nightly", run: run, task: "load", operation: operation,
                                               error: EventError(message: "disk full", category: "transient_io"), time: 0))
        }
        metrics.observe(failed("finish_try"))
        metrics.observe(failed("finish_try"))
        metrics.observe(failed("heartbeat"))
        #expect(metrics.registry.value(metrics.stateStoreFailures, ["nightly", "finish_try"]) == 2)
        #expect(metrics.registry.value(metrics.stateStoreFailures, ["nightly", "heartbeat"]) == 1)
        let text = metrics.registry.exposition()
        #expect(text.contains("# TYPE sluice_state_store_failures_total counter"))
        #expect(text.contains("sluice_state_store_failures_total{pipeline=\"nightly\",operation=\"finish_try\"} 2"), "\(text)")
    }
}
