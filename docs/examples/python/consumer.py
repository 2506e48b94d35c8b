#!/usr/bin/python3
"""The activity's consumer: prints every tuple [id, {"idade", "altura", "peso"}] that arrives, one per line.

  ./consumer.py                        waits for new tuples on topic "topic" (Ctrl+C stops it)
  ./consumer.py --from-beginning       also prints the tuples the topic already holds
  ./consumer.py --only-tuple           prints only {"idade": ..., "altura": ..., "peso": ...}
"""
import sys

import course


def main():
    args = course.consumer_parser(__doc__.splitlines()[0]).parse_args()
    return course.consume(args, keep=lambda person: True)


if __name__ == "__main__":
    sys.exit(main())
