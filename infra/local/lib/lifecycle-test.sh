# The local stack's own promises, checked by ./portal test on its running test stack:
# `up` again starts no duplicates, `down` stops exactly what `up` started, and data survives down/up.

_lc_passed=0
_lc_failed=0

_lc_check() {
    local what=$1; shift
    if "$@"; then ok "lifecycle: $what"; _lc_passed=$((_lc_passed + 1))
    else printf '%s  ✗%s lifecycle: %s\n' "$_red" "$_off" "$what"; _lc_failed=$((_lc_failed + 1)); fi
}

_lc_parts="postgres keycloak opensearch tenant-service job-runner logging-pipeline portal-ui"

_lc_pids() { local p; for p in $_lc_parts; do printf '%s=%s ' "$p" "$(pid_of "$p")"; done; }

_lc_all_stopped() {
    local p pid
    for p in $_lc_parts; do
        pid=$(pid_of "$p" || true)
        [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && return 1
    done
    ! postgres_running && ! cluster_running
}

# a user's access token, signed in through Keycloak's login form as a person would
_lc_token_sub() {
    SSO_PASSWORD=$2 "$PORTAL_ROOT/infra/local/bin/sso-login" --issuer "$KEYCLOAK_URL/realms/portal" --username "$1" \
        ${PORTAL_CA_FILE:+--cacert "$PORTAL_CA_FILE"}
}

_lc_my_team_slugs() {
    curl -fsS -H "Authorization: Bearer $1" "$PORTAL_TENANT_URL/api/v1/me" \
        | python3 -c 'import sys, json; print(" ".join(t["slug"] for t in json.load(sys.stdin)["teams"]))'
}

_lc_in_team() { [[ " $(_lc_my_team_slugs "$1") " == *" $2 "* ]]; }

# Everything the check changes goes through the portal's own API, as an admin would: no SQL into a service's schema.
_lc_api() {
    local method=$1 path=$2 token=$3 body=${4:-}
    local send=()
    [ -n "$body" ] && send=(-H 'Content-Type: application/json' -d "$body")
    curl -fsS -X "$method" -H "Authorization: Bearer $token" "${send[@]}" "$PORTAL_TENANT_URL$path" >/dev/null
}

# A clone under a folder other users cannot enter (root's home, a 0700 temporary folder): as root, PostgreSQL runs as
# the postgres user and must still reach its data. Started on a port of its own, in a throwaway state folder.
_lc_postgres_under_private_folder() {
    [ "$(id -u)" = 0 ] || return 0
    local private port ok=1
    private=$(mktemp -d /tmp/portal-private-XXXXXX) && chmod 700 "$private"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    (
        PORTAL_STATE=$private/clone/.portal/check POSTGRES_PORT=$port
        PORTAL_RUN=$PORTAL_STATE/run PORTAL_LOGS=$PORTAL_STATE/logs
        # shellcheck source=/dev/null
        source "$PORTAL_ROOT/infra/local/lib/postgres.sh"
        ensure_dirs
        postgres_start >/dev/null
        PGPASSWORD=$PORTAL_DB_PASSWORD psql -h 127.0.0.1 -p "$port" -U portal -d portal -tAc 'select 1' >/dev/null
        postgres_stop >/dev/null
        [ -L "$PORTAL_STATE/postgres" ] && rm -rf "$(dirname "$(readlink -f "$PORTAL_STATE/postgres")")"
    ) || ok=0
    rm -rf "$private"
    [ "$ok" = 1 ]
}

run_lifecycle_test() {
    say "Checking the local stack's lifecycle (up again, down, up)"
    local before after token
    before=$(_lc_pids)
    start_stack >/dev/null
    after=$(_lc_pids)
    _lc_check "running up again starts no second copy of any part" [ "$before" = "$after" ]

    local slug admin
    slug=lifecycle-$(random_token 6)
    admin=$(_lc_token_sub admin "$ADMIN_PASSWORD")
    _lc_check "an admin creates a team with bob as its owner through the API" \
        _lc_api POST /api/v1/teams "$admin" "{\"slug\": \"$slug\", \"displayName\": \"Lifecycle check\", \"owner\": \"bob\"}"

    stop_stack >/dev/null
    _lc_check "down stops every part it started" _lc_all_stopped

    start_stack >/dev/null
    token=$(_lc_token_sub bob "$BOB_PASSWORD")
    _lc_check "up after down finds the same teams" _lc_in_team "$token" "$slug"
    admin=$(_lc_token_sub admin "$ADMIN_PASSWORD")
    _lc_check "the admin deletes the team through the API" _lc_api DELETE "/api/v1/teams/$slug?force=true" "$admin"

    _lc_check "PostgreSQL starts as root from a clone under a folder other users cannot enter" \
        _lc_postgres_under_private_folder

    echo "lifecycle: $_lc_passed passed, $_lc_failed failed"
    [ "$_lc_failed" -eq 0 ]
}
