#!/usr/bin/env bash
# SIMULATED: stands in for /opt/entrypoint.sh of the apache/spark base image in the image tree of ImageTreeTest.
# Written here from what that script does for Spark on Kubernetes, not copied from it:
#   class path:  $SPARK_CONF_DIR (else $SPARK_HOME/conf), $SPARK_HOME/jars/*, $SPARK_EXTRA_CLASSPATH, the work dir;
#                a shell variable, so only the executor's java command sees it (spark-submit builds its own)
#   driver ARGS: spark-submit in client mode, bound to $SPARK_DRIVER_BIND_ADDRESS, with ARGS
#   executor:    java $SPARK_JAVA_OPT_* -Xms/-Xmx$SPARK_EXECUTOR_MEMORY KubernetesExecutorBackend, from the pod's env
#   otherwise:   the command itself
# Left out: tini and the passwd entry for random uids (no bearing on class loading).
set -eo pipefail

java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
image_classpath="${SPARK_CLASSPATH:+$SPARK_CLASSPATH:}${SPARK_HOME}/jars/*"
if [ -n "${SPARK_EXTRA_CLASSPATH:-}" ]; then
  image_classpath="$image_classpath:$SPARK_EXTRA_CLASSPATH"
fi
if [ -n "${HADOOP_CONF_DIR+set}" ]; then
  image_classpath="$HADOOP_CONF_DIR:$image_classpath"
fi
image_classpath="${SPARK_CONF_DIR:-$SPARK_HOME/conf}:$image_classpath:$PWD"

executor_java_options=()
for name in $(compgen -v SPARK_JAVA_OPT_ || true); do
  executor_java_options+=("${!name}")
done

case "${1:-}" in
  driver)
    shift
    exec "$SPARK_HOME/bin/spark-submit" \
      --conf "spark.driver.bindAddress=$SPARK_DRIVER_BIND_ADDRESS" \
      --conf "spark.executorEnv.SPARK_DRIVER_POD_IP=$SPARK_DRIVER_BIND_ADDRESS" \
      --deploy-mode client "$@" ;;
  executor)
    shift
    exec "$java_home/bin/java" "${executor_java_options[@]}" \
      -Xms"$SPARK_EXECUTOR_MEMORY" -Xmx"$SPARK_EXECUTOR_MEMORY" \
      -cp "$image_classpath:${SPARK_DIST_CLASSPATH:-}" \
      org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend \
      --driver-url "$SPARK_DRIVER_URL" --executor-id "$SPARK_EXECUTOR_ID" --cores "$SPARK_EXECUTOR_CORES" \
      --app-id "$SPARK_APPLICATION_ID" --hostname "$SPARK_EXECUTOR_POD_IP" \
      --resourceProfileId "$SPARK_RESOURCE_PROFILE_ID" --podName "$SPARK_EXECUTOR_POD_NAME" ;;
  *)
    exec "$@" ;;
esac
