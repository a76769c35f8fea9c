/// POSTs ``Alert/json`` (schema ``Alert/schemaVersion``) to a URL.
struct WebhookChannel: AlertChannel {
    let url: ExpandedSetting
    let headers: [String: String]
    var timeout = 10.0
    var kind: String { "webhook" }

    func send(_ alert: Alert) throws {
        try post(url, body: alert.json, headers: headers, timeout: timeout)
    }
}

/// A POST of JSON that must answer 2xx; errors masked.
func post(_ url: ExpandedSetting, body: String, headers: [String: String] = [:], timeout: Double) throws {
    var all = ["Content-Type": "application/json"]
    for (k, v) in headers { all[k] = v }
    let response: HTTPClient.Response
    do { response = try HTTPClient.send("POST", url: url.value, headers: all, body: Array(body.utf8), timeoutSeconds: timeout) } catch let error as ObserveError {
        throw ObserveError(.delivery, message: url.mask(error.message))
    }
    guard (200..<300).contains(response.status) else {
        throw ObserveError(.delivery, message: "POST \(url.mask(url.value)) answered \(response.status): \(url.mask(String(response.body.prefix(300))))")
    }
}
