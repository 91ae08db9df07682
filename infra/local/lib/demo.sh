# shellcheck shell=bash
# A demo team on a fresh `./portal up`, so a first visitor can launch a notebook at once: team "demo" owned by carol,
# alice a member, a quota on the simulated cluster's GPU types. Everything goes through the tenant service's API as
# the admin, signed in through Keycloak's login form as a person would. Created only while no team exists at all:
# a stack someone already uses is never changed.

_demo_token() {
    SSO_PASSWORD=$ADMIN_PASSWORD "$PORTAL_ROOT/infra/local/bin/sso-login" --issuer "$KEYCLOAK_URL/realms/portal" \
        --username admin ${PORTAL_CA_FILE:+--cacert "$PORTAL_CA_FILE"}
}

_demo_api() {
    local token=$1 method=$2 path=$3 body=${4:-}
    curl -fsS -X "$method" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        ${body:+--data "$body"} "$PORTAL_TENANT_URL$path"
}

demo_seed() {
    local token teams
    token=$(_demo_token) || { note "demo team: the admin could not sign in; skipped"; return 0; }
    teams=$(_demo_api "$token" GET /api/v1/teams) || { note "demo team: the tenant service did not answer"; return 0; }
    if [ "$(printf '%s' "$teams" | python3 -c 'import sys, json; print(len(json.load(sys.stdin)))')" != 0 ]; then
        return 0
    fi
    _demo_api "$token" POST /api/v1/teams \
        '{"slug":"demo","displayName":"Demo team","description":"Made by ./portal up for a first look","owner":"carol"}' \
        >/dev/null || { note "demo team: creating it failed"; return 0; }
    _demo_api "$token" POST /api/v1/teams/demo/members '{"username":"alice","role":"member"}' >/dev/null \
        || note "demo team: adding alice failed"
    _demo_api "$token" PUT /api/v1/teams/demo/quota \
        '{"cpu":"32","memory":"128Gi","storage":"500Gi","pvcs":10,"maxNotebooks":4,"gpus":{"NVIDIA-A100-SXM4-80GB":2,"Tesla-T4":2}}' \
        >/dev/null || note "demo team: setting its quota failed"
    ok "demo team 'demo': owner carol, member alice, 2 A100 and 2 T4 GPUs"
}
