import Testing
import CRdKafka
@testable import SluiceStream

@Test func librdkafkaLinks() {
    #expect(rd_kafka_version() >= 0x02000000)
}
