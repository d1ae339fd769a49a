#!/bin/bash
# deskcluster lab: entrypoint of deskcluster/stargate-graphqlapi (Stargate v2 GraphQL API, a
# Quarkus application). Quarkus reads its own settings from the environment, so the official
# contract needs nothing here: QUARKUS_GRPC_CLIENTS_BRIDGE_HOST / _PORT (the coordinator's
# bridge, default port 8091), QUARKUS_HTTP_PORT (8080), STARGATE_* and the rest.
# JVM flags as the official Quarkus JVM image's run script takes them: JAVA_OPTS (e.g. -Xmx),
# then JAVA_OPTS_APPEND; without an explicit heap the heap is JAVA_MAX_MEM_RATIO (default 50)
# percent of the container's memory limit.
set -euo pipefail
APP=/deployments
if [ -f "$APP/quarkus-app/quarkus-run.jar" ]; then JAR=$APP/quarkus-app/quarkus-run.jar; else JAR=$APP/app.jar; fi

eval "declare -a JOPTS=(${JAVA_OPTS:-})"
eval "declare -a JAPPEND=(${JAVA_OPTS_APPEND:-})"
case " ${JAVA_OPTS:-} ${JAVA_OPTS_APPEND:-} " in
  *" -Xmx"*|*"MaxRAMPercentage"*|*"MaxRAM="*) ;;
  *) JOPTS+=("-XX:MaxRAMPercentage=${JAVA_MAX_MEM_RATIO:-50}") ;;
esac

CMD=(java -Dquarkus.http.host=0.0.0.0 -Djava.util.logging.manager=org.jboss.logmanager.LogManager
  "${JOPTS[@]}" "${JAPPEND[@]}" -jar "$JAR" "$@")
echo "entrypoint: running ${CMD[*]}"
exec "${CMD[@]}"
