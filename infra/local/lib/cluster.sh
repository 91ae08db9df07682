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
}

# Remembers a KUBECONFIG the user gave before anything of ours could set it.
cluster_choose() {
    if [ -n "${KUBECONFIG:-}" ] && [ "${KUBECONFIG}" != "$PORTAL_STATE/cluster/kubeconfig" ]; then
        export PORTAL_EXTERNAL_KUBECONFIG=$KUBECONFIG
    fi
    cluster_env
    if cluster_owned; then export KUBECONFIG=$CLUSTER_STATE/kubeconfig; fi
}

cluster_build() {
    cluster_owned || return 0
    local start; start=$(now_ms)
    "$CLUSTER_SCRIPT" build >"$PORTAL_LOGS/cluster-build.log" 2>&1 \
        || { tail -n 30 "$PORTAL_LOGS/cluster-build.log" >&2; die "building the local cluster failed; log: $PORTAL_LOGS/cluster-build.log"; }
    grep -q "up to date" "$PORTAL_LOGS/cluster-build.log" || ok "local cluster built in $(elapsed_s "$start") s"
}

cluster_start() {
    if ! cluster_owned; then ok "using the cluster of KUBECONFIG=$PORTAL_EXTERNAL_KUBECONFIG"; return; fi
    cluster_build
    "$CLUSTER_SCRIPT" start >>"$PORTAL_LOGS/cluster.log" 2>&1 \
        || { tail -n 30 "$PORTAL_LOGS/cluster.log" >&2; die "the local cluster did not start; log: $PORTAL_LOGS/cluster.log"; }
    ok "kubernetes on https://127.0.0.1:$CLUSTER_API_PORT (simulated GPU nodes; KUBECONFIG=$KUBECONFIG)"
}

cluster_stop() {
    cluster_owned || return 0
    [ -d "$PORTAL_STATE/cluster" ] || return 0
    "$CLUSTER_SCRIPT" stop >>"$PORTAL_LOGS/cluster.log" 2>&1 && ok "stopped the local cluster"
}

cluster_running() {
    cluster_owned && [ -d "$PORTAL_STATE/cluster" ] || return 1
    local status; status=$("$CLUSTER_SCRIPT" status 2>/dev/null || true)
    [[ "$status" == *"kube-apiserver"*"running"* ]]
}
