#!/usr/bin/env bash
# Decodes a partition's segment files (.log, .index, .timeindex) as the broker wrote them, from the lab's pinned
# Kafka 4.3.1 jars, e.g. bin/kafka-dump-log.sh --print-data-log --files .lab/kafka/broker-1/teste-0/00000000000000000000.log
exec "$(dirname "${BASH_SOURCE[0]}")/kafka-tool.sh" org.apache.kafka.tools.DumpLogSegments "$@"
