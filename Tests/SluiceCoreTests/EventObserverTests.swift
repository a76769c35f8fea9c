import Foundation
import Testing
@testable import SluiceCore

@Suite("Event observers")
struct EventObserverTests {
    static let run = RunIdentity(pipeline: "p", runID: "2024-01-02", logicalDate: 0, intervalStart: 0, intervalEnd: 86_400_000_000)
    static func finished(_ i: Int) -> SluiceEvent {
        .runFinished(RunFinished(run: run, trigger: "manual", outcome: .success, durationSeconds: Double(i), time: Int64(i)))
    }

    /// Only counts run_finished; everything else falls to the no-op defaults.
    final class FinishedCounter: EventObserver, @unchecked Sendable {
        let lock = Lock()
        var count = 0
        func runFinished(_ event: RunFinished) { lock.locked { count += 1 } }
    }

    @Test("the default observe() dispatches by kind; unimplemented kinds are no-ops")
    func dispatch() {
        let counter = FinishedCounter()
        counter.observe(Self.finished(1))
        counter.observe(.slaMissed(SLAMissed(run: Self.run, deadline: 0, state: "running", time: 0)))
        #expect(counter.count == 1)
    }

    @Test("fan-out hands each event to every observer in order")
    func fanOut() {
        let a = RecordingObserver(), b = RecordingObserver()
        let fan = EventFanOut([a, b])
        for i in 0..<3 { fan.observe(Self.finished(i)) }
        #expect(a.events == b.events && a.events.count == 3)
    }

    /// Blocks until released: stands for a dead webhook.
    final class Stuck: EventObserver, @unchecked Sendable {
        let gate = DispatchSemaphore(value: 0)
        let entered = DispatchSemaphore(value: 0)
        let seen = RecordingObserver()
        func observe(_ event: SluiceEvent) { entered.signal(); gate.wait(); seen.observe(event) }
    }

    @Test("a stuck observer behind a buffer never blocks the emitter; overflow is dropped and counted")
    func bufferedNeverBlocks() {
        let stuck = Stuck()
        let buffered = BufferedObserver(stuck, capacity: 4)
        let start = Date()
        buffered.observe(Self.finished(0))
        stuck.entered.wait()
        for i in 1..<100 { buffered.observe(Self.finished(i)) }
        #expect(Date().timeIntervalSince(start) < 1)
        // One event is in the stuck observer's hands, four wait in the buffer, the rest are dropped.
        #expect(buffered.dropped == 95)
        for _ in 0..<5 { stuck.gate.signal() }
        #expect(buffered.flush(timeoutSeconds: 10))
        #expect(stuck.seen.events == [0, 1, 2, 3, 4].map(Self.finished))
    }

    @Test("flush times out, rather than hanging, when the observer is stuck")
    func flushTimesOut() {
        let stuck = Stuck()
        let buffered = BufferedObserver(stuck, capacity: 8)
        buffered.observe(Self.finished(1))
        #expect(!buffered.flush(timeoutSeconds: 0.2))
        stuck.gate.signal()
        #expect(buffered.flush(timeoutSeconds: 10))
    }
}
