import SluiceCore
import SluiceTestSupport
import Testing

@Suite("WorkerThread")
struct WorkerThreadTests {
    @Test("a thread the system refuses (a stack no machine can map) is a ThreadStartError, and its body never runs")
    func refusedStart() {
        let ran = Locked(false)
        #expect {
            try WorkerThread.start(name: "test worker", stackSize: 1 << 52) { ran.value = true }
        } throws: { error in
            guard let error = error as? ThreadStartError else { return false }
            return error.name == "test worker" && error.status != 0 && error.category == .transientIO
                && error.message.hasPrefix("cannot start a thread for test worker: ")
        }
        #expect(ran.value == false)
    }

    @Test("a started thread runs its body, and join waits for it")
    func startAndJoin() throws {
        let ran = Locked(false)
        let thread = try WorkerThread.start(name: "test worker") { ran.value = true }
        thread.join()
        #expect(ran.value)
    }
}
