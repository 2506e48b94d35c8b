#!/usr/bin/env bash
# Print a topic's records, from the lab's pinned Kafka 4.3.1 jars.
exec "$(dirname "${BASH_SOURCE[0]}")/kafka-tool.sh" org.apache.kafka.tools.consumer.ConsoleConsumer "$@"
