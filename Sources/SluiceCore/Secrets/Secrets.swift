/// The one masking mechanism: every secret value in play is registered here when it
/// is read, and everything printed, logged, stored or reported passes through
/// ``mask(_:)``, which replaces each registered value with `***`.
///
/// Registered today: connection URL passwords (in the user-info part or as a
/// `?password=` query parameter, raw and percent-encoded), the values of `${VAR}`
/// references expanded into a connection URL or a shell task's `env:` (4 characters and
/// longer, so `${REGION}`=`eu` does not blank every "eu"), and Kafka properties that
/// hold credentials (`sasl.password`, `ssl.key.password`, any key with `password` or
/// `secret` in it), and alert channel settings (`${VAR}` values in webhook, Slack,
/// Alertmanager and SMTP URLs and webhook headers, and URL user-info passwords, see
/// ``registerURL(_:)``). Masked: errors (``SQLError`` and the CLI's error output), all of
/// the CLI's standard output, task logs, and every text the pipeline state store writes.
///
/// ```swift
/// Secrets.register("hunter2")
/// Secrets.mask("login failed for hunter2")   // "login failed for ***"
/// ```
public enum Secrets {
    private static let lock = Lock()
    /// Longest first, so a secret that contains another is masked whole.
    nonisolated(unsafe) private static var values: [String] = []

    /// Remembers `value` as secret for the rest of the process (empty values are ignored).
    public static func register(_ value: String) {
        guard !value.isEmpty else { return }
        lock.locked {
            guard !values.contains(value) else { return }
            values.append(value)
            values.sort { $0.utf8.count > $1.utf8.count }
        }
    }

    /// Registers a value read through `${VAR}`: only values of 4 characters or more.
    public static func registerExpanded(_ value: String) {
        if value.count >= 4 { register(value) }
    }

    /// Whether `key` (a Kafka or libpq property name) holds a credential.
    public static func isSecretKey(_ key: String) -> Bool {
        let lower = key.lowercased()
        return lower.contains("password") || lower.contains("secret") || lower == "sasl.jaas.config"
            || lower.hasSuffix(".key.pem") || lower == "ssl.key.pem"
    }

    /// `text` with every registered secret replaced by `***`.
    public static func mask(_ text: String) -> String {
        let secrets = lock.locked { values }
        guard !secrets.isEmpty else { return text }
        var text = text
        for secret in secrets where text.contains(secret) { text = text.replacing(secret, with: "***") }
        return text
    }
}
