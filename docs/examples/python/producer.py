#!/usr/bin/python3
"""The activity's producer: sends people as tuples [id, {"idade": ..., "altura": ..., "peso": ...}] to Kafka.

  ./producer.py                              10 tuples, 2 per second, to topic "topic" on localhost:9092
  ./producer.py --rate 0 --count 1000        as fast as possible
  ./producer.py --producers 4                four producers at once, each with its own connection

Each producer waits until the broker has stored every tuple on all in-sync replicas (acks=all) and
prints how many were acknowledged; the exit code is 1 if any tuple was not.
"""
import random
import sys
import threading
import time

from kafka import KafkaProducer

import course


def random_person(rng):
    return {
        "idade": rng.randint(18, 80),
        "altura": round(rng.uniform(1.50, 2.00), 2),
        "peso": round(rng.uniform(50.0, 140.0), 1),
    }


def run_producer(number, args, sent):
    # One KafkaProducer per thread, as four separate producer programs would have.
    producer = KafkaProducer(bootstrap_servers=args.bootstrap, acks="all", value_serializer=course.encode)
    rng = random.Random()
    futures = []
    for i in range(args.count):
        tuple_id = number * args.count + i  # producers never share an id within one run
        futures.append(producer.send(args.topic, [tuple_id, random_person(rng)]))
        if args.rate > 0:
            time.sleep(1.0 / args.rate)
    producer.flush()  # returns when every send is acknowledged or has failed
    producer.close()
    sent[number] = futures


def main():
    options = course.parser(__doc__.splitlines()[0])
    options.add_argument("--count", type=int, default=10, help="tuples per producer (default: %(default)s)")
    options.add_argument("--rate", type=float, default=2.0,
                         help="tuples per second per producer; 0 sends as fast as possible (default: %(default)s)")
    options.add_argument("--producers", type=int, default=1, help="producers sending at once (default: %(default)s)")
    args = options.parse_args()

    sent = {}  # producer number -> the futures of its sends; a producer that crashed has no entry
    threads = [threading.Thread(target=run_producer, args=(number, args, sent)) for number in range(args.producers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Reported here, after the threads: lines printed by several threads at once can run into each other.
    total = 0
    for number in range(args.producers):
        futures = sent.get(number, [])
        failed = [future for future in futures if future.failed()]
        if failed:
            print(f"producer {number}: {len(failed)} tuples failed, the first because of {failed[0].exception!r}",
                  file=sys.stderr)
        acknowledged = len(futures) - len(failed)
        print(f"producer {number}: {acknowledged} of {args.count} tuples acknowledged")
        total += acknowledged
    expected = args.count * args.producers
    print(f"acknowledged {total} of {expected} tuples on topic {args.topic}")
    return 0 if total == expected else 1


if __name__ == "__main__":
    sys.exit(main())
