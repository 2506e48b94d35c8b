#!/usr/bin/env bash
# Reliability run of the whole flow: N readings through Kafka into HDFS while the sink process is SIGKILLed
# K times mid-flow (each kill waits for the restarted sink to land new files first). Prints the demo's
# report; the run passes only with 0 lost / 0 duplicated. Uses (and starts, if needed) the lab on its
# default ports.
# Usage: benchmarks/sink-chaos.sh [records] [kills] [rate]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
records="${1:-1000000}"
kills="${2:-20}"
rate="${3:-5000}"
./lab demo --records "$records" --kill-sink "$kills" --rate "$rate" --timeout 30m
