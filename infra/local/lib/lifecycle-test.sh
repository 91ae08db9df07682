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

_lc_sql() {
    PGPASSWORD=$PORTAL_DB_PASSWORD psql -h 127.0.0.1 -p "$POSTGRES_PORT" -U portal -d portal -qtA -c "$1" >/dev/null
}

run_lifecycle_test() {
    say "Checking the local stack's lifecycle (up again, down, up)"
    local before after token sub
    before=$(_lc_pids)
    start_stack >/dev/null
    after=$(_lc_pids)
    _lc_check "running up again starts no second copy of any part" [ "$before" = "$after" ]

    token=$(_lc_token_sub bob "$BOB_PASSWORD")
    sub=$(python3 -c 'import sys, json, base64; p = sys.argv[1].split(".")[1]; print(json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))["sub"])' "$token")
    _lc_sql "insert into tenant.team (slug, display_name) values ('lifecycle-check', 'Lifecycle check') on conflict do nothing;
             insert into tenant.team_member (team_slug, user_subject, username, role)
             values ('lifecycle-check', '$sub', 'bob', 'member') on conflict do nothing"

    stop_stack >/dev/null
    _lc_check "down stops every part it started" _lc_all_stopped

    start_stack >/dev/null
    token=$(_lc_token_sub bob "$BOB_PASSWORD")
    _lc_check "up after down finds the same teams" _lc_in_team "$token" lifecycle-check
    _lc_sql "delete from tenant.team where slug = 'lifecycle-check'"

    echo "lifecycle: $_lc_passed passed, $_lc_failed failed"
    [ "$_lc_failed" -eq 0 ]
}
