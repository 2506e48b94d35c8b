#!/usr/bin/env bash
# The KRaft controller quorum, from the lab's pinned Kafka 4.3.1 jars.
exec "$(dirname "${BASH_SOURCE[0]}")/kafka-tool.sh" org.apache.kafka.tools.MetadataQuorumCommand "$@"
