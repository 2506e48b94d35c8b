#!/usr/bin/env bash
# ingestion-rdbms: rows/s of a bulk load read from the binlog into Kafka, side by side with a raw binlog read
# of the same range in the same run, and the commit -> readable-in-Kafka latency of single-row transactions.
# Uses (and starts, if needed) the lab on its default ports; creates a database bench_cdc_<timestamp> and
# topics rdbms.bench<timestamp>.*.
# Usage: benchmarks/cdc-throughput.sh [rows] [extra CdcBenchmark options, e.g. --single-rate 50]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rows="${1:-200000}"
shift || true
./lab up >&2
if [[ ! -f benchmarks/target/bench.classpath ]] || [[ -n "$(find benchmarks/src -newer benchmarks/target/bench.classpath -print -quit)" ]]; then
  ./mvnw -B -q -DskipTests -pl benchmarks -am install >&2
  touch benchmarks/target/bench.classpath
fi
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx1g ${BENCH_JAVA_OPTS:-} -Dlogback.configurationFile=infra/src/main/resources/lab-logback.xml \
  -cp "benchmarks/target/benchmarks-0.1.0-SNAPSHOT.jar:$(cat benchmarks/target/bench.classpath)" \
  io.datalakelab.bench.CdcBenchmark --rows "$rows" "$@"
