#!/bin/bash
# deskcluster/kafka: Kafka's bin/kafka-server-start.sh (broker/controller: kafka.Kafka).
# usage: kafka-server-start.sh server.properties [--override key=value ...]
set -e
[ $# -ge 1 ] || { echo "usage: $0 server.properties [--override property=value]*" >&2; exit 1; }
KAFKA_HOME=${KAFKA_HOME:-/opt/kafka}
export KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xmx1G -Xms1G}
export KAFKA_LOG4J_OPTS=${KAFKA_LOG4J_OPTS:--Dlog4j.configuration=file:$KAFKA_HOME/config/log4j.properties}
exec "$KAFKA_HOME/bin/kafka-run-class.sh" kafka.Kafka "$@"
