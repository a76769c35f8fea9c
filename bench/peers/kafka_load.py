"""Loads a JSON Lines file into a topic as is, one message per line (bad lines included).

    python kafka_load.py BROKERS TOPIC FILE
"""
import sys

from confluent_kafka import Producer

brokers, topic, path = sys.argv[1:4]
producer = Producer({"bootstrap.servers": brokers, "linger.ms": 20, "compression.type": "zstd",
                     "sticky.partitioning.linger.ms": 0, "queue.buffering.max.messages": 500000})
count = 0
with open(path, "rb") as lines:
    for line in lines:
        while True:
            try:
                producer.produce(topic, line.rstrip(b"\n"))
                break
            except BufferError:
                producer.poll(0.05)
        count += 1
        if count % 10000 == 0:
            producer.poll(0)
left = producer.flush(60)
if left:
    sys.exit(f"kafka_load: {left} messages not delivered")
print(count)
