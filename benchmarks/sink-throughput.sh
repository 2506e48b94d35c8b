#!/usr/bin/env bash
# The HDFS sink's records/s and MB/s as JSON lines and as Parquet, side by side with kafka-consumer-perf-test
# and one HDFS stream writing the same bytes, all in one run; then its freshness (produced -> visible in
# HDFS) against rotate.interval. Uses (and starts, if needed) the lab on its default ports; writes under
# /bench/<timestamp> in HDFS and to topics bench.sink-<timestamp> and bench.fresh-<timestamp>.
# Usage: benchmarks/sink-throughput.sh [records] [extra SinkBenchmark options, e.g. --rotate-interval 10s]
set -euo pipefail
records="${1:-1000000}"
shift || true
source "$(dirname "${BASH_SOURCE[0]}")/bench-env.sh"
run_benchmark io.datalakelab.bench.SinkBenchmark 2g --records "$records" "$@"
