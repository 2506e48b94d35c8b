#!/usr/bin/python3
"""The activity's filtered consumer: prints only the tuples whose IMC (body-mass index) is above 35.

IMC = peso / altura², with peso in kg and altura in metres.

  ./consumer_imc.py --from-beginning
  ./consumer_imc.py --threshold 30     only IMC > 30
"""
import sys

import course


def imc(person):
    return person["peso"] / (person["altura"] * person["altura"])


def main():
    options = course.consumer_parser(__doc__.splitlines()[0])
    options.add_argument("--threshold", type=float, default=35.0, help="print tuples with IMC above this (default: %(default)s)")
    args = options.parse_args()
    return course.consume(args, keep=lambda person: imc(person) > args.threshold)


if __name__ == "__main__":
    sys.exit(main())
