/// Masks secrets in what observers print, log, store and send.
public enum Secrets {
    /// `https://hooks.slack.com/services/T0/B0/xyz` → `https://hooks.slack.com/***`;
    /// `smtp://user:pw@host` → `smtp://user:***@host`. Keeps scheme, host and port, so a
    /// message still says where; paths and queries of webhook URLs often are the secret.
    public static func maskURL(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" || $0 == " " }) ?? rest.endIndex
        var authority = String(rest[..<authorityEnd])
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            let user = userInfo.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            authority = user + ":***" + authority[at...]
        }
        let tail = rest[authorityEnd...]
        let masked = tail.isEmpty || tail == "/" ? String(tail) : (tail.first == " " ? String(tail) : "/***")
        return String(text[..<schemeEnd.upperBound]) + authority + masked
    }

    /// Replaces each of `values` (longer than 3 characters) in `text` with `***`.
    public static func mask(_ text: String, values: [String]) -> String {
        var out = text
        for value in values where value.count > 3 { out = out.replacing(value, with: "***") }
        return out
    }
}
