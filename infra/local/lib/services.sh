# The portal's own processes: three WebFlux backends and the Vaadin UI, run from their boot jars.

PORTAL_UI_PORT=${PORTAL_UI_PORT:-8080}
PORTAL_TENANT_PORT=${PORTAL_TENANT_PORT:-8081}
PORTAL_JOBS_PORT=${PORTAL_JOBS_PORT:-8082}
PORTAL_LOGS_PORT=${PORTAL_LOGS_PORT:-8083}

# name:port-variable:module — the order they are started and reported in
PORTAL_SERVICES="tenant-service:PORTAL_TENANT_PORT:tenant-service
job-runner:PORTAL_JOBS_PORT:job-runner
logging-pipeline:PORTAL_LOGS_PORT:logging-pipeline
portal-ui:PORTAL_UI_PORT:portal-ui"

# Health and metrics are served on a management port of their own, never beside the API.
management_port() { echo $(( $1 + 1100 )); }

# Small heaps and C1 only: on a 2-core laptop-sized machine start-up time matters more than peak throughput.
PORTAL_SERVICE_JVM_OPTS=${PORTAL_SERVICE_JVM_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx512m --enable-native-access=ALL-UNNAMED}

BUILD_STAMP=$PORTAL_ROOT/.portal/build.stamp

# The files a build reads: every pom and every file under a src folder, as git lists them (tracked, or new and not
# ignored), so what the build itself writes there (Vaadin's frontend/generated, ignored by .gitignore) never counts
# as a change. Outside a git checkout, the same folders with the generated ones left out.
build_inputs() {
    if git -C "$PORTAL_ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        git -C "$PORTAL_ROOT" ls-files -z --cached --others --exclude-standard -- \
            ':(glob)**/pom.xml' ':(glob)**/src/**'
    else
        (cd "$PORTAL_ROOT" && find . -path ./.portal -prune -o -path '*/node_modules' -prune \
            -o -path '*/target' -prune -o -path '*/frontend/generated' -prune -o -path '*/src/main/bundles' -prune \
            -o -type f \( -name pom.xml -o -path '*/src/*' \) -print0)
    fi
}

# The first input newer than the last successful build, if any.
build_changed_input() {
    (cd "$PORTAL_ROOT" && build_inputs | xargs -0 -r sh -c 'find "$@" -maxdepth 0 -newer "$0" -print 2>/dev/null' \
        "$BUILD_STAMP" | head -n 1)
}

# Builds with Maven only when a pom or a source file changed since the last successful build.
portal_build() {
    local changed
    if [ -f "$BUILD_STAMP" ]; then
        # head stops reading at the first changed file, so find/xargs may end on SIGPIPE: not a failure
        changed=$(build_changed_input || true)
        [ -z "$changed" ] && { ok "build is up to date"; return; }
        note "changed since the last build: $changed"
    fi
    # the build rewrites the jars running services load their classes from (a service whose jar changes under it
    # fails at its next class load: NoClassDefFoundError): stop them; `up` starts them again on the new jars
    local name rest
    while IFS=: read -r name rest; do
        if is_running "$name"; then note "stopping the services: the build replaces their jars"; services_stop; break; fi
    done <<<"$PORTAL_SERVICES"
    say "Building the portal (Maven, tests skipped)"
    local start; start=$(now_ms)
    mkdir -p "$(dirname "$BUILD_STAMP")"
    touch "$BUILD_STAMP.new"
    (cd "$PORTAL_ROOT" && mvn -B -q -Dstyle.color=never install -DskipTests) >"$PORTAL_ROOT/.portal/build.log" 2>&1 \
        || { tail -n 40 "$PORTAL_ROOT/.portal/build.log" >&2; die "the build failed; full log: .portal/build.log"; }
    mv "$BUILD_STAMP.new" "$BUILD_STAMP"
    ok "built in $(elapsed_s "$start") s"
}

service_jar() {
    local module=$1 jar
    jar=$(ls "$PORTAL_ROOT/$module"/target/"$module"-*.jar 2>/dev/null | grep -v -- '-plain.jar' | head -1)
    [ -n "$jar" ] || die "no jar for $module; run ./portal up (it builds) or mvn install"
    echo "$jar"
}

# services_start [NAME...] — all of them, or only those named
services_start() {
    local name var module port
    while IFS=: read -r name var module; do
        [ $# -gt 0 ] && [[ " $* " != *" $name "* ]] && continue
        port=${!var}
        if is_running "$name"; then ok "$name already running (port $port)"; continue; fi
        require_free_port "$port" "$var" "$name"
        require_free_port "$(management_port "$port")" "$var" "$name management"
        # shellcheck disable=SC2086,SC2046 # word splitting of the JVM options is meant; they trust the local CA (pki.sh)
        PORTAL_MANAGEMENT_PORT=$(management_port "$port") \
            start_process "$name" java $PORTAL_SERVICE_JVM_OPTS $(portal_jvm_trust_opts) -jar "$(service_jar "$module")"
    done <<<"$PORTAL_SERVICES"
}

services_wait() {
    local name var module port
    while IFS=: read -r name var module; do
        port=${!var}
        wait_until "$name" 240 http_ok "http://127.0.0.1:$(management_port "$port")/actuator/health"
        ok "$name on http://localhost:$port (health and metrics on :$(management_port "$port"))"
    done <<<"$PORTAL_SERVICES"
}

services_stop() {
    local name rest
    # the UI first, then the backends it calls
    while IFS=: read -r name rest; do stop_process "$name"; done < <(echo "$PORTAL_SERVICES" | tac)
}
