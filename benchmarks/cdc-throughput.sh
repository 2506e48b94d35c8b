#!/usr/bin/env bash
# ingestion-rdbms: rows/s of a bulk load read from the binlog into Kafka, side by side with a raw binlog read
# of the same range in the same run, and the commit -> readable-in-Kafka latency of single-row transactions.
# Uses (and starts, if needed) the lab on its default ports; creates a database bench_cdc_<timestamp> and
# topics rdbms.bench<timestamp>.*.
# Usage: benchmarks/cdc-throughput.sh [rows] [extra CdcBenchmark options, e.g. --single-rate 50]
set -euo pipefail
rows="${1:-200000}"
shift || true
source "$(dirname "${BASH_SOURCE[0]}")/bench-env.sh"
run_benchmark io.datalakelab.bench.CdcBenchmark 1g --rows "$rows" "$@"
