#!/usr/bin/env bash
# Runs a class from the lab's pinned Kafka jars, like Kafka's own bin/kafka-run-class.sh.
set -euo pipefail
# Tools only need the pinned Kafka jars: they never rebuild the lab under running processes.
LAB_TOOL=1 source "$(dirname "${BASH_SOURCE[0]}")/lab-env.sh"
exec "$LAB_JAVA" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dlogback.configurationFile=lab-logback.xml \
  -Dslf4j.internal.verbosity=ERROR -cp "$LAB_CP" "$@"
