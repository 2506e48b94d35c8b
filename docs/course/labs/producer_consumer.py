#!/usr/bin/python3
"""The course's kafka-python activity, against the lab's Kafka (localhost:9092, topic "topic").

A producer sends people as tuples [id, {"idade": age, "altura": height_m, "peso": weight_kg}] and a
consumer prints them. The activity's tasks are flags:

  --only-tuple         1. print only the tuple's content
  --producers 4        2. four producers at once
  --rate 200           3. a faster rate (tuples per second per producer)
  --min-weight 80      4. only tuples with peso > 80
  --min-bmi 35         5. only tuples with IMC (BMI = peso / altura^2) > 35

Runs with Debian's kafka-python (apt-get install python3-kafka) under /usr/bin/python3.
KAFKA_BOOTSTRAP overrides localhost:9092.
"""
import argparse
import json
import os
import random
import sys
import threading
import time
import uuid

from kafka import KafkaConsumer, KafkaProducer


def produce(bootstrap, topic, count, rate, producer_id, run_id):
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all",
                             value_serializer=lambda v: json.dumps(v).encode("utf-8"))
    rng = random.Random(f"{run_id}-{producer_id}")
    for i in range(count):
        person = {"idade": rng.randint(18, 80), "altura": round(rng.uniform(1.50, 2.00), 2),
                  "peso": round(rng.uniform(50, 140), 1), "run": run_id, "producer": producer_id}
        producer.send(topic, [f"{producer_id}-{i}", person])
        if rate > 0:
            time.sleep(1.0 / rate)
    producer.flush()
    producer.close()


def bmi(person):
    return person["peso"] / (person["altura"] ** 2)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP", "localhost:9092"))
    parser.add_argument("--topic", default="topic")
    parser.add_argument("--count", type=int, default=20, help="tuples per producer")
    parser.add_argument("--producers", type=int, default=1)
    parser.add_argument("--rate", type=float, default=10.0, help="tuples per second per producer; 0 = as fast as possible")
    parser.add_argument("--only-tuple", action="store_true")
    parser.add_argument("--min-weight", type=float)
    parser.add_argument("--min-bmi", type=float)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for every tuple")
    args = parser.parse_args()

    run_id = uuid.uuid4().hex[:8]
    consumer = KafkaConsumer(args.topic, bootstrap_servers=args.bootstrap, group_id=f"course-{run_id}",
                             auto_offset_reset="earliest", consumer_timeout_ms=1000,
                             value_deserializer=lambda b: json.loads(b.decode("utf-8")))
    producers = [threading.Thread(target=produce, args=(args.bootstrap, args.topic, args.count, args.rate, p, run_id))
                 for p in range(args.producers)]
    for t in producers:
        t.start()

    expected = args.count * args.producers
    received, printed = 0, 0
    deadline = time.time() + args.timeout
    while received < expected and time.time() < deadline:
        for message in consumer:
            key, person = message.value
            if person.get("run") != run_id:
                continue  # tuples of earlier runs on the same topic
            received += 1
            if args.min_weight is not None and not person["peso"] > args.min_weight:
                continue
            if args.min_bmi is not None and not bmi(person) > args.min_bmi:
                continue
            printed += 1
            shown = {k: person[k] for k in ("idade", "altura", "peso")}
            print(shown if args.only_tuple else f"partition {message.partition} offset {message.offset}: {[key, shown]}")
            if received >= expected:
                break
    for t in producers:
        t.join()
    consumer.close()
    print(f"received {received} of {expected} tuples, printed {printed}", file=sys.stderr)
    return 0 if received == expected else 1


if __name__ == "__main__":
    sys.exit(main())
