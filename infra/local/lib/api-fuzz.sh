# A bounded schemathesis run over every backend's OpenAPI document, as part of ./portal test, once the whole stack
# runs: generated requests (valid and invalid) with real tokens of a platform admin and of a member, and no answer
# may be a 5xx. Bad input is the client's fault (400), never the server's. Sourced by ./portal after common.sh.
#
#   API_FUZZ_EXAMPLES (15)   examples per operation and token
#   API_FUZZ_SECONDS  (45)   time budget per service and token (a token lives 5 minutes)
#   API_FUZZ_SERVICES        "name:port-variable ..." (default: the three backends)
#   API_FUZZ_SKIP=1          skip the run (say so; ./portal test then does not claim it)

SCHEMATHESIS_VERSION=4.32.5
SCHEMATHESIS_VENV=$PORTAL_CACHE/venvs/schemathesis-$SCHEMATHESIS_VERSION

# schemathesis_install — a virtualenv in the cache, made once (about a minute); instant when present. A venv's
# scripts name their own path, so it is built where it stays; the stamp says the install finished.
schemathesis_install() {
    [ -f "$SCHEMATHESIS_VENV/.installed" ] && return 0
    say "schemathesis $SCHEMATHESIS_VERSION: installing into $SCHEMATHESIS_VENV (once)"
    mkdir -p "$(dirname "$SCHEMATHESIS_VENV")"
    (
        exec 9>"$SCHEMATHESIS_VENV.lock"
        flock 9
        [ -f "$SCHEMATHESIS_VENV/.installed" ] && exit 0
        rm -rf "$SCHEMATHESIS_VENV"
        python3 -m venv "$SCHEMATHESIS_VENV" \
            && "$SCHEMATHESIS_VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" \
            && touch "$SCHEMATHESIS_VENV/.installed" \
            || { rm -rf "$SCHEMATHESIS_VENV"; die "could not install schemathesis $SCHEMATHESIS_VERSION from PyPI"; }
    ) || exit 1
}

_fuzz_token() {
    local user=$1 password_var
    password_var="${user^^}_PASSWORD"
    SSO_PASSWORD=${!password_var} "$PORTAL_ROOT/infra/local/bin/sso-login" --issuer "$KEYCLOAK_URL/realms/portal" \
        --username "$user" ${PORTAL_CA_FILE:+--cacert "$PORTAL_CA_FILE"}
}

# run_api_fuzz — fails when any service answered any generated request with a 5xx.
run_api_fuzz() {
    if [ "${API_FUZZ_SKIP:-0}" = 1 ]; then note "API fuzzing skipped (API_FUZZ_SKIP=1)"; return 0; fi
    schemathesis_install
    say "Fuzzing every backend's OpenAPI with schemathesis (no 5xx allowed)"
    local services=${API_FUZZ_SERVICES:-"tenant-service:PORTAL_TENANT_PORT job-runner:PORTAL_JOBS_PORT logging-pipeline:PORTAL_LOGS_PORT"}
    local report=$PORTAL_STATE/api-fuzz failed=0 entry name var port user token log start
    rm -rf "$report"; mkdir -p "$report"
    for entry in $services; do
        name=${entry%%:*}; var=${entry#*:}; port=${!var}
        # springdoc builds the document on first request, slowly on a loaded machine: fetch it once, then fuzz the file
        curl -fsS --max-time 180 -o "$report/$name.openapi.json" "http://127.0.0.1:$port/v3/api-docs" \
            || die "$name served no OpenAPI document on http://127.0.0.1:$port/v3/api-docs"
        for user in admin alice; do
            token=$(_fuzz_token "$user") || die "could not sign $user in for the API fuzzing"
            log=$report/$name-$user.log
            start=$(now_ms)
            # --exclude-path-regex: server-sent event streams never end; their query parameters are the same
            # as the search's, which is fuzzed
            # schemathesis keeps to --max-time itself; timeout is the backstop if a request hangs. Its exit code
            # also counts network errors (a request over --request-timeout): the JUnit report says what failed.
            (cd "$report" && timeout --kill-after=20 $(( ${API_FUZZ_SECONDS:-45} + 60 )) \
                "$SCHEMATHESIS_VENV/bin/st" run "$name.openapi.json" \
                    --url "http://127.0.0.1:$port" \
                    --header "Authorization: Bearer $token" \
                    --checks not_a_server_error \
                    --max-examples "${API_FUZZ_EXAMPLES:-15}" \
                    --max-time "${API_FUZZ_SECONDS:-45}" \
                    --workers 1 \
                    --request-timeout 20 \
                    --exclude-path-regex "${API_FUZZ_EXCLUDE:-/stream\$}" \
                    --seed 18 \
                    --generation-database none \
                    --report junit --report-junit-path "$name-$user.junit.xml" \
                    --no-color) >"$log" 2>&1
            case "$(_fuzz_verdict "$report/$name-$user.junit.xml")" in
                ok*) ok "$name as $user: no 5xx in $(_fuzz_verdict "$report/$name-$user.junit.xml" | cut -d' ' -f2-) ($(elapsed_s "$start") s)" ;;
                5xx*) printf '%s  ✗%s %s as %s: 5xx answers (log: %s)\n' "$_red" "$_off" "$name" "$user" "$log"
                      sed -n '/^=* FAILURES =*$/,/^=* SUMMARY =*$/p' "$log" | head -60
                      _fuzz_failures "$report/$name-$user.junit.xml" "$name as $user" >>"$report/failures.txt"
                      failed=1 ;;
                *) printf '%s  ✗%s %s as %s: schemathesis did not finish (log: %s)\n' "$_red" "$_off" "$name" "$user" "$log"
                   tail -n 20 "$log"
                   { echo "$name as $user: schemathesis did not finish; its log ends:"; tail -n 4 "$log"; } \
                       >>"$report/failures.txt"
                   failed=1 ;;
            esac
        done
    done
    [ "$failed" -eq 0 ] || die "the API fuzzing found server errors; logs in $report"
}

# api_fuzz_failures — what the last run found, a few lines per failing service and token, for the run's closing
# lines (a CI log's tail shows them; the full output scrolled past long before)
api_fuzz_failures() {
    local file=$PORTAL_STATE/api-fuzz/failures.txt
    if [ -s "$file" ]; then cut -c1-300 "$file" | head -40; else echo "its output above"; fi
    echo "reports in ${PORTAL_STATE#"$PORTAL_ROOT"/}/api-fuzz/"
}

# _fuzz_failures JUNIT WHO — each operation with a server error and the first lines of what schemathesis said of it
_fuzz_failures() {
    python3 - "$1" "$2" <<'PY'
import sys, xml.etree.ElementTree as ET
for case in ET.parse(sys.argv[1]).getroot().iter("testcase"):
    failure = case.find("failure")
    if failure is not None:
        lines = [line.strip() for line in (failure.text or failure.get("message") or "").splitlines() if line.strip()]
        print(f"{sys.argv[2]}: {case.get('name')}: " + " | ".join(lines[:6]))
PY
}

# _fuzz_verdict JUNIT — "ok N operations", "5xx N" (operations with a server error) or "unfinished"
_fuzz_verdict() {
    python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    cases = ET.parse(sys.argv[1]).getroot().iter("testcase")
except Exception:
    print("unfinished"); sys.exit()
cases = list(cases)
failed = [c for c in cases if c.find("failure") is not None]
errored = sum(1 for c in cases if c.find("error") is not None)
if not cases:
    print("unfinished")
elif failed:
    print(f"5xx {len(failed)}")
else:
    print(f"ok {len(cases)} operations" + (f", {errored} with network errors" if errored else ""))
PY
}
