#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SluiceCore

/// Where one-shot commands (`sluice run`, `sluice check`) leave their metrics.
public enum MetricsExport {
    /// Writes the exposition for node-exporter's textfile collector: to a temporary file
    /// beside `path`, then renamed over it, so the collector never reads half a file.
    ///
    /// - Throws: ``ObserveError`` `.io` naming the path.
    public static func writeTextfile(_ registry: MetricsRegistry, to path: String) throws {
        let text = Array(registry.exposition().utf8)
        let temporary = path + ".tmp.\(getpid())"
        guard let file = fopen(temporary, "w") else {
            throw ObserveError(.io, location: path, message: "cannot write the metrics textfile: \(String(cString: strerror(errno)))",
                               hint: "check that the directory exists and is writable")
        }
        let written = text.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let flushed = fflush(file) == 0 && fsync(fileno(file)) == 0
        fclose(file)
        guard written == text.count, flushed, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ObserveError(.io, location: path, message: "cannot write the metrics textfile: \(reason)")
        }
    }

    /// Replaces this job's group on a Pushgateway (`PUT /metrics/job/<job>/<label>/<value>…`).
    ///
    /// - Parameters:
    ///   - gateway: the Pushgateway's base URL (`http://127.0.0.1:9091`).
    ///   - job: the `job` grouping label (`sluice`).
    ///   - grouping: more grouping labels, e.g. `["pipeline": "user_analytics"]`.
    /// - Throws: ``ObserveError`` `.delivery` when the gateway cannot be reached or refuses.
    public static func push(_ registry: MetricsRegistry, to gateway: String, job: String, grouping: [(String, String)] = []) throws {
        var url = gateway
        while url.hasSuffix("/") { url.removeLast() }
        url += "/metrics/job/" + percentEncode(job)
        for (name, value) in grouping { url += "/" + name + "/" + percentEncode(value) }
        let response = try HTTPClient.send("PUT", url: url, headers: ["Content-Type": "text/plain; version=0.0.4"],
                                           body: Array(registry.exposition().utf8))
        guard (200..<300).contains(response.status) else {
            throw ObserveError(.delivery, message: "the Pushgateway at \(Secrets.maskURL(gateway)) answered \(response.status): \(response.body.prefix(300))")
        }
    }

    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
