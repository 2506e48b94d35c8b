#!/usr/bin/env bash
# Topic and broker configs (e.g. retention.ms), from the lab's pinned Kafka 4.3.1 jars.
exec "$(dirname "${BASH_SOURCE[0]}")/kafka-tool.sh" kafka.admin.ConfigCommand "$@"
