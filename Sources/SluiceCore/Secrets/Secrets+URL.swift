extension Secrets {
    /// `https://hooks.slack.com/services/T0/B0/xyz` → `https://hooks.slack.com/***`;
    /// `smtp://user:pw@host` → `smtp://user:***@host`. Keeps scheme, host and port, so a
    /// message still says where; the paths and queries of webhook URLs often are the secret.
    /// For URLs whose secrets were not registered (a literal in a spec); registered values are
    /// masked by ``mask(_:)`` wherever they appear.
    public static func maskURL(_ text: String) -> String {
        guard let schemeEnd = text.firstRange(of: "://") else { return text }
        let rest = text[schemeEnd.upperBound...]
        let stops: Set<Character> = ["/", "?", "#", " "]
        let authorityEnd = rest.firstIndex(where: stops.contains) ?? rest.endIndex
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

    /// Registers the password of a URL's user-info part (`smtp://user:pw@host`,
    /// `http://user:pw@alertmanager:9093`), written literally or expanded from `${VAR}`.
    /// Paths are not registered (a literal `/alerts` would blank every path holding it):
    /// ``maskURL(_:)`` hides them where the URL itself is shown, and `${VAR}` values in them
    /// are registered where they are expanded.
    public static func registerURL(_ url: String) {
        guard let schemeEnd = url.firstRange(of: "://") else { return }
        let rest = url[schemeEnd.upperBound...]
        let stops: Set<Character> = ["/", "?", "#"]
        let authorityEnd = rest.firstIndex(where: stops.contains) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
            registerExpanded(String(authority[authority.index(after: colon)..<at]))
        }
    }
}
