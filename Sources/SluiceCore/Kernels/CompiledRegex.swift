#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sluice's one regular-expression dialect, used by the `pattern` check and by
/// `regexp_matches` / `regexp_replace` in expressions: a POSIX extended regular
/// expression (`regcomp` with `REG_EXTENDED`), compiled once and matched against each
/// value's UTF-8 bytes in place (`REG_STARTEND`: no copy, no `String` per value).
///
/// - It searches: `[0-9]+` matches any value holding a digit; anchor with `^…$`.
/// - Syntax: `. [] [^] [[:alpha:]] * + ? {m,n} | () ^ $`, and the GNU escapes `\w \W \s
///   \S \b \B \< \>`. No lazy quantifiers, no look-around, no `\d` (write `[0-9]`).
/// - Byte-oriented: `.` and a bracket expression match one byte, so write a non-ASCII
///   character as itself (`é`), not inside `[...]`; classes like `[[:alpha:]]` are ASCII.
/// - The match is the leftmost-longest one (POSIX), which `regexp_replace` replaces.
///
/// Why POSIX and not Swift `Regex`: Swift's needs a `String` per value and ran about 7×
/// slower (a `swiftc -O` probe over 1M email-like values: 0.73 s with `Regex.firstMatch`
/// on a `String` per value, 0.11 s with `regexec` on the bytes).
///
/// `@unchecked Sendable`: compiled once, then only read by `regexec`, which glibc
/// documents as thread-safe (MT-Safe) on a shared `regex_t`; no other state.
package final class CompiledRegex: @unchecked Sendable {
    /// The expression as written.
    package let source: String
    /// Heap-allocated so that `regcomp` and `regexec` always see the same address.
    private let regex: UnsafeMutablePointer<regex_t>
    /// How many parenthesised groups the expression has.
    package let groupCount: Int

    /// Compiles `source`; `capturing` keeps group positions (for replacement).
    ///
    /// - Throws: ``InvalidRegex`` with the library's reason.
    package init(_ source: String, capturing: Bool = false) throws(InvalidRegex) {
        let regex = UnsafeMutablePointer<regex_t>.allocate(capacity: 1)
        regex.initialize(to: regex_t())
        let status = regcomp(regex, source, REG_EXTENDED | (capturing ? 0 : REG_NOSUB))
        if status != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            regerror(status, regex, &buffer, buffer.count)
            let reason = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            regex.deallocate()
            // Thrown before any stored property is set, so deinit does not run.
            throw InvalidRegex(pattern: source, reason: reason)
        }
        self.source = source
        self.regex = regex
        groupCount = Int(regex.pointee.re_nsub)
    }

    deinit {
        regfree(regex)
        regex.deallocate()
    }

    /// Whether the expression matches somewhere in `bytes`.
    package func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var range = regmatch_t(rm_so: 0, rm_eo: regoff_t(bytes.count))
        return Self.withBase(bytes) { regexec(regex, $0, 1, &range, REG_STARTEND) == 0 }
    }

    /// The first match in `bytes` at or after byte `start`: `groups[0]` the whole match,
    /// `groups[k]` group `k` (`nil` when it took no part). `false` when there is none.
    /// Needs an expression compiled with `capturing: true`.
    package func firstMatch(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, groups: inout [Range<Int>?]) -> Bool {
        var found = [regmatch_t](repeating: regmatch_t(rm_so: -1, rm_eo: -1), count: groupCount + 1)
        found[0] = regmatch_t(rm_so: regoff_t(start), rm_eo: regoff_t(bytes.count))
        let flags = REG_STARTEND | (start > 0 ? REG_NOTBOL : 0)
        let status = Self.withBase(bytes) { regexec(regex, $0, found.count, &found, flags) }
        guard status == 0 else { return false }
        groups = found.map { $0.rm_so < 0 ? nil : Int($0.rm_so)..<Int($0.rm_eo) }
        return true
    }

    /// `bytes` as the C string pointer `regexec` takes (bounded by `REG_STARTEND`).
    private static func withBase<R>(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafePointer<CChar>) -> R) -> R {
        guard let base = bytes.baseAddress else {
            return withUnsafePointer(to: CChar(0)) { body($0) }
        }
        return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { body($0) }
    }
}

/// An expression that is not a valid POSIX extended regular expression: the one
/// error both the `pattern` check and the expression binder report (each with its
/// own location).
package struct InvalidRegex: Error, Sendable {
    package let pattern: String
    package let reason: String

    /// `invalid pattern "(": parentheses not balanced`
    package var message: String { "invalid pattern \"\(pattern)\": \(reason)" }
    package var hint: String { "patterns are POSIX extended regular expressions, e.g. ^[A-Z]{3}-[0-9]+$ (no \\d: write [0-9])" }
}
