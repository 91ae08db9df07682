# PostgreSQL from Debian's package, data under the state folder. initdb refuses to run as root, so as root the
# server runs as the `postgres` system user; as anyone else it runs as that user.

POSTGRES_PORT=${POSTGRES_PORT:-5433}
# The data folder, or a link to it when it had to live outside the clone (see postgres_place_data).
POSTGRES_DATA=$PORTAL_STATE/postgres
[ -L "$POSTGRES_DATA" ] && POSTGRES_DATA=$(readlink -f "$POSTGRES_DATA")

postgres_bin() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$dir/pg_ctl" ] && { echo "$dir"; return; }
    done
    die "PostgreSQL server binaries not found; install them with: apt-get install -y postgresql (./portal test does)."
}

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# As root the server runs as the postgres user, who must be able to walk down to its data folder. A clone under a
# folder other users cannot enter (root's home, a 0700 temporary folder) would make initdb fail with "Permission
# denied" after a long first build: then the data lives in /var/lib/ai-portal/<state>/postgres, owned by postgres,
# and $PORTAL_STATE/postgres links to it (so `down`, a second `up` and a fresh shell find it again).
postgres_place_data() {
    [ "$(id -u)" = 0 ] || return 0
    [ -f "$POSTGRES_DATA/PG_VERSION" ] && return 0
    chmod o+x "$PORTAL_ROOT" "$PORTAL_ROOT/.portal" "$PORTAL_STATE" 2>/dev/null || true
    runuser -u postgres -- test -x "$PORTAL_STATE" 2>/dev/null && return 0
    local blocked dir outside
    dir=$PORTAL_STATE
    while [ "$dir" != / ]; do
        runuser -u postgres -- test -x "$dir" 2>/dev/null || blocked=$dir
        dir=$(dirname "$dir")
    done
    outside=/var/lib/ai-portal/$(printf '%s' "$PORTAL_STATE" | sha256sum | cut -c1-16)/postgres
    mkdir -p "$outside"
    chmod 755 /var/lib/ai-portal "$(dirname "$outside")"
    rmdir "$PORTAL_STATE/postgres" 2>/dev/null || true
    [ -e "$PORTAL_STATE/postgres" ] && die "$PORTAL_STATE/postgres exists, but the postgres user cannot enter $blocked; move it away or make $blocked enterable (chmod o+x)"
    ln -s "$outside" "$PORTAL_STATE/postgres"
    note "the postgres user cannot enter ${blocked:-$PORTAL_STATE}: PostgreSQL's data is in $outside (linked from $PORTAL_STATE/postgres)"
    POSTGRES_DATA=$outside
}

postgres_init() {
    postgres_place_data
    [ -f "$POSTGRES_DATA/PG_VERSION" ] && return
    local bin; bin=$(postgres_bin)
    mkdir -p "$POSTGRES_DATA"
    [ "$(id -u)" = 0 ] && chown postgres: "$POSTGRES_DATA"
    chmod 700 "$POSTGRES_DATA"
    note "initialising PostgreSQL in $POSTGRES_DATA"
    as_postgres "$bin/initdb" -D "$POSTGRES_DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
        -E UTF8 --locale=C.UTF-8 >"$PORTAL_LOGS/postgres-initdb.log" 2>&1 \
        || { cat "$PORTAL_LOGS/postgres-initdb.log" >&2; die "initdb failed"; }
    cat >>"$POSTGRES_DATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$POSTGRES_DATA'
max_connections = 200
shared_buffers = 128MB
EOF
}

postgres_start() {
    postgres_running && { ok "postgres already running (port $POSTGRES_PORT)"; return; }
    require_free_port "$POSTGRES_PORT" POSTGRES_PORT postgres
    postgres_init
    local bin log; bin=$(postgres_bin)
    log=$PORTAL_LOGS/postgres.log
    if [ "$POSTGRES_DATA" != "$PORTAL_STATE/postgres" ]; then
        # the server writes its log itself, so beside its data where it can; ./portal logs follows the link
        log=$(dirname "$POSTGRES_DATA")/postgres.log
        ln -sfn "$log" "$PORTAL_LOGS/postgres.log"
    fi
    touch "$log"
    [ "$(id -u)" = 0 ] && chown postgres: "$log"
    as_postgres "$bin/pg_ctl" -D "$POSTGRES_DATA" -l "$log" -w -t 60 \
        -o "-p $POSTGRES_PORT" start >/dev/null \
        || { tail -n 20 "$log" >&2; die "PostgreSQL did not start; log: $log"; }
    head -1 "$POSTGRES_DATA/postmaster.pid" >"$(pid_file postgres)"
    postgres_ensure_database
    ok "postgres on 127.0.0.1:$POSTGRES_PORT"
}

# The `portal` role and database; each service creates and migrates its own schema with Flyway.
postgres_ensure_database() {
    local psql; psql="$(postgres_bin)/psql"
    as_postgres "$psql" -h "$POSTGRES_DATA" -p "$POSTGRES_PORT" -U postgres -q -v ON_ERROR_STOP=1 -d postgres <<EOF >/dev/null
SELECT 'CREATE ROLE portal LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portal')\gexec
ALTER ROLE portal PASSWORD '$PORTAL_DB_PASSWORD';
SELECT 'CREATE DATABASE portal OWNER portal' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'portal')\gexec
EOF
    postgres_ensure_tracking_store
}

# The job runner's one privileged step for teams' MLflow tracking servers (job-runner/README.md, "Experiment
# tracking"): a role and a schema of its own per team, `mlflow_<slug>`, that owns only its schema. The `portal` role
# may not create roles (CREATEROLE in PostgreSQL 15 would let it grant itself any non-superuser role), so a function
# owned by the superuser does this one thing, for team slugs only, and `portal` may only call it. A real
# installation's database administrator runs the same SQL once (the chart's README).
postgres_ensure_tracking_store() {
    local psql; psql="$(postgres_bin)/psql"
    as_postgres "$psql" -h "$POSTGRES_DATA" -p "$POSTGRES_PORT" -U postgres -q -v ON_ERROR_STOP=1 -d portal \
        <"$PORTAL_ROOT/db/src/main/resources/db/tracking-store.sql" >/dev/null
}

# The test suite's database starts empty on every run, as on CI's clean clone: what an earlier run left (the API
# fuzzing, as an admin, changes the catalogue and the settings the tests start from) never changes a later run.
postgres_reset_database() {
    local psql; psql="$(postgres_bin)/psql"
    as_postgres "$psql" -h "$POSTGRES_DATA" -p "$POSTGRES_PORT" -U postgres -q -v ON_ERROR_STOP=1 -d postgres \
        -c 'DROP DATABASE IF EXISTS portal WITH (FORCE)' >/dev/null
    postgres_ensure_database
}

postgres_running() {
    [ -f "$POSTGRES_DATA/postmaster.pid" ] && kill -0 "$(head -1 "$POSTGRES_DATA/postmaster.pid")" 2>/dev/null
}

postgres_stop() {
    if postgres_running; then
        as_postgres "$(postgres_bin)/pg_ctl" -D "$POSTGRES_DATA" -m fast -w stop >/dev/null && ok "stopped postgres"
    fi
    rm -f "$(pid_file postgres)"
}
