# OpenSearch: the real engine, started in-process by infra/opensearch-local from its Maven Central jars.

OPENSEARCH_PORT=${OPENSEARCH_PORT:-9200}
OPENSEARCH_JVM_OPTS=${OPENSEARCH_JVM_OPTS:--Xms256m -Xmx512m -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager}

opensearch_start() {
    if is_running opensearch; then ok "opensearch already running (port $OPENSEARCH_PORT)"; return; fi
    require_free_port "$OPENSEARCH_PORT" OPENSEARCH_PORT opensearch
    local module=$PORTAL_ROOT/infra/opensearch-local
    [ -f "$module/target/classpath.txt" ] || die "infra/opensearch-local is not built; run ./portal up (it builds)"
    mkdir -p "$PORTAL_STATE/opensearch"
    # shellcheck disable=SC2086
    start_process opensearch java $OPENSEARCH_JVM_OPTS \
        -cp "$module/target/classes:$(cat "$module/target/classpath.txt")" \
        ai.portal.opensearch.LocalOpenSearchMain --data "$PORTAL_STATE/opensearch" --http-port "$OPENSEARCH_PORT"
}

opensearch_wait() {
    wait_until opensearch 300 http_ok "http://127.0.0.1:$OPENSEARCH_PORT/_cluster/health?wait_for_status=yellow&timeout=1s"
    ok "opensearch on http://127.0.0.1:$OPENSEARCH_PORT"
}

opensearch_stop() { stop_process opensearch; }
