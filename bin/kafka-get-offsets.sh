#!/usr/bin/env bash
# Earliest/latest offsets of partitions, from the lab's pinned Kafka 4.3.1 jars.
exec "$(dirname "${BASH_SOURCE[0]}")/kafka-tool.sh" org.apache.kafka.tools.GetOffsetShell "$@"
