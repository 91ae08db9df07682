# Shared helpers for the local stack: logging, state folders, processes started by PID, ports, readiness.
# Sourced by ./portal; every part (postgres.sh, keycloak.sh, ...) builds on these.

PORTAL_INSTANCE=${PORTAL_INSTANCE:-local}
PORTAL_STATE=${PORTAL_STATE:-$PORTAL_ROOT/.portal/$PORTAL_INSTANCE}
# Expensive downloads and builds live outside the clone so a fresh clone on the same machine reuses them.
PORTAL_CACHE=${PORTAL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ai-portal}
PORTAL_RUN=$PORTAL_STATE/run
PORTAL_LOGS=$PORTAL_STATE/logs

if [ -t 1 ]; then _bold=$'\e[1m'; _red=$'\e[31m'; _green=$'\e[32m'; _dim=$'\e[2m'; _off=$'\e[0m'
else _bold=; _red=; _green=; _dim=; _off=; fi

# a test run sets SAY_CLOCK=1: each step carries the time, so a CI log shows where the minutes went
say()  { printf '%s==>%s %s%s\n' "$_bold" "$_off" "${SAY_CLOCK:+[$(date +%T)] }" "$*"; }
ok()   { printf '%s  ✓%s %s\n' "$_green" "$_off" "$*"; }
note() { printf '%s    %s%s\n' "$_dim" "$*" "$_off"; }
die()  { printf '%serror:%s %s\n' "$_red" "$_off" "$*" >&2; exit 1; }

ensure_dirs() { mkdir -p "$PORTAL_RUN" "$PORTAL_LOGS" "$PORTAL_CACHE"; }

now_ms() { date +%s%3N; }
elapsed_s() { awk -v s="$1" -v e="$(now_ms)" 'BEGIN { printf "%.1f", (e - s) / 1000 }'; }

# --- Java ------------------------------------------------------------------------------------------

PORTAL_JAVA_HOME=${PORTAL_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}

use_java25() {
    [ -x "$PORTAL_JAVA_HOME/bin/java" ] || die "Java 25 is needed and was not found at $PORTAL_JAVA_HOME (set PORTAL_JAVA_HOME)."
    local major
    major=$("$PORTAL_JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | awk -F= '/java.specification.version/ { gsub(/ /, "", $2); print $2 }')
    [ "${major%%.*}" -ge 25 ] 2>/dev/null || die "$PORTAL_JAVA_HOME is Java $major; AI Portal needs Java 25 or newer."
    export JAVA_HOME=$PORTAL_JAVA_HOME
    export PATH=$JAVA_HOME/bin:$PATH
}

mvn_quiet() { mvn -B -q -Dstyle.color=never "$@"; }

# --- processes recorded by PID ---------------------------------------------------------------------

pid_file() { echo "$PORTAL_RUN/$1.pid"; }

pid_of() { [ -f "$(pid_file "$1")" ] && cat "$(pid_file "$1")"; }

is_running() {
    local pid; pid=$(pid_of "$1") || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# start_process NAME COMMAND... — runs detached in its own session, output to logs/NAME.log, PID recorded.
start_process() {
    local name=$1; shift
    ensure_dirs
    setsid nohup "$@" >>"$PORTAL_LOGS/$name.log" 2>&1 </dev/null &
    echo $! >"$(pid_file "$name")"
}

# stop_process NAME — TERM the whole session, KILL what is left after 30 s; forgets the PID.
stop_process() {
    local name=$1 pid i
    pid=$(pid_of "$name") || return 0
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
        for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$pid" 2>/dev/null && { kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid"; }
        ok "stopped $name (pid $pid)"
    fi
    rm -f "$(pid_file "$name")"
}

# --- ports -----------------------------------------------------------------------------------------

port_holder() { ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\("[^"]*",pid=[0-9]*\).*/\1/p' | head -1; }

port_in_use() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

# require_free_port PORT VARIABLE PART — a clear message naming the port and who holds it.
require_free_port() {
    local port=$1 var=$2 part=$3 holder
    if port_in_use "$port"; then
        holder=$(port_holder "$port")
        die "port $port (for $part) is already in use${holder:+ by $holder}. Stop that process or choose another port with $var=<port>."
    fi
}

# --- readiness -------------------------------------------------------------------------------------

# wait_until PART SECONDS NAME COMMAND... — polls COMMAND; fails with the last lines of the part's log.
wait_until() {
    local part=$1 timeout=$2; shift 2
    local deadline=$(( $(date +%s) + timeout ))
    until "$@" >/dev/null 2>&1; do
        if [ -n "$(pid_of "$part")" ] && ! is_running "$part"; then
            tail -n 30 "$PORTAL_LOGS/$part.log" >&2 2>/dev/null
            die "$part exited while starting; its log is $PORTAL_LOGS/$part.log"
        fi
        if [ "$(date +%s)" -ge "$deadline" ]; then
            tail -n 30 "$PORTAL_LOGS/$part.log" >&2 2>/dev/null
            die "$part was not ready after ${timeout}s; its log is $PORTAL_LOGS/$part.log"
        fi
        sleep 1
    done
}

# https URLs of the stack (Keycloak) are checked against the local CA (pki.sh) once there is one
http_ok() { curl -fsS -o /dev/null --max-time 3 ${PORTAL_CA_FILE:+--cacert "$PORTAL_CA_FILE"} "$1"; }
