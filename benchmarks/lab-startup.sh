#!/usr/bin/env bash
# Measures `./lab up`: time until every component is ready and the resident memory of what it started.
# Cold = on a purged state directory (formats Kafka, HDFS, installs MariaDB's system tables);
# warm = on existing data. Prints one line per run and a summary; results go to docs/benchmarks.md by hand.
# Usage: benchmarks/lab-startup.sh [runs]   (stops and restarts the lab on its default ports)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs="${1:-3}"
./lab --help >/dev/null   # builds first, so the build is not timed

measure() {
  local kind="$1"
  local line
  line="$(./lab up 2>/dev/null | grep '^lab is up')"
  echo "$kind: $line"
}

./lab down --purge >/dev/null 2>&1
measure cold
for i in $(seq 1 "$runs"); do
  ./lab down >/dev/null 2>&1
  measure "warm $i"
done
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1)"
