#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SluiceCore

/// Runs `/bin/sh -c command` in its own process group, its stdout and stderr captured
/// into the try's log; cancelling the context sends SIGTERM to the group, then SIGKILL
/// after `grace` seconds.
func runShell(_ command: String, environment: [String: String], directory: String, context: TaskContext,
              grace: Double = 5) throws -> Int32 {
    var pipeEnds: [Int32] = [0, 0]
    guard pipe(&pipeEnds) == 0 else { throw PipelineError(.taskFailed, message: "cannot create a pipe: \(String(cString: strerror(errno)))") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
    posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
    posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 2)
    posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK))
    posix_spawnattr_setpgroup(&attributes, 0)
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)

    // A declared environment, not the runner's: the few variables a shell needs to work,
    // then the run's variables and the task's `env:`. Connection secrets and other
    // variables of the scheduler's environment are not passed on.
    var merged = processEnvironment().filter { shellBaseEnvironment.contains($0.key) }
    for (k, v) in environment { merged[k] = v }
    // Commands run in the pipeline's directory (posix_spawn's chdir action is not portable).
    merged["SLUICE_PIPELINE_DIR"] = directory
    let script = directory == "." ? command : "cd -- \"$SLUICE_PIPELINE_DIR\" || exit 126\n" + command
    let envStrings = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
    let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(script), nil]
    defer {
        for p in envStrings { free(p) }
        for p in argv { free(p) }
    }
    var pid: pid_t = 0
    let status = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envStrings)
    close(pipeEnds[1])
    guard status == 0 else {
        close(pipeEnds[0])
        throw PipelineError(.taskFailed, message: "cannot start /bin/sh: \(String(cString: strerror(status)))")
    }
    let child = pid
    context.onCancel {
        kill(-child, SIGTERM)
        let watcher = try? WorkerThread.start(name: "shell grace period", detached: true) {
            var waited = 0.0
            while waited < grace {
                usleep(50_000)
                waited += 0.05
                if kill(child, 0) != 0 { return }
            }
            kill(-child, SIGKILL)
        }
        if watcher == nil { kill(-child, SIGKILL) }   // no thread to wait out the grace period: kill now
    }
    // Read output until every writer has closed the pipe, keeping whole lines in the log.
    var pending: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(pipeEnds[0], $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        pending.append(contentsOf: buffer[0..<n])
        while let newline = pending.firstIndex(of: 10) {
            context.log(String(decoding: pending[..<newline], as: UTF8.self))
            pending.removeSubrange(...newline)
        }
        if pending.count > TaskContext.logLimit { context.log(String(decoding: pending, as: UTF8.self)); pending = [] }
    }
    if !pending.isEmpty { context.log(String(decoding: pending, as: UTF8.self)) }
    close(pipeEnds[0])
    var exit: Int32 = 0
    while waitpid(child, &exit, 0) < 0 && errno == EINTR {}
    if exit & 0x7f != 0 { return 128 + (exit & 0x7f) }   // killed by a signal
    return (exit >> 8) & 0xff
}

/// The variables of the runner's environment a shell task inherits; anything else it
/// needs is declared in its `env:` (`env: { PGPASSWORD: "${PGPASSWORD}" }`).
let shellBaseEnvironment: Set<String> = ["PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "TERM"]
