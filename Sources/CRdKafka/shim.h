// librdkafka, as Swift sees it: the public headers plus re-exports of what
// Swift cannot import directly (cast macros).
#ifndef SLUICE_CRDKAFKA_SHIM_H
#define SLUICE_CRDKAFKA_SHIM_H
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

/// `RD_KAFKA_PARTITION_UA` is a cast macro Swift does not import.
static const int32_t sluice_kafka_partition_unassigned = RD_KAFKA_PARTITION_UA;
#endif
