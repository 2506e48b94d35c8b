#!/usr/bin/env bash
# The HDFS sink's records/s and MB/s as JSON lines and as Parquet, side by side with kafka-consumer-perf-test
# and one HDFS stream writing the same bytes, all in one run; then its freshness (produced -> visible in
# HDFS) against rotate.interval. Uses (and starts, if needed) the lab on its default ports; writes under
# /bench/<timestamp> in HDFS and to topics bench.sink-<timestamp> and bench.fresh-<timestamp>.
# Usage: benchmarks/sink-throughput.sh [records] [extra SinkBenchmark options, e.g. --rotate-interval 10s]
# BENCH_JAVA_OPTS adds JVM flags, e.g. "-XX:StartFlightRecording=filename=/tmp/sink.jfr,settings=profile".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
records="${1:-1000000}"
shift || true
./lab up >&2
if [[ ! -f benchmarks/target/bench.classpath ]] || [[ -n "$(find benchmarks/src -newer benchmarks/target/bench.classpath -print -quit)" ]]; then
  ./mvnw -B -q -DskipTests -pl benchmarks -am install >&2
  touch benchmarks/target/bench.classpath
fi
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx2g ${BENCH_JAVA_OPTS:-} -Dlogback.configurationFile=infra/src/main/resources/lab-logback.xml \
  -cp "benchmarks/target/benchmarks-0.1.0-SNAPSHOT.jar:$(cat benchmarks/target/bench.classpath)" \
  io.datalakelab.bench.SinkBenchmark --records "$records" "$@"
