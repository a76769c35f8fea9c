import Foundation
import SluiceCore
import SluiceSQL
import Testing

/// A password given as `?password=` is as secret as one in the user-info part (issue 13 §3).
@Suite("ConnectionURL query password")
struct QueryPasswordTests {
    @Test("?password= is masked in the description and in errors, and registered")
    func queryPasswordIsMasked() throws {
        let secret = "qp\(UUID().uuidString.prefix(8))", other = "ui\(UUID().uuidString.prefix(8))"
        let url = try ConnectionURL("postgres://u:\(other)@127.0.0.1:1/db?password=\(secret)&connect_timeout=2")
        #expect(!url.description.contains(secret) && !url.description.contains(other))
        #expect(url.description.contains("password=***"))
        #expect(Secrets.mask("\(secret) and \(other)") == "*** and ***")
        do {
            _ = try SQLConnection(url: url)
            Issue.record("expected the connection to fail")
        } catch let error as SQLError {
            #expect(!error.description.contains(secret) && !error.description.contains(other), "\(error)")
        }
    }
}
