# shellcheck shell=bash
# Sourced by cluster.sh: start, stop and status of the control plane, the add-ons, the agent and Kueue.

scheduler_config() {
  local st="$1" out="$1/run/scheduler-config.yaml"
  {
    sed -n '/^apiVersion:/,/^kind:/p' "$HERE/config/scheduler-gpu-packing.yaml"
    cat <<EOF
clientConnection:
  kubeconfig: $st/run/scheduler.kubeconfig
  qps: 200
  burst: 400
leaderElection:
  leaderElect: false
EOF
    sed -n '/^profiles:/,$p' "$HERE/config/scheduler-gpu-packing.yaml"
  } > "$out"
  echo "$out"
}

cmd_start() {
  local st; st="$(state_dir)"; export CLUSTER_STATE="$st"
  [[ -f "$NODES_FILE" ]] || die "node topology $NODES_FILE not found"
  cmd_build >/dev/null
  mkdir -p "$st/run"
  exec 9>"$st/run/.start.lock"
  flock 9 # concurrent starts on one state folder wait for each other instead of racing
  local bin; bin="$(bin_dir)"
  local t0; t0=$(now_ms)
  # CA, certificates and kubeconfigs: created once, kubeconfigs rewritten for this start's API port
  "$bin/sim-agent" pki --state "$st" --server "https://127.0.0.1:$API_PORT" || die "creating certificates in $st/pki failed"
  local pki="$st/pki"
  printf 'CLUSTER_API_PORT=%s\nCLUSTER_ETCD_PORT=%s\nCLUSTER_AGENT_PORT=%s\nCLUSTER_KWOK_PORT=%s\nCLUSTER_KCM_PORT=%s\nCLUSTER_SCHEDULER_PORT=%s\nCLUSTER_KUEUE_WEBHOOK_PORT=%s\nCLUSTER_KUEUE_VISIBILITY_PORT=%s\nCLUSTER_KUEUE_METRICS_PORT=%s\nCLUSTER_KUEUE_HEALTH_PORT=%s\nCLUSTER_ADAPTER_PORT=%s\nCLUSTER_VPA_PORT=%s\n' \
    "$API_PORT" "$ETCD_PORT" "$AGENT_PORT" "$KWOK_PORT" "$KCM_PORT" "$SCHED_PORT" \
    "$KUEUE_WEBHOOK_PORT" "$KUEUE_VISIBILITY_PORT" "$KUEUE_METRICS_PORT" "$KUEUE_HEALTH_PORT" "$ADAPTER_PORT" "$VPA_PORT" > "$st/run/cluster.env"
  mkdir -p "$st/etcd" "$st/var/log/pods" "$st/var/log/containers" "$st/volumes"

  launch "$st" etcd "$bin/etcd" --name=ai-portal-local --data-dir="$st/etcd" \
    --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="ai-portal-local=http://127.0.0.1:$ETCD_PEER_PORT" \
    --quota-backend-bytes=8589934592 --auto-compaction-retention=1h --log-level=warn
  wait_for "etcd" 60 curl -fsS --max-time 2 "http://127.0.0.1:$ETCD_PORT/health"

  launch "$st" kube-apiserver "$bin/kube-apiserver" \
    --advertise-address=127.0.0.1 --bind-address=127.0.0.1 --secure-port="$API_PORT" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" --client-ca-file="$pki/ca.crt" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
    --service-cluster-ip-range=10.96.0.0/16 \
    --authorization-mode=Node,RBAC \
    --enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultStorageClass,DefaultTolerationSeconds,ResourceQuota,PodSecurity,NodeRestriction,Priority,StorageObjectInUseProtection,PersistentVolumeClaimResize,RuntimeClass,TaintNodesByCondition,DefaultIngressClass,CertificateApproval,CertificateSigning,CertificateSubjectRestriction,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ValidatingAdmissionPolicy \
    --kubelet-client-certificate="$pki/apiserver-kubelet-client.crt" --kubelet-client-key="$pki/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types=InternalIP \
    --requestheader-client-ca-file="$pki/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
    --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- \
    --proxy-client-cert-file="$pki/front-proxy-client.crt" --proxy-client-key-file="$pki/front-proxy-client.key" \
    --allow-privileged=true --profiling=false --max-requests-inflight=800 --max-mutating-requests-inflight=400 \
    --cert-dir="$st/run/apiserver-certs" \
    ${CLUSTER_AUTHENTICATION_CONFIG:+--authentication-config="$CLUSTER_AUTHENTICATION_CONFIG"}
  wait_for "kube-apiserver /readyz" 120 https_ok "https://127.0.0.1:$API_PORT/readyz"
  log "API server ready after $(secs_since "$t0") s"

  # add-ons and node registration come before KWOK so that nodes are complete when KWOK first sees them
  local scale_arg=(); [[ "$SCALE" != "0" ]] && scale_arg=(--scale "$SCALE")
  "$bin/sim-agent" bootstrap --kubeconfig "$st/run/sim-agent.kubeconfig" --addons "$HERE/config/addons" \
    --nodes "$NODES_FILE" "${scale_arg[@]}" >>"$st/logs/bootstrap.log" 2>&1 \
    || die "bootstrap failed: $(tail -3 "$st/logs/bootstrap.log")"

  launch "$st" kube-controller-manager "$bin/kube-controller-manager" \
    --kubeconfig="$st/run/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$st/run/controller-manager.kubeconfig" --authorization-kubeconfig="$st/run/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --leader-elect=false \
    --use-service-account-credentials=true --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" \
    --cluster-signing-cert-file="$pki/ca.crt" --cluster-signing-key-file="$pki/ca.key" \
    --controllers='*' --allocate-node-cidrs=false --kube-api-qps=200 --kube-api-burst=400 \
    --concurrent-job-syncs=10 --concurrent-replicaset-syncs=10 --concurrent-statefulset-syncs=10 \
    --cert-dir="$st/run/kcm-certs"
  launch "$st" kube-scheduler "$bin/kube-scheduler" --config="$(scheduler_config "$st")" \
    --authentication-kubeconfig="$st/run/scheduler.kubeconfig" --authorization-kubeconfig="$st/run/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$SCHED_PORT" --cert-dir="$st/run/scheduler-certs"
  if ! pid_of "$st" kwok >/dev/null; then
    # a new KWOK process has a new lease-holder identity and would wait for the old node leases to expire
    "$bin/kubectl" --kubeconfig "$st/kubeconfig" -n kube-node-lease delete leases --all --wait=false >/dev/null 2>&1 || true
  fi
  # KWOK plays the status of simulated pods only: the process runtime's pods are left out of its stages
  "$bin/sim-agent" kwok-stages --stages "$HERE/config/kwok-stages.yaml" --out "$st/run/kwok-stages.yaml" \
    --runtime-config "$RUNTIME_CONFIG" --runnable-images "${CLUSTER_RUNNABLE_IMAGES:-}" || die "rendering KWOK stages failed"
  launch "$st" kwok "$bin/kwok" --kubeconfig="$st/run/kwok.kubeconfig" --config="$st/run/kwok-stages.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --node-ip=127.0.0.1 --node-port="$KWOK_PORT" --server-address="127.0.0.1:$KWOK_PORT" \
    --tls-cert-file="$pki/kwok.crt" --tls-private-key-file="$pki/kwok.key" \
    --node-lease-duration-seconds=40 --cidr=10.244.0.0/16 --enable-crds=Logs --v=WARN
  local image_venvs; image_venvs="$(ensure_image_venvs)" || die "making the images' virtualenvs failed"
  local rroot; rroot="$(runtime_root "$st")"
  if [[ "$(id -u)" == 0 ]]; then mkdir -p "$rroot"; chown "$RUNTIME_USER:" "$rroot" "$(dirname "$rroot")"; fi
  launch "$st" sim-agent "$bin/sim-agent" run --kubeconfig "$st/run/sim-agent.kubeconfig" --state "$st" \
    --listen "127.0.0.1:$AGENT_PORT" \
    --runtime-config "$RUNTIME_CONFIG" --runnable-images "${CLUSTER_RUNNABLE_IMAGES:-}" --repo "$REPO_ROOT" \
    --runtime-root "$rroot" --runtime-venv "$(runtime_venv)" --image-venvs "$image_venvs" --run-as "$(runtime_user)"
  start_kueue "$st" "$bin"
  start_adapter "$st" "$bin"
  start_vpa_recommender "$st" "$bin"

  local want; want="$("$bin/sim-agent" nodes --nodes "$NODES_FILE" "${scale_arg[@]}" | cut -d' ' -f1)"
  wait_for "$want Ready nodes" "$READY_TIMEOUT" nodes_ready "$bin" "$st" "$want"
  wait_for "kube-controller-manager /healthz" 60 loopback_ok "https://127.0.0.1:$KCM_PORT/healthz"
  wait_for "kube-scheduler /healthz" 60 loopback_ok "https://127.0.0.1:$SCHED_PORT/healthz"
  wait_for "sim-agent /healthz" 60 curl -fsS --max-time 2 "http://127.0.0.1:$AGENT_PORT/healthz"
  wait_for "default ServiceAccount" 60 "$bin/kubectl" --kubeconfig "$st/kubeconfig" -n default get serviceaccount default
  wait_for "kueue /readyz" 120 curl -fsS --max-time 2 "http://127.0.0.1:$KUEUE_HEALTH_PORT/readyz"
  # the visibility API answers through the API server's aggregator, as on a real cluster
  wait_for "kueue visibility API through the API server" 120 \
    https_ok "https://127.0.0.1:$API_PORT/apis/visibility.kueue.x-k8s.io/v1beta2"
  if [[ -n "${CLUSTER_PROMETHEUS_URL:-}" ]]; then
    # the HPA controller reads these through the aggregator; their figures follow once Prometheus has scraped
    wait_for "metrics APIs through the API server" 120 \
      https_ok "https://127.0.0.1:$API_PORT/apis/metrics.k8s.io/v1beta1"
  fi
  log "cluster Ready: $want simulated nodes Ready after $(secs_since "$t0") s"
  log "KUBECONFIG=$st/kubeconfig"
  echo "ready_seconds=$(secs_since "$t0")"
}

# Kueue runs as a process, but as its Deployment would run it: its webhook certificate comes from certDir in its
# configuration, the visibility server's from "certs" in its working directory (link flag, see build), and the
# metrics server's from the fixed path /etc/kueue/metrics/certs (a volume mount in Kueue's pod). A private mount
# namespace gives the process that path -- an overlay on /etc whose upper layer, on a tmpfs of its own, links
# kueue/metrics/certs to <state>/kueue/certs -- without touching this machine's /etc. As a normal user the
# namespace needs a user namespace (unshare --user --map-root-user); the process keeps the user's own rights.
start_kueue() {
  local st="$1" bin="$2" kdir="$1/kueue" kbin; kbin="$(kueue_dir)"
  pid_of "$st" kueue >/dev/null && { log "kueue already running (pid $(pid_of "$st" kueue))"; return 0; }
  "$bin/sim-agent" kueue-install --kubeconfig "$st/kubeconfig" --manifests "$kbin/config" \
    --config-template "$HERE/config/kueue/controller-manager.yaml" --config-out "$st/run/kueue-config.yaml" \
    --cert-dir "$kdir/certs" --ca "$st/pki/ca.crt" \
    --webhook-port "$KUEUE_WEBHOOK_PORT" --visibility-port "$KUEUE_VISIBILITY_PORT" \
    --health-port "$KUEUE_HEALTH_PORT" --metrics-port "$KUEUE_METRICS_PORT" >>"$st/logs/kueue-install.log" 2>&1 \
    || die "installing kueue failed: $(tail -3 "$st/logs/kueue-install.log")"
  mkdir -p "$kdir/etc-overlay"
  local ns=(unshare --mount --propagation private)
  [[ "$(id -u)" == 0 ]] || ns=(unshare --user --map-root-user --mount --propagation private)
  "${ns[@]}" true 2>/dev/null || die "kueue needs a private mount namespace (${ns[*]}) and this machine refuses it"
  # shellcheck disable=SC2016
  launch "$st" kueue "${ns[@]}" sh -ec '
    mount -t tmpfs -o size=1m,mode=0755 kueue-etc "$1"
    mkdir -p "$1/upper/kueue/metrics" "$1/work"
    ln -s "$2" "$1/upper/kueue/metrics/certs"
    mount -t overlay kueue-etc -o "lowerdir=/etc,upperdir=$1/upper,workdir=$1/work" /etc
    cd "$3"; shift 3; exec "$@"' kueue "$kdir/etc-overlay" "$kdir/certs" "$kdir" \
    "$kbin/bin/kueue" --config="$st/run/kueue-config.yaml" --kubeconfig="$st/run/kueue.kubeconfig" \
    --zap-log-level=info
}

# The prometheus-adapter serves metrics.k8s.io, custom.metrics.k8s.io and external.metrics.k8s.io from the
# Prometheus at CLUSTER_PROMETHEUS_URL (the portal's stack starts it beside the cluster); without that setting
# (a cluster of its own, the benchmarks) the cluster runs without metrics APIs, as a bare kubeadm cluster does.
start_adapter() {
  local st="$1" bin="$2"
  [[ -n "${CLUSTER_PROMETHEUS_URL:-}" ]] || return 0
  pid_of "$st" prometheus-adapter >/dev/null && { log "prometheus-adapter already running"; return 0; }
  local ca_bundle; ca_bundle="$(base64 -w0 < "$st/pki/ca.crt")"
  sed -e "s|\${ADAPTER_PORT}|$ADAPTER_PORT|g" -e "s|\${CA_BUNDLE}|$ca_bundle|g" "$HERE/config/prometheus-adapter-apis.yaml" \
    | "$bin/kubectl" --kubeconfig "$st/kubeconfig" apply --server-side --field-manager=ai-portal-local-cluster -f - \
      >>"$st/logs/prometheus-adapter-install.log" 2>&1 \
    || die "registering the metrics APIs failed: $(tail -3 "$st/logs/prometheus-adapter-install.log")"
  local kc="$st/run/prometheus-adapter.kubeconfig"
  launch "$st" prometheus-adapter "$(adapter_dir)/bin/adapter" --prometheus-url="$CLUSTER_PROMETHEUS_URL" \
    --config="$ADAPTER_CONFIG" --metrics-relist-interval=30s \
    --lister-kubeconfig="$kc" --authentication-kubeconfig="$kc" --authorization-kubeconfig="$kc" \
    --bind-address=127.0.0.1 --secure-port="$ADAPTER_PORT" \
    --tls-cert-file="$st/adapter/certs/tls.crt" --tls-private-key-file="$st/adapter/certs/tls.key" --v=1
}

# The VPA recommender, recommendation mode only (as `updateMode: "Off"` VerticalPodAutoscalers ask): it reads the
# pods' usage from metrics.k8s.io (the adapter, so it needs CLUSTER_PROMETHEUS_URL too) and writes each VPA's
# recommendation into its status; nothing evicts or resizes pods. Checkpoints keep its histograms across restarts.
# CLUSTER_VPA_INTERVAL: how often it recomputes (1m on a real cluster; tests shorten it).
start_vpa_recommender() {
  local st="$1" bin="$2"
  [[ -n "${CLUSTER_PROMETHEUS_URL:-}" ]] || return 0
  pid_of "$st" vpa-recommender >/dev/null && { log "vpa-recommender already running"; return 0; }
  "$bin/kubectl" --kubeconfig "$st/kubeconfig" apply --server-side --field-manager=ai-portal-local-cluster \
      -f "$(vpa_dir)/config/vpa-v1-crd-gen.yaml" >>"$st/logs/vpa-install.log" 2>&1 \
    || die "installing the VerticalPodAutoscaler CRDs failed: $(tail -3 "$st/logs/vpa-install.log")"
  launch "$st" vpa-recommender "$(vpa_dir)/bin/recommender" --kubeconfig="$st/run/vpa-recommender.kubeconfig" \
    --address="127.0.0.1:$VPA_PORT" --recommender-interval="${CLUSTER_VPA_INTERVAL:-1m}" \
    --checkpoints-gc-interval=10m --leader-elect=false --v=1
}

nodes_ready() { # bin state want: at least `want` managed nodes, all Ready
  local out
  out="$("$1/kubectl" --kubeconfig "$2/kubeconfig" get nodes -l sim.portal.ai/managed=true --no-headers 2>/dev/null)" || return 1
  local total ready
  total=$(grep -c . <<<"$out" || true)
  ready=$(awk '$2=="Ready"' <<<"$out" | grep -c . || true)
  [[ "$total" -ge "$3" && "$ready" -ge "$3" ]]
}

cmd_stop() {
  local st; st="$(state_dir)"
  local i c pid
  mkdir -p "$st/run"
  exec 9>"$st/run/.start.lock"
  flock 9 # a start in progress finishes first
  # reverse start order; etcd last so the others can shut down cleanly
  for (( i=${#COMPONENTS[@]}-1; i>=0; i-- )); do
    c="${COMPONENTS[$i]}"
    if pid="$(pid_of "$st" "$c")"; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && { log "$c did not stop in 10 s, killing"; kill -KILL "$pid" 2>/dev/null || true; }
      log "stopped $c (pid $pid)"
    fi
    rm -f "$st/run/$c.pid"
  done
}

cmd_status() {
  local st; st="$(state_dir)"
  local c pid health
  for c in "${COMPONENTS[@]}"; do
    if pid="$(pid_of "$st" "$c")"; then
      case "$c" in
        etcd) url="http://127.0.0.1:$ETCD_PORT/health" ;;
        kube-apiserver) url="https://127.0.0.1:$API_PORT/readyz" ;;
        kube-controller-manager) url="https://127.0.0.1:$KCM_PORT/healthz" ;;
        kube-scheduler) url="https://127.0.0.1:$SCHED_PORT/healthz" ;;
        kwok) url="http://127.0.0.1:$KWOK_PORT/healthz" ;;
        sim-agent) url="http://127.0.0.1:$AGENT_PORT/healthz" ;;
        kueue) url="http://127.0.0.1:$KUEUE_HEALTH_PORT/readyz" ;;
        prometheus-adapter) url="https://127.0.0.1:$ADAPTER_PORT/healthz" ;;
        vpa-recommender) url="http://127.0.0.1:$VPA_PORT/health-check" ;;
      esac
      if [[ -f "$st/pki/admin.crt" ]] && curl -ksS --max-time 2 --cert "$st/pki/admin.crt" --key "$st/pki/admin.key" -o /dev/null -w '%{http_code}' "$url" 2>/dev/null | grep -q 200; then
        health=healthy
      else
        health=unhealthy
      fi
      printf '%-24s running  pid %-8s %s (%s)\n' "$c" "$pid" "$health" "$url"
    else
      printf '%-24s stopped\n' "$c"
    fi
  done
}

# user-kubeconfig NAME [GROUP...]: a client certificate for user NAME in GROUPs, signed by the cluster CA
cmd_user_kubeconfig() {
  local st; st="$(state_dir)"
  [[ $# -ge 1 ]] || die "usage: cluster.sh user-kubeconfig NAME [GROUP...]"
  local bin; bin="$(bin_dir)"
  [[ -x "$bin/sim-agent" ]] || die "no binaries in $bin (run cluster.sh build)"
  "$bin/sim-agent" user-kubeconfig --state "$st" --server "https://127.0.0.1:$API_PORT" "$@"
}
