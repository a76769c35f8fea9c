import Foundation
import SluiceCore
import Testing
@testable import SluiceStream

/// Kafka credentials are registered with the one masking mechanism (issue 13 §3).
@Suite("Kafka secrets")
struct KafkaSecretTests {
    @Test("a SASL password is masked in a configuration error that repeats it")
    func saslPasswordIsMasked() throws {
        let secret = "kafkaSASL\(UUID().uuidString.prefix(8))"
        do {
            _ = try KafkaConfiguration.make([("sasl.password", secret), ("no.such.property", secret)])
            Issue.record("expected librdkafka to reject the unknown property")
        } catch let error as StreamError {
            #expect(!error.description.contains(secret), "\(error)")
            #expect(error.description.contains("no.such.property"))
        }
        #expect(Secrets.mask("password is \(secret)") == "password is ***")
        #expect(Secrets.isSecretKey("sasl.password") && Secrets.isSecretKey("ssl.key.password") && !Secrets.isSecretKey("group.id"))
    }
}
