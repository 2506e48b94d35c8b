#!/usr/bin/env bash
# List consumer groups, their offsets and lag; reset offsets, from the lab's pinned Kafka 4.3.1 jars.
exec "$(dirname "${BASH_SOURCE[0]}")/kafka-tool.sh" org.apache.kafka.tools.consumer.group.ConsumerGroupCommand "$@"
