import SluiceCore
#if canImport(Glibc)
import Glibc
#endif

/// Where a database is: `sqlite:path/to.db`, `sqlite::memory:` or
/// `postgres://user:password@host:port/db?sslmode=require`.
///
/// `${VAR}` anywhere in the text reads the environment first. `description`
/// shows the password as `***`; only ``unmaskedText`` (passed to the driver) has it.
///
/// ```swift
/// let url = try ConnectionURL("postgres://app:${PGPASSWORD}@localhost:5432/app?sslmode=disable")
/// print(url)   // postgres://app:***@localhost:5432/app?sslmode=disable
/// ```
public struct ConnectionURL: Sendable, Equatable, CustomStringConvertible {
    /// The database engine a URL names.
    public enum Engine: String, Sendable, Equatable { case sqlite, postgres }

    /// Which engine.
    public let engine: Engine
    /// SQLite: the file path, or `:memory:`.
    public let path: String
    /// PostgreSQL: the user name, if given.
    public let user: String?
    /// PostgreSQL: host (default: libpq's default, a local socket).
    public let host: String?
    /// PostgreSQL: port.
    public let port: Int?
    /// PostgreSQL: database name.
    public let database: String?
    /// PostgreSQL: `?key=value` options such as `sslmode`, in order.
    public let options: [(String, String)]
    let password: String?
    /// The full text with the password, for the driver only.
    let unmaskedText: String

    /// Parses `text` after expanding `${VAR}` from `environment`.
    /// - Throws: ``SQLError`` `.missingVariable` naming an unset variable, `.invalidURL` for any other mistake.
    public init(_ text: String, environment: [String: String] = ConnectionURL.processEnvironment()) throws {
        let expanded = try Self.expandVariables(in: text, environment: environment, secret: true)
        unmaskedText = expanded
        if expanded.hasPrefix("sqlite:") {
            engine = .sqlite
            var rest = String(expanded.dropFirst("sqlite:".count))
            if rest.hasPrefix("//") { rest = String(rest.dropFirst(2)) }   // sqlite:///abs/path
            guard !rest.isEmpty else {
                throw SQLError(.invalidURL, message: "connection URL \"sqlite:\" has no path", hint: "write sqlite:path/to.db or sqlite::memory:")
            }
            path = rest
            user = nil; host = nil; port = nil; database = nil; options = []; password = nil
            return
        }
        let scheme: String
        if expanded.hasPrefix("postgres://") { scheme = "postgres://" } else if expanded.hasPrefix("postgresql://") { scheme = "postgresql://" } else {
            let shown = expanded.split(separator: ":").first.map(String.init) ?? expanded
            throw SQLError(.invalidURL, message: "connection URL scheme \"\(shown)\" is not supported",
                           hint: "use sqlite:path/to.db, sqlite::memory: or postgres://user@host:port/db")
        }
        engine = .postgres
        path = ""
        var rest = Substring(expanded.dropFirst(scheme.count))
        var query = Substring("")
        if let q = rest.firstIndex(of: "?") { query = rest[rest.index(after: q)...]; rest = rest[..<q] }
        var authority = rest
        var databasePart: Substring? = nil
        if let slash = rest.firstIndex(of: "/") { authority = rest[..<slash]; databasePart = rest[rest.index(after: slash)...] }
        var userInfo: Substring? = nil
        if let at = authority.lastIndex(of: "@") { userInfo = authority[..<at]; authority = authority[authority.index(after: at)...] }
        var user: String? = nil, password: String? = nil
        if let userInfo {
            if let colon = userInfo.firstIndex(of: ":") {
                user = Self.percentDecoded(userInfo[..<colon])
                password = Self.percentDecoded(userInfo[userInfo.index(after: colon)...])
            } else {
                user = Self.percentDecoded(userInfo)
            }
        }
        var host: String? = authority.isEmpty ? nil : String(authority)
        var port: Int? = nil
        if let hostPart = host, let colon = hostPart.lastIndex(of: ":"), !hostPart.hasSuffix("]") {
            let portText = hostPart[hostPart.index(after: colon)...]
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw SQLError(.invalidURL, message: "port \"\(portText)\" in the connection URL is not a number from 1 to 65535",
                               secrets: [password ?? ""])
            }
            port = value
            host = String(hostPart[..<colon])
        }
        var options: [(String, String)] = []
        for pair in query.split(separator: "&") where !pair.isEmpty {
            guard let eq = pair.firstIndex(of: "=") else {
                throw SQLError(.invalidURL, message: "connection option \"\(pair)\" has no value", hint: "write key=value, e.g. sslmode=require",
                               secrets: [password ?? ""])
            }
            let key = String(pair[..<eq]), value = Self.percentDecoded(pair[pair.index(after: eq)...])
            if key == "sslmode" {
                let modes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]
                guard modes.contains(value) else {
                    throw SQLError(.invalidURL, message: "sslmode \"\(value)\" is not one of \(modes.joined(separator: ", "))",
                                   hint: suggestion(for: value, among: modes).map { "did you mean \($0)?" }, secrets: [password ?? ""])
                }
            }
            options.append((key, value))
        }
        // libpq takes the password from `?password=` too: it is as secret as the user-info one.
        let queryPassword = options.last { $0.0 == "password" }?.1
        let secret = password ?? queryPassword
        self.user = user
        self.password = secret
        for value in [password, queryPassword].compactMap({ $0 }) {
            Secrets.register(value)
            Secrets.register(Self.percentEncoded(value))
        }
        self.host = host
        self.port = port
        self.database = databasePart.flatMap { $0.isEmpty ? nil : Self.percentDecoded($0) }
        self.options = options
    }

    /// The URL with its password shown as `***`.
    public var description: String {
        switch engine {
        case .sqlite: return "sqlite:" + path
        case .postgres:
            var text = "postgres://"
            let inUserInfo = password != nil && !options.contains { $0.0 == "password" }
            if let user { text += user + (inUserInfo ? ":***" : "") + "@" }
            text += host ?? ""
            if let port { text += ":\(port)" }
            if let database { text += "/" + database }
            if !options.isEmpty { text += "?" + options.map { "\($0.0)=\(Secrets.isSecretKey($0.0) ? "***" : $0.1)" }.joined(separator: "&") }
            return text
        }
    }

    /// Secret strings that must never be shown (the password, raw and percent-encoded).
    var secrets: [String] {
        guard let password, !password.isEmpty else { return [] }
        return [password, Self.percentEncoded(password)]
    }

    public static func == (lhs: ConnectionURL, rhs: ConnectionURL) -> Bool { lhs.unmaskedText == rhs.unmaskedText }

    /// The current process environment (SluiceCore's ``processEnvironment()``).
    public static func processEnvironment() -> [String: String] { SluiceCore.processEnvironment() }

    /// Replaces each `${NAME}` with the variable's value.
    /// - Throws: ``SQLError`` `.missingVariable` naming the first unset variable.
    ///   With `secret`, each value read is registered with ``Secrets`` (connections, shell `env:`).
    public static func expandVariables(in text: String, environment: [String: String], secret: Bool = false) throws -> String {
        try expandingVariables(in: text, unclosed: { _ in
            throw SQLError(.invalidURL, message: "\"${\" without a closing \"}\"", hint: "write ${NAME}")
        }) { name in
            guard let value = environment[name] else {
                throw SQLError(.missingVariable, message: "environment variable \(name) is not set",
                               hint: "export \(name)=… before running, or write the value in place of ${\(name)}")
            }
            if secret { Secrets.registerExpanded(value) }
            return value
        }
    }

    static func percentDecoded<S: StringProtocol>(_ text: S) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func percentEncoded(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80, c.isLetter || c.isNumber || "-._~".contains(c) { result.append(c) } else {
                result += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return result
    }
}
