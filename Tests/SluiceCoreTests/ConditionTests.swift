import Foundation
@testable import SluiceCore
import Testing

@Suite("Condition")
struct ConditionTests {
    final class Flag: @unchecked Sendable {   // `isSet` is guarded by the test's `Condition`
        var isSet = false
    }

    @Test("a timed wait with nobody to wake it returns false once the deadline passes")
    func timesOut() {
        let condition = Condition()
        let started = ContinuousClock.now
        let woken = condition.locked { condition.wait(until: .init(secondsFromNow: 0.05)) }
        #expect(!woken)
        #expect(ContinuousClock.now - started >= .milliseconds(45))
    }

    @Test("a deadline already passed returns false at once")
    func passedDeadline() {
        let condition = Condition()
        let started = ContinuousClock.now
        #expect(!condition.locked { condition.wait(until: .init(secondsFromNow: -1)) })
        #expect(ContinuousClock.now - started < .seconds(1))
    }

    @Test("a timed wait returns true when another thread broadcasts before the deadline")
    func wokenByBroadcast() throws {
        let condition = Condition()
        let flag = Flag()
        var woken: [Bool] = []
        let started = ContinuousClock.now
        try runConcurrently({
            condition.locked {
                let deadline = Condition.Deadline(secondsFromNow: 30)
                while !flag.isSet { woken.append(condition.wait(until: deadline)) }
            }
        }, {
            Thread.sleep(forTimeInterval: 0.02)
            condition.locked { flag.isSet = true; condition.broadcast() }
        })
        #expect(flag.isSet)
        #expect(woken.last == true)
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("wait() returns after a broadcast and sees the state set under the lock")
    func untimedWait() throws {
        let condition = Condition()
        let flag = Flag()
        var seen = false
        try runConcurrently({
            condition.locked {
                while !flag.isSet { condition.wait() }
                seen = flag.isSet
            }
        }, {
            condition.locked { flag.isSet = true; condition.broadcast() }
        })
        #expect(seen)
    }
}
