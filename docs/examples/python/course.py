"""What every script of the activity shares: where Kafka is, how a tuple travels, and the consume loop.

A tuple is [id, {"idade": age in years, "altura": height in metres, "peso": weight in kg}], sent as JSON.
"""
import argparse
import json
import os
import sys

from kafka import KafkaConsumer

DEFAULT_BOOTSTRAP = "localhost:9092"
DEFAULT_TOPIC = "topic"


def parser(description):
    """Options every script has: --bootstrap (or env KAFKA_BOOTSTRAP) and --topic."""
    options = argparse.ArgumentParser(description=description)
    options.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP", DEFAULT_BOOTSTRAP),
                         help="Kafka broker(s), host:port[,host:port] (default: env KAFKA_BOOTSTRAP, else %(default)s)")
    options.add_argument("--topic", default=DEFAULT_TOPIC, help="topic to use (default: %(default)s)")
    return options


def encode(value):
    return json.dumps(value).encode("utf-8")


def consumer_parser(description):
    """The options of every consumer; each filtering consumer adds its own --threshold."""
    options = parser(description)
    options.add_argument("--only-tuple", action="store_true", help="print only the dictionary, without the id")
    options.add_argument("--from-beginning", action="store_true",
                         help="start at the oldest tuple the topic keeps instead of waiting for new ones")
    options.add_argument("--group", help="consumer group: a group resumes where it left off (default: no group)")
    options.add_argument("--max-messages", type=int, help="stop after reading this many messages (default: never)")
    options.add_argument("--timeout", type=float,
                         help="stop when no message has arrived for this many seconds (default: wait forever)")
    return options


def consume(args, keep):
    """Reads tuples from args.topic and prints, one JSON per line, those for which keep(person) is true.

    Returns the exit code: 1 when --max-messages was given and fewer messages arrived before the timeout.
    """
    consumer = KafkaConsumer(
        args.topic,
        bootstrap_servers=args.bootstrap,
        group_id=args.group,
        # Where to start when the group has no committed position (or there is no group).
        auto_offset_reset="earliest" if args.from_beginning else "latest",
        consumer_timeout_ms=float("inf") if args.timeout is None else int(args.timeout * 1000),
    )
    consumed, printed = 0, 0
    try:
        for message in consumer:  # ends after --timeout seconds without a message
            consumed += 1
            try:
                tuple_id, person = json.loads(message.value)
            except ValueError:
                # The topic is shared with other labs (the Java producer writes plain text to it): say so, go on.
                print(f"skipped partition {message.partition} offset {message.offset}: not an [id, {{...}}] tuple: "
                      f"{message.value[:60]!r}", file=sys.stderr)
            else:
                if keep(person):
                    printed += 1
                    print(json.dumps(person if args.only_tuple else [tuple_id, person]), flush=True)
            if args.max_messages is not None and consumed >= args.max_messages:
                break
    except KeyboardInterrupt:
        pass  # Ctrl+C is how a student stops a consumer that waits forever; the summary still follows
    finally:
        consumer.close()
    print(f"consumed {consumed} messages, printed {printed}", file=sys.stderr)
    return 1 if args.max_messages is not None and consumed < args.max_messages else 0
