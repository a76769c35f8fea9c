/// SluiceStream: stream processing (Kafka through librdkafka, JSON Lines files,
/// stdin/stdout) with validation, enrichment, routing and a dead-letter queue.
public enum SluiceStreamModule {}
