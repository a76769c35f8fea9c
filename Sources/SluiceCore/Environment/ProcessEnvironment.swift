#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The current process environment as a dictionary: the one reading of `environ`, for
/// `${VAR}` in specs and URLs and for the variables a child process is given.
///
/// ```swift
/// let home = processEnvironment()["HOME"]
/// ```
public func processEnvironment() -> [String: String] {
    var result: [String: String] = [:]
    var pointer = environ
    while let entry = pointer.pointee {
        let text = String(cString: entry)
        if let eq = text.firstIndex(of: "=") { result[String(text[..<eq])] = String(text[text.index(after: eq)...]) }
        pointer += 1
    }
    return result
}
