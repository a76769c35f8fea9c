#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SluiceCore

/// POSTs each event as JSON to an OpenLineage endpoint (Marquez: `/api/v1/lineage`), with
/// `Authorization: Bearer <api key>` when one is set. A failed try (no connection, a 5xx or
/// 429 answer) is retried with exponential backoff; a 4xx answer is not (the event will
/// not become valid). After the last try the error is thrown for the log — never to the run.
public struct HTTPLineageTransport: LineageTransport {
    /// Sends one request; returns the status code.
    public typealias Post = @Sendable (_ url: String, _ headers: [(String, String)], _ body: [UInt8], _ timeoutSeconds: Double) throws -> Int

    public let url: String
    let apiKey: String?
    public let tries: Int
    public let timeoutSeconds: Double
    /// The wait before the second try; doubled for each further one.
    public let backoffSeconds: Double
    let post: Post
    let sleep: @Sendable (Double) -> Void

    public init(url: String, apiKey: String? = nil, tries: Int = 3, timeoutSeconds: Double = 5, backoffSeconds: Double = 0.5,
                post: @escaping Post = HTTPLineageTransport.post, sleep: @escaping @Sendable (Double) -> Void = { usleep(UInt32($0 * 1_000_000)) }) {
        self.url = url
        self.apiKey = apiKey
        self.tries = max(1, tries)
        self.timeoutSeconds = timeoutSeconds
        self.backoffSeconds = backoffSeconds
        self.post = post
        self.sleep = sleep
    }

    public func send(_ event: OpenLineageEvent, json: String) throws {
        var headers = [("Content-Type", "application/json")]
        if let apiKey, !apiKey.isEmpty { headers.append(("Authorization", "Bearer " + apiKey)) }
        let body = Array(json.utf8)
        var lastProblem = ""
        for attempt in 1...tries {
            do {
                let status = try post(url, headers, body, timeoutSeconds)
                if (200..<300).contains(status) { return }
                lastProblem = "HTTP \(status)"
                if (400..<500).contains(status), status != 429, status != 408 { break }
            } catch {
                lastProblem = "\(error)"
            }
            if attempt < tries { sleep(backoffSeconds * Double(1 << (attempt - 1))) }
        }
        throw ObserveError(.delivery, message: "lineage: POST \(Secrets.maskURL(url)) gave up after \(tries) tr\(tries == 1 ? "y" : "ies"): \(lastProblem)",
                           hint: "check that the lineage endpoint is reachable; this event is not sent again")
    }
}

extension HTTPLineageTransport {
    /// POSTs through ``HTTPClient`` (the module's one HTTP client; http and https) and returns the status code.
    @Sendable
    public static func post(url: String, headers: [(String, String)], body: [UInt8], timeoutSeconds: Double) throws -> Int {
        let fields = Dictionary(headers, uniquingKeysWith: { _, last in last })
        return try HTTPClient.send("POST", url: url, headers: fields, body: body, timeoutSeconds: timeoutSeconds).status
    }
}
