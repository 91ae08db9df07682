# Keycloak for the local stack: the Maven Central distribution, run with start-dev on an in-memory database,
# realm "portal" imported from infra/keycloak/portal-realm.json at every start.
# Sourced by ./portal after common.sh.
#
# One distribution is shared (read-only once installed) by every instance on the machine:
#   $PORTAL_CACHE/keycloak/<version>/          unzipped keycloak-quarkus-dist, already augmented ("built")
#                                              for the options in KEYCLOAK_BUILD_OPTS, plus an optional AOT cache
# Each instance has its own Keycloak home under its PORTAL_STATE (kc.home.dir points there), so two instances
# (say the dev stack on 8180 and the test stack on 18180) never share data/import or data/tmp:
#   $PORTAL_STATE/keycloak/home/data/import/   realm file copied at each start
#   $PORTAL_STATE/keycloak/home/{conf,lib,providers,themes} -> links into the shared distribution
#
# Keycloak serves https only, with the certificate pki_ensure made ($PORTAL_PKI/keycloak.crt, signed by the local CA;
# health on the management port is https too).
# keycloak_start needs these exported: PORTAL_UI_URL, KEYCLOAK_ADMIN_PASSWORD, PORTAL_UI_CLIENT_SECRET,
# PORTAL_AUTOMATION_CLIENT_SECRET, TENANT_ADMIN_CLIENT_SECRET, ADMIN_PASSWORD, ALICE_PASSWORD, BOB_PASSWORD,
# CAROL_PASSWORD, GUEST_PASSWORD. Optional: KEYCLOAK_PORT (8180), KEYCLOAK_MGMT_PORT (KEYCLOAK_PORT+820).

KEYCLOAK_VERSION=26.7.3
KEYCLOAK_DIST=$PORTAL_CACHE/keycloak/$KEYCLOAK_VERSION
# Build-time options: the distribution is augmented once for exactly these; start-dev must pass the same ones,
# otherwise Keycloak re-augments the shared lib/quarkus at start (slow, and racy with a second instance).
KEYCLOAK_BUILD_OPTS=(--db=dev-mem --health-enabled=true)
KEYCLOAK_REALM_FILE=$PORTAL_ROOT/infra/keycloak/portal-realm.json
KEYCLOAK_REALM=portal
# Environment variables that portal-realm.json refers to as ${NAME}; Keycloak substitutes them on import (an
# unset one would not be substituted), so keycloak_start refuses to start without all of them.
KEYCLOAK_REALM_ENV=(PORTAL_UI_URL PORTAL_UI_CLIENT_SECRET PORTAL_AUTOMATION_CLIENT_SECRET TENANT_ADMIN_CLIENT_SECRET
    ADMIN_PASSWORD ALICE_PASSWORD BOB_PASSWORD CAROL_PASSWORD GUEST_PASSWORD)

keycloak_port() { echo "${KEYCLOAK_PORT:-8180}"; }
keycloak_mgmt_port() { echo "${KEYCLOAK_MGMT_PORT:-$(( $(keycloak_port) + 820 ))}"; }
# https only: the Kubernetes API server accepts an OIDC issuer on https alone (see pki.sh for the certificate)
keycloak_url() { echo "https://localhost:$(keycloak_port)"; }
keycloak_issuer() { echo "$(keycloak_url)/realms/$KEYCLOAK_REALM"; }
keycloak_home() { echo "$PORTAL_STATE/keycloak/home"; }

_keycloak_built_stamp() { echo "$KEYCLOAK_DIST/.portal-built"; }

_keycloak_is_built() {
    [ -x "$KEYCLOAK_DIST/bin/kc.sh" ] && [ -f "$(_keycloak_built_stamp)" ] \
        && [ "$(cat "$(_keycloak_built_stamp)")" = "${KEYCLOAK_BUILD_OPTS[*]}" ]
}

# Installed: built for KEYCLOAK_BUILD_OPTS and, when KEYCLOAK_AOT=1, an AOT cache tried (made or failed once).
_keycloak_is_installed() {
    _keycloak_is_built && { [ "${KEYCLOAK_AOT:-1}" != 1 ] || [ -f "$KEYCLOAK_DIST/keycloak.aot" ] \
        || [ -f "$KEYCLOAK_DIST/.aot-failed" ]; }
}

# keycloak_install — downloads (Maven), unzips and augments the distribution once; instant when already done.
keycloak_install() {
    _keycloak_is_installed && return 0
    mkdir -p "$PORTAL_CACHE/keycloak"
    (
        # Two stacks may install at the same time: one does the work, the other waits for it.
        exec 9>"$PORTAL_CACHE/keycloak/.install.lock"
        flock 9
        _keycloak_is_installed && exit 0
        use_java25
        local start tmp
        start=$(now_ms)
        if [ ! -x "$KEYCLOAK_DIST/bin/kc.sh" ]; then
            say "Keycloak $KEYCLOAK_VERSION: downloading the distribution from Maven Central"
            tmp=$PORTAL_CACHE/keycloak/.tmp-$$
            rm -rf "$tmp"; mkdir -p "$tmp"
            mvn_quiet dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip" \
                -DoutputDirectory="$tmp" >"$tmp/mvn.log" 2>&1 \
                || { cat "$tmp/mvn.log" >&2; die "could not download org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip"; }
            unzip -q "$tmp/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip" -d "$tmp" || die "could not unzip the Keycloak distribution"
            rm -rf "$KEYCLOAK_DIST"
            mv "$tmp/keycloak-$KEYCLOAK_VERSION" "$KEYCLOAK_DIST"
            rm -rf "$tmp"
        fi
        if ! _keycloak_is_built; then
            say "Keycloak $KEYCLOAK_VERSION: augmenting for start-dev ${KEYCLOAK_BUILD_OPTS[*]} (once, ~30-60 s)"
            rm -f "$(_keycloak_built_stamp)" "$KEYCLOAK_DIST/keycloak.aot" "$KEYCLOAK_DIST/.aot-failed"
            _keycloak_augment \
                || { tail -n 30 "$KEYCLOAK_DIST/build.log" >&2; die "Keycloak augmentation failed; see $KEYCLOAK_DIST/build.log"; }
            echo "${KEYCLOAK_BUILD_OPTS[*]}" >"$(_keycloak_built_stamp)"
        fi
        if [ "${KEYCLOAK_AOT:-1}" = 1 ] && [ ! -f "$KEYCLOAK_DIST/keycloak.aot" ]; then
            say "Keycloak $KEYCLOAK_VERSION: training a JDK AOT cache (once, ~40 s)"
            _keycloak_train_aot || { touch "$KEYCLOAK_DIST/.aot-failed"
                note "no AOT cache made (see $KEYCLOAK_DIST/aot.log); Keycloak starts without one"; }
        fi
        ok "Keycloak $KEYCLOAK_VERSION installed in $KEYCLOAK_DIST ($(elapsed_s "$start") s)"
    ) || exit 1
}

# Pays start-dev's re-augmentation once, into the shared lib/quarkus ('kc.sh build' builds for the prod
# profile, which start-dev would re-augment anyway). start-dev re-augments, exits with 10 and kc.sh relaunches
# java with -Dkc.config.built=true; a java wrapper stops right there instead of starting a server. If nothing
# needed re-augmenting the server does start: it is stopped as soon as it listens.
_keycloak_augment() {
    local work=$PORTAL_CACHE/keycloak/.augment-$$ log=$KEYCLOAK_DIST/build.log pid i d
    rm -rf "$work"; mkdir -p "$work/home/data"
    for d in conf lib providers themes; do ln -s "$KEYCLOAK_DIST/$d" "$work/home/$d"; done
    printf '#!/bin/sh\ncase " $* " in *" -Dkc.config.built=true "*) exit 0 ;; esac\nexec "%s/bin/java" "$@"\n' \
        "$JAVA_HOME" >"$work/java"
    chmod +x "$work/java"
    JAVA=$work/java setsid "$KEYCLOAK_DIST/bin/kc.sh" "-Dkc.home.dir=$work/home" start-dev "${KEYCLOAK_BUILD_OPTS[@]}" \
        --http-host=127.0.0.1 --http-port=0 --http-management-port=0 --hostname=http://localhost \
        >"$log" 2>&1 </dev/null &
    pid=$!
    for i in $(seq 1 600); do
        kill -0 "$pid" 2>/dev/null || break
        grep -q 'Listening on' "$log" && kill -TERM -- "-$pid" 2>/dev/null
        sleep 0.5
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rm -rf "$work"
    grep -q -E 'Quarkus augmentation completed|Listening on' "$log"
}

# JDK 25 AOT cache (on by default; KEYCLOAK_AOT=0 skips it): one training start (throwaway home, random ports,
# dummy secrets, realm import included) with -XX:AOTCacheOutput; the JVM assembles the cache when it exits.
# keycloak_start then uses -XX:AOTCache when the file is there. Measured: ~15 % faster start, ~190 MB on disk.
_keycloak_train_aot() {
    local work=$PORTAL_CACHE/keycloak/.aot-$$ log=$KEYCLOAK_DIST/aot.log aot=$KEYCLOAK_DIST/keycloak.aot pid i d v
    rm -rf "$work" "$aot"; mkdir -p "$work/home/data/import"
    for d in conf lib providers themes; do ln -s "$KEYCLOAK_DIST/$d" "$work/home/$d"; done
    cp "$KEYCLOAK_REALM_FILE" "$work/home/data/import/"
    (
        for v in "${KEYCLOAK_REALM_ENV[@]}"; do export "$v=aot-training"; done
        export PORTAL_UI_URL=http://localhost:1
        export KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=aot-training
        export JAVA_OPTS_APPEND="-XX:TieredStopAtLevel=1 -XX:AOTCacheOutput=$aot"
        exec setsid "$KEYCLOAK_DIST/bin/kc.sh" "-Dkc.home.dir=$work/home" start-dev "${KEYCLOAK_BUILD_OPTS[@]}" \
            --import-realm --http-host=127.0.0.1 --http-port=0 --http-management-port=0 --hostname=http://localhost \
            >"$log" 2>&1 </dev/null
    ) &
    pid=$!
    for i in $(seq 1 360); do
        kill -0 "$pid" 2>/dev/null || break
        grep -q 'Listening on' "$log" && break
        sleep 0.5
    done
    kill -TERM -- "-$pid" 2>/dev/null
    for i in $(seq 1 240); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rm -rf "$work"
    [ -s "$aot" ] || { rm -f "$aot"; return 1; }
}

# Per-instance Keycloak home: its own data/, everything else linked to the shared distribution.
_keycloak_prepare_home() {
    local home; home=$(keycloak_home)
    mkdir -p "$home/data/import"
    local d
    for d in bin conf lib providers themes; do
        ln -sfn "$KEYCLOAK_DIST/$d" "$home/$d"
    done
    rm -rf "$home/data/tmp" "$home/data/import/"*
    cp "$KEYCLOAK_REALM_FILE" "$home/data/import/$KEYCLOAK_REALM-realm.json"
}

# keycloak_start — starts Keycloak in the background (PID recorded as "keycloak"); returns at once.
keycloak_start() {
    if is_running keycloak; then
        note "keycloak already running (pid $(pid_of keycloak)) on $(keycloak_url)"
        return 0
    fi
    local port mgmt v missing=()
    port=$(keycloak_port); mgmt=$(keycloak_mgmt_port)
    for v in KEYCLOAK_ADMIN_PASSWORD "${KEYCLOAK_REALM_ENV[@]}"; do
        [ -n "${!v:-}" ] || missing+=("$v")
    done
    [ ${#missing[@]} -eq 0 ] || die "keycloak_start needs these environment variables: ${missing[*]}"
    [ -f "$KEYCLOAK_REALM_FILE" ] || die "realm file $KEYCLOAK_REALM_FILE is missing"
    [ -s "$PORTAL_PKI/keycloak.crt" ] || die "keycloak_start needs Keycloak's certificate: call pki_ensure first"
    require_free_port "$port" KEYCLOAK_PORT keycloak
    require_free_port "$mgmt" KEYCLOAK_MGMT_PORT "keycloak management (health)"
    keycloak_install
    _keycloak_prepare_home
    ensure_dirs
    : >"$PORTAL_LOGS/keycloak.log"
    local jopts="-XX:TieredStopAtLevel=1"
    [ -f "$KEYCLOAK_DIST/keycloak.aot" ] && jopts="$jopts -XX:AOTCache=$KEYCLOAK_DIST/keycloak.aot"
    say "starting keycloak on $(keycloak_url) (health on https://127.0.0.1:$mgmt)"
    (
        use_java25
        export KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=$KEYCLOAK_ADMIN_PASSWORD
        export JAVA_OPTS_APPEND="$jopts ${KEYCLOAK_JAVA_OPTS:-}"
        # -Dkc.home.dir comes after kc.sh's own one, so this instance's home wins.
        start_process keycloak "$KEYCLOAK_DIST/bin/kc.sh" "-Dkc.home.dir=$(keycloak_home)" start-dev \
            "${KEYCLOAK_BUILD_OPTS[@]}" --import-realm \
            --http-enabled=false --http-host=127.0.0.1 --https-port="$port" --hostname="$(keycloak_url)" \
            --https-certificate-file="$PORTAL_PKI/keycloak-chain.crt" \
            --https-certificate-key-file="$PORTAL_PKI/keycloak.key" \
            --http-management-port="$mgmt" --log-console-color=false
    )
}

keycloak_ready() { http_ok "$(keycloak_issuer)/.well-known/openid-configuration"; }

# keycloak_wait — until the portal realm's discovery document answers (realm imported, server up).
keycloak_wait() {
    local start; start=$(now_ms)
    wait_until keycloak "${KEYCLOAK_WAIT_S:-180}" keycloak_ready
    ok "keycloak ready on $(keycloak_url) ($(elapsed_s "$start") s)"
}

keycloak_stop() { stop_process keycloak; }
