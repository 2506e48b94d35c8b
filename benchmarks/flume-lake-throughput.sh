#!/usr/bin/env bash
# flume-agent vs hdfs-sink: records/s of Kafka -> HDFS for the Flume lake agent (kafka-to-hdfs.conf, in its own JVM)
# and for hdfs-sink, on the same topic in the same run. Uses (and starts, if needed) the lab on its default ports;
# creates topic bench.flume-<timestamp> and writes under hdfs:///bench/<timestamp>/.
# Usage: benchmarks/flume-lake-throughput.sh [records] [extra FlumeLakeBenchmark options]
set -euo pipefail
records="${1:-500000}"
shift || true
source "$(dirname "${BASH_SOURCE[0]}")/bench-env.sh"
run_benchmark io.datalakelab.bench.FlumeLakeBenchmark 2g --records "$records" "$@"
