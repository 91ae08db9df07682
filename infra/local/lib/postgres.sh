# PostgreSQL from Debian's package, data under the state folder. initdb refuses to run as root, so as root the
# server runs as the `postgres` system user; as anyone else it runs as that user.

POSTGRES_PORT=${POSTGRES_PORT:-5433}
POSTGRES_DATA=$PORTAL_STATE/postgres

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

postgres_init() {
    [ -f "$POSTGRES_DATA/PG_VERSION" ] && return
    local bin; bin=$(postgres_bin)
    mkdir -p "$POSTGRES_DATA"
    # the server user must be able to walk down to its data folder
    chmod o+x "$PORTAL_ROOT" "$PORTAL_ROOT/.portal" "$PORTAL_STATE" 2>/dev/null || true
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
    local bin; bin=$(postgres_bin)
    touch "$PORTAL_LOGS/postgres.log"
    [ "$(id -u)" = 0 ] && chown postgres: "$PORTAL_LOGS/postgres.log"
    as_postgres "$bin/pg_ctl" -D "$POSTGRES_DATA" -l "$PORTAL_LOGS/postgres.log" -w -t 60 \
        -o "-p $POSTGRES_PORT" start >/dev/null \
        || { tail -n 20 "$PORTAL_LOGS/postgres.log" >&2; die "PostgreSQL did not start; log: $PORTAL_LOGS/postgres.log"; }
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
