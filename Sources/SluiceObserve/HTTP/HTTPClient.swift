import SluiceCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A blocking HTTP(S) request, for observers that run on their own thread (pushes, webhooks).
public enum HTTPClient {
    public struct Response: Sendable {
        public var status: Int
        public var body: String
    }

    /// Sends one request and waits for the answer (at most `timeoutSeconds`).
    ///
    /// - Throws: ``ObserveError`` `.delivery` when the server cannot be reached or does not answer in time;
    ///   the message shows `url` with its secret parts masked.
    public static func send(_ method: String, url: String, headers: [String: String] = [:], body: [UInt8] = [],
                            timeoutSeconds: Double = 10) throws -> Response {
        guard let target = URL(string: url), target.scheme == "http" || target.scheme == "https" else {
            throw ObserveError(.invalidConfiguration, message: "not an http(s) URL: \(Secrets.maskURL(url))",
                               hint: "write it as http://host:port/path or https://…")
        }
        var request = URLRequest(url: target, timeoutInterval: timeoutSeconds)
        request.httpMethod = method
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        if !body.isEmpty { request.httpBody = Data(body) }
        final class Box: @unchecked Sendable {   // written once by the completion handler, read after the semaphore
            var result: Result<Response, any Error> = .failure(ObserveError(.delivery, message: "no answer"))
        }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeoutSeconds
        configuration.connectionProxyDictionary = [:]
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        session.dataTask(with: request) { data, response, error in
            if let error {
                box.result = .failure(error)
            } else {
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                box.result = .success(Response(status: status, body: String(decoding: data ?? Data(), as: UTF8.self)))
            }
            done.signal()
        }.resume()
        if done.wait(timeout: .now() + timeoutSeconds + 1) == .timedOut {
            throw ObserveError(.delivery, message: "\(method) \(Secrets.maskURL(url)): no answer within \(timeoutSeconds) s")
        }
        switch box.result {
        case .success(let response): return response
        case .failure(let error):
            throw ObserveError(.delivery, message: "\(method) \(Secrets.maskURL(url)) failed: \(Secrets.maskURL(error.localizedDescription))")
        }
    }
}
