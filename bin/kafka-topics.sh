#!/usr/bin/env bash
# Create, list, describe and delete topics, from the lab's pinned Kafka 4.3.1 jars.
exec "$(dirname "${BASH_SOURCE[0]}")/kafka-tool.sh" org.apache.kafka.tools.TopicCommand "$@"
