// librdkafka, as Swift sees it: the public headers plus re-exports of what
// Swift cannot import directly (cast macros).
#ifndef SLUICE_CRDKAFKA_SHIM_H
#define SLUICE_CRDKAFKA_SHIM_H
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

/// `RD_KAFKA_PARTITION_UA` is a cast macro Swift does not import.
static const int32_t sluice_kafka_partition_unassigned = RD_KAFKA_PARTITION_UA;

/// Produces one message with a key and headers (`rd_kafka_producev` is variadic, which
/// Swift cannot call). On success librdkafka owns `headers`; on failure the caller frees them.
static inline rd_kafka_resp_err_t sluice_kafka_produce(rd_kafka_t *rk, const char *topic,
                                                       const void *payload, size_t len,
                                                       const void *key, size_t key_len,
                                                       rd_kafka_headers_t *headers, void *opaque) {
    return rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(RD_KAFKA_PARTITION_UA),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_VALUE((void *)payload, len),
                             RD_KAFKA_V_KEY(key, key_len), RD_KAFKA_V_HEADERS(headers),
                             RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
}
#endif
