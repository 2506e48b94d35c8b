#!/usr/bin/env bash
# Runs one Kafka command-line tool with the flags the course's material uses. Kafka 4 (KRaft) has no
# ZooKeeper and dropped --broker-list: those are translated or explained instead of failing obscurely.
# Usage: kafka-tool.sh <main class> [tool arguments...]
set -euo pipefail
main="$1"; shift
args=()
while (($#)); do
  case "$1" in
    --broker-list)
      echo "note: --broker-list is --bootstrap-server since Kafka 4; using --bootstrap-server $2" >&2
      args+=(--bootstrap-server "$2"); shift 2 ;;
    --zookeeper)
      echo "note: Kafka 4 runs without ZooKeeper (KRaft); ignoring --zookeeper $2. Use --bootstrap-server localhost:9092." >&2
      shift 2
      has_bootstrap=false
      for a in "${args[@]}" "$@"; do [[ "$a" == "--bootstrap-server" ]] && has_bootstrap=true; done
      $has_bootstrap || args+=(--bootstrap-server localhost:9092) ;;
    *) args+=("$1"); shift ;;
  esac
done
exec "$(dirname "${BASH_SOURCE[0]}")/kafka-run-class.sh" "$main" "${args[@]}"
