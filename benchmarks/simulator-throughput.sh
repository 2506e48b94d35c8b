#!/usr/bin/env bash
# ingestion-iot: the sensor simulator beside kafka-producer-perf-test (same records, mean record size, acks,
# idempotence, linger, compression) in one run, then the speed layer's records/s working off the simulator's topic.
# Uses (and starts, if needed) the lab on its default ports; creates topics bench.perf-*, bench.sim*-*.
# Usage: benchmarks/simulator-throughput.sh [records] [extra SimulatorBenchmark options, e.g. --compression lz4]
set -euo pipefail
records="${1:-1000000}"
shift || true
source "$(dirname "${BASH_SOURCE[0]}")/bench-env.sh"
run_benchmark io.datalakelab.bench.SimulatorBenchmark 1g --records "$records" "$@"
