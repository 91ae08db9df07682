# The local Kubernetes cluster (infra/local-cluster): a real control plane with simulated GPU nodes.
# With KUBECONFIG already set, the portal uses that cluster instead and starts none.

CLUSTER_API_PORT=${CLUSTER_API_PORT:-6443}
CLUSTER_SCRIPT=$PORTAL_ROOT/infra/local-cluster/cluster.sh

cluster_owned() { [ -z "${PORTAL_EXTERNAL_KUBECONFIG:-}" ]; }

cluster_env() {
    export CLUSTER_STATE=$PORTAL_STATE/cluster
    export CLUSTER_API_PORT CLUSTER_ETCD_PORT=${CLUSTER_ETCD_PORT:-2379} CLUSTER_AGENT_PORT=${CLUSTER_AGENT_PORT:-9400}
    export CLUSTER_KWOK_PORT=${CLUSTER_KWOK_PORT:-10247} CLUSTER_KCM_PORT=${CLUSTER_KCM_PORT:-10257}
    export CLUSTER_SCHEDULER_PORT=${CLUSTER_SCHEDULER_PORT:-10259}
    export CLUSTER_KUEUE_WEBHOOK_PORT=${CLUSTER_KUEUE_WEBHOOK_PORT:-9443}
    export CLUSTER_KUEUE_VISIBILITY_PORT=${CLUSTER_KUEUE_VISIBILITY_PORT:-9444}
    export CLUSTER_KUEUE_METRICS_PORT=${CLUSTER_KUEUE_METRICS_PORT:-9445}
    export CLUSTER_KUEUE_HEALTH_PORT=${CLUSTER_KUEUE_HEALTH_PORT:-9446}
    # the cluster's prometheus-adapter answers the metrics APIs from the stack's Prometheus
    export CLUSTER_ADAPTER_PORT=${CLUSTER_ADAPTER_PORT:-9447}
    # its VPA recommender right-sizes from the same metrics; the test stack's recomputes every 10 s, not every minute
    export CLUSTER_VPA_PORT=${CLUSTER_VPA_PORT:-9448}
    if [ "${PORTAL_INSTANCE:-}" = test ]; then export CLUSTER_VPA_INTERVAL=${CLUSTER_VPA_INTERVAL:-10s}; fi
    export CLUSTER_PROMETHEUS_URL=${PROMETHEUS_URL:-http://127.0.0.1:${PROMETHEUS_PORT:-9090}}
}

# Remembers a KUBECONFIG the user gave before anything of ours could set it.
cluster_choose() {
    if [ -n "${KUBECONFIG:-}" ] && [ "${KUBECONFIG}" != "$PORTAL_STATE/cluster/kubeconfig" ]; then
        export PORTAL_EXTERNAL_KUBECONFIG=$KUBECONFIG
    fi
    cluster_env
    # our cluster runs a VPA recommender: the job runner gives workloads VerticalPodAutoscalers ("Off" mode)
    if cluster_owned; then export KUBECONFIG=$CLUSTER_STATE/kubeconfig PORTAL_RIGHT_SIZING=true; fi
}

cluster_build() {
    cluster_owned || return 0
    local start; start=$(now_ms)
    "$CLUSTER_SCRIPT" build >"$PORTAL_LOGS/cluster-build.log" 2>&1 \
        || { tail -n 30 "$PORTAL_LOGS/cluster-build.log" >&2; die "building the local cluster failed; log: $PORTAL_LOGS/cluster-build.log"; }
    grep -q "up to date" "$PORTAL_LOGS/cluster-build.log" || ok "local cluster built in $(elapsed_s "$start") s"
}

# The API server's structured authentication (apiserver.config.k8s.io/v1 AuthenticationConfiguration): an access
# token of the portal realm with audience "kubernetes" (portal-cli's, i.e. kubectl's) is user oidc:<username> in
# groups oidc:<Keycloak group path>, so the team RoleBindings (oidc:/teams/team-<slug>) admit exactly the team's
# members. The API server trusts Keycloak's certificate through the CA given here, fetches the realm's keys itself
# and re-reads this file when it changes.
cluster_write_authentication_config() {
    local file=$PORTAL_STATE/cluster-authentication.yaml
    {
        cat <<EOF
# written by ./portal from the realm's issuer and the local CA; do not edit (rewritten at every start)
apiVersion: apiserver.config.k8s.io/v1
kind: AuthenticationConfiguration
jwt:
  - issuer:
      url: $KEYCLOAK_URL/realms/portal
      audiences: [kubernetes]
      audienceMatchPolicy: MatchAny
      certificateAuthority: |
$(sed 's/^/        /' "$PORTAL_CA_FILE")
    claimMappings:
      username:
        claim: preferred_username
        prefix: "oidc:"
      groups:
        claim: groups
        prefix: "oidc:"
      uid:
        claim: sub
EOF
    } >"$file.tmp"
    mv "$file.tmp" "$file"
    export CLUSTER_AUTHENTICATION_CONFIG=$file
}

cluster_start() {
    if ! cluster_owned; then ok "using the cluster of KUBECONFIG=$PORTAL_EXTERNAL_KUBECONFIG"; return; fi
    cluster_write_authentication_config
    cluster_build
    "$CLUSTER_SCRIPT" start >>"$PORTAL_LOGS/cluster.log" 2>&1 \
        || { tail -n 30 "$PORTAL_LOGS/cluster.log" >&2; die "the local cluster did not start; log: $PORTAL_LOGS/cluster.log"; }
    ok "kubernetes on https://127.0.0.1:$CLUSTER_API_PORT (simulated GPU nodes, Kueue; KUBECONFIG=$KUBECONFIG)"
}

cluster_stop() {
    cluster_owned || return 0
    [ -d "$PORTAL_STATE/cluster" ] || return 0
    "$CLUSTER_SCRIPT" stop >>"$PORTAL_LOGS/cluster.log" 2>&1 && ok "stopped the local cluster"
}

# cluster_component_state NAME — running/stopped/unhealthy for one line of `cluster.sh status`
cluster_component_state() {
    cluster_owned && [ -d "$PORTAL_STATE/cluster" ] || { echo stopped; return; }
    "$CLUSTER_SCRIPT" status 2>/dev/null | awk -v c="$1" '$1 == c { print ($2 == "running" && $5 != "unhealthy") ? "running" : ($2 == "running" ? "unhealthy" : "stopped"); found=1 }
        END { if (!found) print "stopped" }'
}

cluster_running() { [ "$(cluster_component_state kube-apiserver)" = running ]; }

# The Go unit tests of the cluster's agent (PKI, Kueue manifests, process runtime); Go caches passing results.
cluster_go_test() {
    local start; start=$(now_ms)
    "$CLUSTER_SCRIPT" go-test >"$PORTAL_LOGS/cluster-go-test.log" 2>&1 \
        || { tail -n 40 "$PORTAL_LOGS/cluster-go-test.log" >&2; die "the local cluster's Go tests failed; log: $PORTAL_LOGS/cluster-go-test.log"; }
    ok "local cluster Go tests passed in $(elapsed_s "$start") s ($(grep -c '^ok' "$PORTAL_LOGS/cluster-go-test.log") packages)"
}
