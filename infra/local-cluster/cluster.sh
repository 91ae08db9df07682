#!/usr/bin/env bash
# AI Portal local cluster: a real Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler) built from Go modules, with nodes simulated by KWOK and the sim-agent. See README.md.
#
#   cluster.sh build                  build the binaries once into the cache (skipped when present)
#   cluster.sh start                  start (idempotent), wait until the API server and nodes are Ready
#   cluster.sh stop                   stop what start started
#   cluster.sh status                 one line per component
#   cluster.sh user-kubeconfig NAME [GROUP...]   mint a client certificate, print the kubeconfig path
#   cluster.sh bin                    print the folder holding the binaries (after build)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# a state folder remembers the ports it was started with; explicit env settings win
if [[ -n "${CLUSTER_STATE:-}" && -f "$CLUSTER_STATE/run/cluster.env" ]]; then
  while IFS='=' read -r k v; do
    [[ "$k" =~ ^CLUSTER_[A-Z_]+$ && -z "${!k:-}" ]] && export "$k=$v"
  done < "$CLUSTER_STATE/run/cluster.env"
fi
GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
CACHE_ROOT="${CLUSTER_CACHE:-$HOME/.cache/ai-portal/local-cluster}"
API_PORT="${CLUSTER_API_PORT:-6443}"
ETCD_PORT="${CLUSTER_ETCD_PORT:-2379}"
ETCD_PEER_PORT="$((ETCD_PORT + 1))"
AGENT_PORT="${CLUSTER_AGENT_PORT:-9400}"
KWOK_PORT="${CLUSTER_KWOK_PORT:-10247}"
KCM_PORT="${CLUSTER_KCM_PORT:-10257}"
SCHED_PORT="${CLUSTER_SCHEDULER_PORT:-10259}"
NODES_FILE="${CLUSTER_NODES:-$HERE/nodes.yaml}"
SCALE="${CLUSTER_SCALE:-0}"
READY_TIMEOUT="${CLUSTER_READY_TIMEOUT:-180}"
K8S_VERSION="v1.36.3" # keep in step with go.mod
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok sim-agent)

log() { printf '[local-cluster] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now_ms() { date +%s%3N; }
secs_since() { local d=$(( $(now_ms) - $1 )); printf '%d.%03d' $((d / 1000)) $((d % 1000)); }

# The cache key covers everything that changes the binaries: module pins, the agent's and etcd's sources,
# the Go version and the link flags below.
build_hash() {
  ( cd "$HERE" && { cat go.mod go.sum; find cmd -type f -name '*.go' ! -name '*_test.go' | LC_ALL=C sort | xargs cat; "$GO" version; echo "$K8S_VERSION ldflags-v1"; } ) \
    | sha256sum | cut -c1-16
}
bin_dir() { echo "$CACHE_ROOT/$(build_hash)/bin"; }

cmd_build() {
  mkdir -p "$CACHE_ROOT"
  exec 8>"$CACHE_ROOT/.build.lock"
  flock 8 # one build at a time (./portal up and a test run may ask together); the second finds it done
  build_locked
  exec 8>&-
}

build_locked() {
  local bin; bin="$(bin_dir)"
  if [[ -f "$bin/.complete" ]]; then
    log "binaries up to date in $bin"
    return 0
  fi
  command -v "$GO" >/dev/null 2>&1 || [[ -x "$GO" ]] || die "Go not found (set GO=/path/to/go)"
  mkdir -p "$bin"
  local minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
  local ver="k8s.io/component-base/version"
  local ldflags="-s -w -X $ver.gitVersion=$K8S_VERSION -X $ver.gitMajor=1 -X $ver.gitMinor=$minor -X $ver.gitTreeState=clean -X $ver.buildDate=1970-01-01T00:00:00Z"
  log "building kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok sim-agent ($K8S_VERSION) into $bin"
  log "a cold build (empty Go build cache) takes a long time on 2 cores; later builds reuse ~/.cache/go-build"
  local t0; t0=$(now_ms)
  ( cd "$HERE" && nice -n "${CLUSTER_BUILD_NICE:-15}" \
      "$GO" build -mod=readonly -buildvcs=false -ldflags "$ldflags" -o "$bin/" \
        k8s.io/kubernetes/cmd/kube-apiserver \
        k8s.io/kubernetes/cmd/kube-controller-manager \
        k8s.io/kubernetes/cmd/kube-scheduler \
        k8s.io/kubernetes/cmd/kubectl \
        sigs.k8s.io/kwok/cmd/kwok \
        ./cmd/etcd ./cmd/sim-agent )
  secs_since "$t0" > "$bin/../build-seconds"
  touch "$bin/.complete"
  # keep this build and the one before it (a running cluster may still use it); older ones go
  ls -1dt "$CACHE_ROOT"/*/ 2>/dev/null | tail -n +3 | while read -r old; do rm -rf "$old"; done
  log "build took $(secs_since "$t0") s"
  echo "build_seconds=$(secs_since "$t0")"
}

state_dir() {
  [[ -n "${CLUSTER_STATE:-}" ]] || die "CLUSTER_STATE (state folder) is required"
  mkdir -p "$CLUSTER_STATE"
  (cd "$CLUSTER_STATE" && pwd)
}

# ---------- certificates and kubeconfigs ----------

gen_cert() { # pki name CN O [san] [ca]
  local pki="$1" name="$2" cn="$3" org="$4" san="${5:-}" ca="${6:-ca}"
  [[ -f "$pki/$name.crt" ]] && return 0
  local subj="/CN=$cn"; [[ -n "$org" ]] && subj="/O=$org$subj"
  openssl req -new -newkey rsa:2048 -nodes -keyout "$pki/$name.key" -subj "$subj" -out "$pki/$name.csr" 2>/dev/null
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [[ -n "$san" ]]; then echo "extendedKeyUsage=serverAuth,clientAuth"; echo "subjectAltName=$san"; else echo "extendedKeyUsage=clientAuth"; fi
  } > "$pki/$name.ext"
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/$ca.crt" -CAkey "$pki/$ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$pki/$name.ext" -out "$pki/$name.crt" 2>/dev/null
  rm -f "$pki/$name.csr" "$pki/$name.ext"
  chmod 600 "$pki/$name.key"
}

write_kubeconfig() { # file cert-name user-name
  local file="$1" pki="$2" name="$3" user="$4"
  cat > "$file.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: ai-portal-local
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $(base64 -w0 < "$pki/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 < "$pki/$name.crt")
    client-key-data: $(base64 -w0 < "$pki/$name.key")
contexts:
- name: $user@ai-portal-local
  context: {cluster: ai-portal-local, user: $user}
current-context: $user@ai-portal-local
EOF
  chmod 600 "$file.tmp"
  mv "$file.tmp" "$file"
}

ensure_pki() {
  local st="$1" pki="$1/pki"
  mkdir -p "$pki" "$st/run" "$st/logs"
  if [[ ! -f "$pki/ca.crt" ]]; then
    log "generating cluster CA, certificates and service-account keys in $pki"
    openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$pki/ca.key" -subj "/CN=ai-portal-local-cluster-ca" \
      -days 3650 -sha256 -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
      -out "$pki/ca.crt" 2>/dev/null
    chmod 600 "$pki/ca.key"
  fi
  [[ -f "$pki/sa.key" ]] || { openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null; chmod 600 "$pki/sa.key"; }
  [[ -f "$pki/sa.pub" ]] || openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
  # the aggregation layer's own CA (requestheader authentication), separate from the cluster CA as kubeadm does
  if [[ ! -f "$pki/front-proxy-ca.crt" ]]; then
    openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$pki/front-proxy-ca.key" -subj "/CN=front-proxy-ca" \
      -days 3650 -sha256 -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
      -out "$pki/front-proxy-ca.crt" 2>/dev/null
    chmod 600 "$pki/front-proxy-ca.key"
  fi
  gen_cert "$pki" front-proxy-client front-proxy-client "" "" front-proxy-ca
  gen_cert "$pki" apiserver kube-apiserver "" \
    "DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:10.96.0.1"
  gen_cert "$pki" apiserver-kubelet-client kube-apiserver-kubelet-client system:masters
  gen_cert "$pki" admin kubernetes-admin system:masters
  gen_cert "$pki" controller-manager system:kube-controller-manager ""
  gen_cert "$pki" scheduler system:kube-scheduler ""
  gen_cert "$pki" kwok kwok-controller system:masters "DNS:localhost,IP:127.0.0.1"
  gen_cert "$pki" sim-agent ai-portal-sim-agent system:masters
  # kubeconfigs follow the port settings of this start
  write_kubeconfig "$st/kubeconfig" "$pki" admin kubernetes-admin
  write_kubeconfig "$st/run/controller-manager.kubeconfig" "$pki" controller-manager system:kube-controller-manager
  write_kubeconfig "$st/run/scheduler.kubeconfig" "$pki" scheduler system:kube-scheduler
  write_kubeconfig "$st/run/kwok.kubeconfig" "$pki" kwok kwok-controller
  write_kubeconfig "$st/run/sim-agent.kubeconfig" "$pki" sim-agent ai-portal-sim-agent
}

# ---------- processes ----------

pid_of() { # component -> pid if alive and ours
  local st="$1" c="$2" f="$1/run/$2.pid" pid
  [[ -f "$f" ]] || return 1
  pid="$(cat "$f")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$st/" || return 1
  echo "$pid"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ports a component listens on; a port taken by another process (another cluster) fails the start
component_ports() {
  case "$1" in
    etcd) echo "$ETCD_PORT $ETCD_PEER_PORT" ;;
    kube-apiserver) echo "$API_PORT" ;;
    kube-controller-manager) echo "$KCM_PORT" ;;
    kube-scheduler) echo "$SCHED_PORT" ;;
    kwok) echo "$KWOK_PORT" ;;
    sim-agent) echo "$AGENT_PORT" ;;
  esac
}

launch() { # state component binary args...
  local st="$1" c="$2" p; shift 2
  if pid_of "$st" "$c" >/dev/null; then
    log "$c already running (pid $(pid_of "$st" "$c"))"
    return 0
  fi
  for p in $(component_ports "$c"); do
    port_in_use "$p" && die "port $p (for $c) is taken by another process; set the CLUSTER_*_PORT settings (see README)"
  done
  # fds 8/9 hold cluster.sh's locks: the daemons must not inherit them
  setsid "$@" >>"$st/logs/$c.log" 2>&1 < /dev/null 8>&- 9>&- &
  echo $! > "$st/run/$c.pid"
}

wait_for() { # description timeout-seconds command...
  local what="$1" timeout="$2"; shift 2
  local deadline=$(( $(date +%s) + timeout ))
  until "$@" >/dev/null 2>&1; do
    if (( $(date +%s) > deadline )); then die "timed out after ${timeout}s waiting for $what (logs: $CLUSTER_STATE/logs)"; fi
    sleep 0.2
  done
}

https_ok() { # url; authenticated as admin
  local pki="$CLUSTER_STATE/pki"
  curl -fsS --max-time 2 --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" "$1"
}
loopback_ok() { # url of a component serving a self-signed loopback certificate (controller manager, scheduler)
  curl -fksS --max-time 2 "$1"
}

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
  ensure_pki "$st"
  local pki="$st/pki"
  printf 'CLUSTER_API_PORT=%s\nCLUSTER_ETCD_PORT=%s\nCLUSTER_AGENT_PORT=%s\nCLUSTER_KWOK_PORT=%s\nCLUSTER_KCM_PORT=%s\nCLUSTER_SCHEDULER_PORT=%s\n' \
    "$API_PORT" "$ETCD_PORT" "$AGENT_PORT" "$KWOK_PORT" "$KCM_PORT" "$SCHED_PORT" > "$st/run/cluster.env"
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
    --cert-dir="$st/run/apiserver-certs"
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
  launch "$st" kwok "$bin/kwok" --kubeconfig="$st/run/kwok.kubeconfig" --config="$HERE/config/kwok-stages.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --node-ip=127.0.0.1 --node-port="$KWOK_PORT" --server-address="127.0.0.1:$KWOK_PORT" \
    --tls-cert-file="$pki/kwok.crt" --tls-private-key-file="$pki/kwok.key" \
    --node-lease-duration-seconds=40 --cidr=10.244.0.0/16 --enable-crds=Logs --v=WARN
  launch "$st" sim-agent "$bin/sim-agent" run --kubeconfig "$st/run/sim-agent.kubeconfig" --state "$st" \
    --listen "127.0.0.1:$AGENT_PORT"

  local want; want="$("$bin/sim-agent" nodes --nodes "$NODES_FILE" "${scale_arg[@]}" | cut -d' ' -f1)"
  wait_for "$want Ready nodes" "$READY_TIMEOUT" nodes_ready "$bin" "$st" "$want"
  wait_for "kube-controller-manager /healthz" 60 loopback_ok "https://127.0.0.1:$KCM_PORT/healthz"
  wait_for "kube-scheduler /healthz" 60 loopback_ok "https://127.0.0.1:$SCHED_PORT/healthz"
  wait_for "sim-agent /healthz" 60 curl -fsS --max-time 2 "http://127.0.0.1:$AGENT_PORT/healthz"
  wait_for "default ServiceAccount" 60 "$bin/kubectl" --kubeconfig "$st/kubeconfig" -n default get serviceaccount default
  log "cluster Ready: $want simulated nodes Ready after $(secs_since "$t0") s"
  log "KUBECONFIG=$st/kubeconfig"
  echo "ready_seconds=$(secs_since "$t0")"
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
  local user="$1"; shift
  local pki="$st/pki" dir="$st/users"
  [[ -f "$pki/ca.key" ]] || die "no cluster CA in $pki (start the cluster first)"
  mkdir -p "$dir"
  local key; key="$(printf '%s' "$user $*" | sha256sum | cut -c1-12)"
  local name="user-$key"
  local subj="" g
  for g in "$@"; do subj="$subj/O=$g"; done
  subj="$subj/CN=$user"
  if [[ ! -f "$dir/$name.crt" ]]; then
    openssl req -new -newkey rsa:2048 -nodes -keyout "$dir/$name.key" -subj "$subj" -out "$dir/$name.csr" 2>/dev/null
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' > "$dir/$name.ext"
    openssl x509 -req -in "$dir/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 365 -sha256 \
      -extfile "$dir/$name.ext" -out "$dir/$name.crt" 2>/dev/null
    rm -f "$dir/$name.csr" "$dir/$name.ext"
  fi
  cp "$pki/ca.crt" "$dir/ca.crt"
  write_kubeconfig "$dir/$name.kubeconfig" "$dir" "$name" "$user"
  echo "$dir/$name.kubeconfig"
}

case "${1:-}" in
  build) cmd_build ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  user-kubeconfig) shift; cmd_user_kubeconfig "$@" ;;
  bin) bin_dir ;;
  hash) build_hash ;;
  *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
