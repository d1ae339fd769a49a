#!/bin/bash
# deskcluster/kafka: a small stand-in for Kafka's bin/kafka-run-class.sh (the binary
# distribution is not on Maven Central; the jars in $KAFKA_HOME/libs come from Maven).
# usage: kafka-run-class.sh CLASS [ARGS...]
# Honours KAFKA_HEAP_OPTS (default -Xmx256M, the tools' default), KAFKA_JVM_PERFORMANCE_OPTS,
# KAFKA_GC_LOG_OPTS, KAFKA_JMX_OPTS + JMX_PORT/KAFKA_JMX_PORT (+ KAFKA_JMX_HOSTNAME),
# KAFKA_LOG4J_OPTS (default: console log4j config for tools), KAFKA_OPTS, JAVA_HOME.
set -e
[ $# -ge 1 ] || { echo "usage: $0 CLASS [ARGS...]" >&2; exit 1; }
KAFKA_HOME=${KAFKA_HOME:-/opt/kafka}
CLASSPATH="$KAFKA_HOME/libs/*${CLASSPATH:+:$CLASSPATH}"

: "${KAFKA_HEAP_OPTS:=-Xmx256M}"
default_performance="-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35"
default_performance="$default_performance -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true"
: "${KAFKA_JVM_PERFORMANCE_OPTS:=$default_performance}"
: "${KAFKA_LOG4J_OPTS:=-Dlog4j.configuration=file:$KAFKA_HOME/config/tools-log4j.properties}"
: "${LOG_DIR:=$KAFKA_HOME/logs}"

JMX_PORT=${JMX_PORT:-${KAFKA_JMX_PORT:-}}
if [ -z "${KAFKA_JMX_OPTS:-}" ]; then
  KAFKA_JMX_OPTS="-Dcom.sun.management.jmxremote=true -Dcom.sun.management.jmxremote.authenticate=false -Dcom.sun.management.jmxremote.ssl=false"
  [ -z "${KAFKA_JMX_HOSTNAME:-}" ] || KAFKA_JMX_OPTS="$KAFKA_JMX_OPTS -Djava.rmi.server.hostname=$KAFKA_JMX_HOSTNAME"
fi
if [ -n "$JMX_PORT" ]; then
  KAFKA_JMX_OPTS="$KAFKA_JMX_OPTS -Dcom.sun.management.jmxremote.port=$JMX_PORT -Dcom.sun.management.jmxremote.rmi.port=$JMX_PORT"
fi

JAVA=java; [ -z "${JAVA_HOME:-}" ] || JAVA=$JAVA_HOME/bin/java
# word splitting of the *_OPTS variables is intended, as in Kafka's own script
# shellcheck disable=SC2086
exec "$JAVA" $KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS ${KAFKA_GC_LOG_OPTS:-} $KAFKA_JMX_OPTS \
  -Dkafka.logs.dir="$LOG_DIR" $KAFKA_LOG4J_OPTS -cp "$CLASSPATH" ${KAFKA_OPTS:-} "$@"
