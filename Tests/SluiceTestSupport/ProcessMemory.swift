import Foundation

/// This test process's peak resident memory so far, in bytes (`getrusage`'s `ru_maxrss`):
/// fuzz tests compare it before and after to show that hostile inputs allocate nothing huge.
public func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return usage.ru_maxrss * 1024
}
