#!/usr/bin/python3
"""The activity's filtered consumer: prints only the tuples whose peso (weight, kg) is above 80.

  ./consumer_peso.py --from-beginning
  ./consumer_peso.py --threshold 100   only peso > 100
"""
import sys

import course


def main():
    options = course.consumer_parser(__doc__.splitlines()[0])
    options.add_argument("--threshold", type=float, default=80.0, help="print tuples with peso above this (default: %(default)s)")
    args = options.parse_args()
    return course.consume(args, keep=lambda person: person["peso"] > args.threshold)


if __name__ == "__main__":
    sys.exit(main())
