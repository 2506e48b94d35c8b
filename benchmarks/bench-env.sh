# Sourced by the benchmark scripts: starts the lab if needed, builds this module when its sources changed, and
# defines run_benchmark MAIN_CLASS HEAP ARGS... to run a benchmark on the lab's jars plus this module's.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./lab up >&2
if [[ ! -f benchmarks/target/bench.classpath ]] || [[ -n "$(find benchmarks/src benchmarks/debezium/src benchmarks/debezium/pom.xml benchmarks/pom.xml -newer benchmarks/target/bench.classpath -print -quit)" ]]; then
  ./mvnw -B -q -DskipTests -pl benchmarks -am install >&2
  touch benchmarks/target/bench.classpath
fi

run_benchmark() {
  local main="$1" heap="$2"
  shift 2
  # BENCH_JAVA_OPTS adds JVM flags, e.g. "-XX:StartFlightRecording=filename=/tmp/run.jfr,settings=profile".
  # shellcheck disable=SC2086
  exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" "-Xmx$heap" ${BENCH_JAVA_OPTS:-} -Dlogback.configurationFile=infra/src/main/resources/lab-logback.xml \
    -cp "benchmarks/target/benchmarks-0.1.0-SNAPSHOT.jar:$(cat benchmarks/target/bench.classpath)" "$main" "$@"
}
