"""The seed's UserEventProcessor logic on confluent-kafka (librdkafka underneath).

    python kafka_user_events.py BROKERS RAW_TOPIC OUT_TOPIC DLQ_TOPIC per-message|batched

Validation matches examples/user_events/spec.yaml: the seed's rule (user_id, event_type,
timestamp present, any JSON type), plus "not null" since no event id can be built from a
null; enrichment and the target schema are the seed's. Differences from the seed, needed to run at all: JSON is decoded inside the
try (the seed's deserializer crashes the consumer on a bad record, and its error handler
uses an unbound variable), and the DLQ record keeps the original text.

- per-message: the seed's commit after every message (synchronous, before delivery is confirmed).
- batched: flush the producers, then commit, every 10,000 messages (at-least-once).

Stops when every assigned partition is at its end; prints the counts as JSON on stdout
and BENCH_IN_PROCESS_SECONDS (first message to the end) on stderr.
"""
import json
import sys
import time
import uuid
from datetime import datetime, timezone

from confluent_kafka import Consumer, KafkaError, Producer

brokers, raw_topic, out_topic, dlq_topic, mode = sys.argv[1:6]
consumer = Consumer({"bootstrap.servers": brokers, "group.id": f"python-{uuid.uuid4()}",
                     "auto.offset.reset": "earliest", "enable.auto.commit": False,
                     "enable.partition.eof": True, "queued.min.messages": 1000000})
producer = Producer({"bootstrap.servers": brokers, "linger.ms": 5})
dlq_producer = Producer({"bootstrap.servers": brokers, "linger.ms": 5})
assigned, at_end = set(), set()


def on_assign(c, partitions):
    assigned.update(p.partition for p in partitions)


consumer.subscribe([raw_topic], on_assign=on_assign)


def validate_event(event):
    required_fields = ["user_id", "event_type", "timestamp"]
    return isinstance(event, dict) and all(event.get(field) is not None for field in required_fields)


def enrich_event(event):
    event["processed_at"] = datetime.now(timezone.utc).isoformat()
    event["event_id"] = f"{event['user_id']}_{event['timestamp']}"
    return event


def transform_event(event):
    return {"id": event["event_id"], "user_id": event["user_id"], "event_type": event["event_type"],
            "timestamp": event["timestamp"], "processed_at": event["processed_at"],
            "metadata": event.get("metadata", {})}


def send_to_dlq(original, error):
    dlq_producer.produce(dlq_topic, json.dumps({"original_event": original, "error": error,
                                                "timestamp": datetime.now(timezone.utc).isoformat()}).encode())
    dlq_producer.poll(0)


def produce(producer_, topic, value):
    while True:
        try:
            producer_.produce(topic, value)
            producer_.poll(0)
            return
        except BufferError:
            producer_.poll(0.05)


counts = {"in": 0, "out": 0, "dlq": 0}
started = None
since_commit = 0
while not (assigned and assigned <= at_end):
    message = consumer.poll(0.5)
    if message is None:
        continue
    if message.error():
        if message.error().code() == KafkaError._PARTITION_EOF:
            at_end.add(message.partition())
        continue
    at_end.discard(message.partition())
    if started is None:
        started = time.perf_counter()
    counts["in"] += 1
    text = message.value().decode("utf-8", "replace")
    try:
        event = json.loads(text)
        if not validate_event(event):
            send_to_dlq(text, "Validation failed")
            counts["dlq"] += 1
        else:
            produce(producer, out_topic, json.dumps(transform_event(enrich_event(event))).encode())
            counts["out"] += 1
    except Exception as e:   # noqa: BLE001 (the seed's catch-all)
        send_to_dlq(text, str(e))
        counts["dlq"] += 1
    if mode == "per-message":
        consumer.commit(message=message, asynchronous=False)
    else:
        since_commit += 1
        if since_commit >= 10_000:
            producer.flush()
            dlq_producer.flush()
            consumer.commit(asynchronous=False)
            since_commit = 0
producer.flush()
dlq_producer.flush()
if mode != "per-message" and since_commit:
    consumer.commit(asynchronous=False)
consumer.close()
print(json.dumps(counts))
sys.stderr.write(f"BENCH_IN_PROCESS_SECONDS={time.perf_counter() - (started or time.perf_counter()):.6f}\n")
