#!/usr/bin/env bash
# AI Portal local cluster: a real Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler) built from Go modules, with nodes simulated by KWOK and the sim-agent, and Kueue admitting
# workloads. Certificates, kubeconfigs and Kueue's install are done by the agent's Go commands. See README.md.
#
#   cluster.sh build                  build the binaries once into the cache (skipped when present)
#   cluster.sh start                  start (idempotent), wait until the API server and nodes are Ready
#   cluster.sh stop                   stop what start started
#   cluster.sh status                 one line per component
#   cluster.sh user-kubeconfig NAME [GROUP...]   mint a client certificate, print the kubeconfig path
#   cluster.sh bin                    print the folder holding the binaries (after build)
#   cluster.sh kueue-dir              print Kueue's cache folder (bin/kueue, config/)
#   cluster.sh runtime-env            create the pods' user and virtualenv when missing; print the virtualenv
#   cluster.sh monitoring-crds        print the folder of the Prometheus Operator's CRDs (from its Go module, for tests
#                                     of the chart's ServiceMonitor, PodMonitor and PrometheusRule)
#   cluster.sh go-test                the Go unit tests of the agent (cached by Go when nothing changed)
#   cluster.sh helm                   build Helm once into the cache when missing (only the chart tests need it);
#                                     print the path of the helm binary
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
KUEUE_WEBHOOK_PORT="${CLUSTER_KUEUE_WEBHOOK_PORT:-9443}"
KUEUE_VISIBILITY_PORT="${CLUSTER_KUEUE_VISIBILITY_PORT:-9444}"
KUEUE_METRICS_PORT="${CLUSTER_KUEUE_METRICS_PORT:-9445}"
KUEUE_HEALTH_PORT="${CLUSTER_KUEUE_HEALTH_PORT:-9446}"
NODES_FILE="${CLUSTER_NODES:-$HERE/nodes.yaml}"
REPO_ROOT="$(cd "$HERE/../.." && pwd)"
RUNTIME_CONFIG="${CLUSTER_RUNTIME_CONFIG:-$HERE/config/process-runtime.yaml}"
RUNTIME_REQUIREMENTS="$HERE/config/runtime-requirements.txt"
RUNTIME_USER="${CLUSTER_RUNTIME_USER:-ai-portal-pods}" # pods' processes run as this user when cluster.sh runs as root
SCALE="${CLUSTER_SCALE:-0}"
READY_TIMEOUT="${CLUSTER_READY_TIMEOUT:-180}"
K8S_VERSION="v1.36.3" # keep in step with go.mod
KUEUE_VERSION="v0.17.0" # keep in step with kueue/go.mod
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok sim-agent kueue)

log() { printf '[local-cluster] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now_ms() { date +%s%3N; }
secs_since() { local d=$(( $(now_ms) - $1 )); printf '%d.%03d' $((d / 1000)) $((d % 1000)); }

# The cache key covers everything that changes the binaries: module pins, the agent's and etcd's sources,
# the Go version and the link flags below.
build_hash() {
  ( cd "$HERE" && { cat go.mod go.sum; find cmd internal -type f -name '*.go' ! -name '*_test.go' | LC_ALL=C sort | xargs cat; "$GO" version; echo "$K8S_VERSION ldflags-v1"; } ) \
    | sha256sum | cut -c1-16
}
bin_dir() { echo "$CACHE_ROOT/$(build_hash)/bin"; }

# Kueue is its own Go module (it needs older k8s.io and controller-runtime versions than the control plane) and
# its own cache folder: <cache>/kueue-<hash>/{bin/kueue,config/{crd,webhook,visibility}}.
# The visibility server reads its certificate from the package variable certDir ("/visibility" in Kueue's image);
# the link flag points it at "certs", relative to Kueue's working directory <state>/kueue (see README).
KUEUE_LDFLAGS="-s -w -X sigs.k8s.io/kueue/pkg/version.GitVersion=$KUEUE_VERSION -X sigs.k8s.io/kueue/pkg/visibility.certDir=certs"
kueue_hash() {
  ( cd "$HERE/kueue" && { cat go.mod go.sum; "$GO" version; echo "$KUEUE_LDFLAGS"; } ) | sha256sum | cut -c1-16
}
kueue_dir() { echo "$CACHE_ROOT/kueue-$(kueue_hash)"; }

cmd_build() {
  mkdir -p "$CACHE_ROOT"
  exec 8>"$CACHE_ROOT/.build.lock"
  flock 8 # one build at a time (./portal up and a test run may ask together); the second finds it done
  build_locked
  build_kueue_locked
  exec 8>&-
  ensure_runtime_venv
}

# keep the newest two folders matching a pattern (a running cluster may still use the one before); older ones go
prune_cache() {
  find "$CACHE_ROOT" -mindepth 1 -maxdepth 1 -type d -regextype posix-extended -regex "$CACHE_ROOT/$1" -printf '%T@ %p\n' \
    | sort -rn | tail -n +3 | cut -d' ' -f2- | while read -r old; do rm -rf "$old"; done
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
  prune_cache '[0-9a-f]{16}'
  log "build took $(secs_since "$t0") s"
  echo "build_seconds=$(secs_since "$t0")"
}

build_kueue_locked() {
  local dir; dir="$(kueue_dir)"
  if [[ -f "$dir/.complete" ]]; then
    log "kueue up to date in $dir"
    return 0
  fi
  mkdir -p "$dir/bin"
  log "building kueue $KUEUE_VERSION into $dir (a cold build takes ~11 min on 2 cores)"
  local t0; t0=$(now_ms)
  ( cd "$HERE/kueue" && nice -n "${CLUSTER_BUILD_NICE:-15}" \
      "$GO" build -mod=readonly -buildvcs=false -ldflags "$KUEUE_LDFLAGS" -o "$dir/bin/kueue" sigs.k8s.io/kueue/cmd/kueue )
  # Kueue's own install manifests, from the module the binary was built from (never committed here)
  local src; src="$(cd "$HERE/kueue" && "$GO" list -mod=readonly -m -f '{{.Dir}}' sigs.k8s.io/kueue)"
  rm -rf "$dir/config"
  mkdir -p "$dir/config"
  cp -r --no-preserve=mode "$src/config/components/crd" "$src/config/components/webhook" \
    "$src/config/components/visibility" "$dir/config/"
  secs_since "$t0" > "$dir/build-seconds"
  touch "$dir/.complete"
  prune_cache 'kueue-[0-9a-f]{16}'
  log "kueue build took $(secs_since "$t0") s"
  echo "kueue_build_seconds=$(secs_since "$t0")"
}

# Helm is its own Go module too (helm/: its k8s.io versions are not the control plane's) and is built only when
# something asks for it (the chart tests in infra/helm), never by `build`: <cache>/helm-<hash>/bin/helm.
HELM_VERSION="v3.22.0" # keep in step with helm/go.mod
# as Helm's Makefile links it: without the Kubernetes version of its client-go (v0.37 -> 1.37), `helm template` and
# `helm lint` would assume Kubernetes 1.20 and refuse charts that need newer
HELM_K8S_MINOR="37" # keep in step with k8s.io/client-go in helm/go.mod
HELM_LDFLAGS="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
for pkg in pkg/lint/rules pkg/chartutil; do
  HELM_LDFLAGS+=" -X helm.sh/helm/v3/$pkg.k8sVersionMajor=1 -X helm.sh/helm/v3/$pkg.k8sVersionMinor=$HELM_K8S_MINOR"
done
helm_hash() {
  ( cd "$HERE/helm" && { cat go.mod go.sum; "$GO" version; echo "$HELM_LDFLAGS"; } ) | sha256sum | cut -c1-16
}
helm_dir() { echo "$CACHE_ROOT/helm-$(helm_hash)"; }

cmd_helm() {
  local dir; dir="$(helm_dir)"
  if [[ ! -f "$dir/.complete" ]]; then
    mkdir -p "$CACHE_ROOT"
    # its own lock: a helm build must not hold up a cluster start waiting on the control plane's build lock
    exec 8>"$CACHE_ROOT/.helm-build.lock"
    flock 8
    if [[ ! -f "$dir/.complete" ]]; then
      command -v "$GO" >/dev/null 2>&1 || [[ -x "$GO" ]] || die "Go not found (set GO=/path/to/go)"
      mkdir -p "$dir/bin"
      log "building helm $HELM_VERSION into $dir (a cold build takes a few minutes on 2 cores)"
      local t0; t0=$(now_ms)
      ( cd "$HERE/helm" && nice -n "${CLUSTER_BUILD_NICE:-15}" \
          "$GO" build -mod=readonly -buildvcs=false -ldflags "$HELM_LDFLAGS" -o "$dir/bin/helm" helm.sh/helm/v3/cmd/helm ) \
        || die "building helm failed"
      secs_since "$t0" > "$dir/build-seconds"
      touch "$dir/.complete"
      prune_cache 'helm-[0-9a-f]{16}'
      log "helm build took $(secs_since "$t0") s"
    fi
    exec 8>&-
  fi
  echo "$dir/bin/helm"
}

# The Prometheus Operator's CRDs (monitoring.coreos.com/v1) come with its Go module; the chart tests install them
# so the API server checks the chart's ServiceMonitor, PodMonitor and PrometheusRule against their real schemas.
PROMETHEUS_OPERATOR_VERSION="v0.85.0"
cmd_monitoring_crds() {
  local dir
  dir="$(cd "$HERE/helm" && GOFLAGS=-mod=mod "$GO" mod download -json "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -n "$dir" && -d "$dir/example/prometheus-operator-crd" ]] || die "prometheus-operator $PROMETHEUS_OPERATOR_VERSION not found in the Go module cache"
  echo "$dir/example/prometheus-operator-crd"
}

# ---------- the process runtime's user and virtualenv ----------

# The unprivileged user pod processes run as: a dedicated system user when this script runs as root (created
# here, idempotently), else the user running it.
runtime_user() { if [[ "$(id -u)" == 0 ]]; then echo "$RUNTIME_USER"; else id -un; fi; }

ensure_runtime_user() {
  [[ "$(id -u)" == 0 ]] || return 0
  id -u "$RUNTIME_USER" >/dev/null 2>&1 && return 0
  log "creating system user $RUNTIME_USER for pod processes"
  useradd --system --user-group --home-dir "/var/lib/$RUNTIME_USER" --create-home --shell /usr/sbin/nologin "$RUNTIME_USER" \
    || id -u "$RUNTIME_USER" >/dev/null 2>&1 || die "cannot create user $RUNTIME_USER"
}

runtime_home() { getent passwd "$(runtime_user)" | cut -d: -f6; }

as_runtime_user() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u "$RUNTIME_USER" -- env HOME="$(runtime_home)" "$@"; else "$@"; fi
}

# The interpreter the virtualenv is made from: the system's, which the pods' user can always run (a pyenv or
# similar under another user's home is not reachable for it).
runtime_python() {
  local p
  for p in /usr/bin/python3 "$(command -v python3 2>/dev/null)"; do
    [[ -n "$p" && -x "$p" ]] && { echo "$p"; return; }
  done
  die "python3 not found (install python3 and python3-venv)"
}

# <pods' user home>/.cache/ai-portal/venvs/pods-<hash of the requirements and the interpreter's version>
runtime_venv() {
  local py key; py="$(runtime_python)"
  key="$( { cat "$RUNTIME_REQUIREMENTS"; "$py" --version 2>&1; } | sha256sum | cut -c1-12)"
  echo "$(runtime_home)/.cache/ai-portal/venvs/pods-$key"
}

ensure_runtime_venv() {
  ensure_runtime_user
  local venv; venv="$(runtime_venv)"
  [[ -f "$venv/.complete" ]] && return 0
  local py; py="$(runtime_python)"
  as_runtime_user mkdir -p "$(dirname "$venv")"
  exec 7>"$(dirname "$venv")/.lock.$(id -u)"
  flock 7
  if [[ ! -f "$venv/.complete" ]]; then
    log "creating the pods' virtualenv $venv (JupyterLab, NumPy, scikit-learn from PyPI; a few minutes once)"
    local t0; t0=$(now_ms)
    as_runtime_user rm -rf "$venv"
    as_runtime_user "$py" -m venv "$venv" || die "python3 -m venv failed (install python3-venv)"
    # the requirements travel on stdin: the pods' user may not be able to read this clone
    as_runtime_user "$venv/bin/pip" install --quiet --disable-pip-version-check -r /dev/stdin < "$RUNTIME_REQUIREMENTS" \
      || die "installing $RUNTIME_REQUIREMENTS into $venv failed"
    as_runtime_user touch "$venv/.complete"
    log "virtualenv ready in $(secs_since "$t0") s"
  fi
  exec 7>&-
}

# Images with a virtualenv of their own (config/process-runtime.yaml, `virtualenvs:` image -> requirements file of
# this folder): "image requirements" per line.
image_venv_specs() {
  awk '/^virtualenvs:/ { on = 1; next } /^[^ #]/ { on = 0 } on && /^  [^ #]/ {
         line = substr($0, 3); i = index(line, ": "); if (i) print substr(line, 1, i - 1), substr(line, i + 2) }' \
    "$RUNTIME_CONFIG"
}

# <pods' user home>/.cache/ai-portal/venvs/<name>-<hash of the requirements and the interpreter's version>
image_venv() {
  local requirements="$1" py key name
  py="$(runtime_python)"
  name="$(basename "$requirements" .txt)"; name="${name%-requirements}"
  key="$( { cat "$requirements"; "$py" --version 2>&1; } | sha256sum | cut -c1-12)"
  echo "$(runtime_home)/.cache/ai-portal/venvs/$name-$key"
}

# Makes each image's virtualenv once (MLflow: ~850 MB, a few minutes from PyPI) and prints the agent's
# --image-venvs value (image=venv,...).
ensure_image_venvs() {
  local image requirements venv pairs=() py; py="$(runtime_python)"
  while read -r image requirements; do
    [[ -n "$image" ]] || continue
    [[ "$requirements" = /* ]] || requirements="$HERE/$requirements"
    venv="$(image_venv "$requirements")"
    if [[ ! -f "$venv/.complete" ]]; then
      as_runtime_user mkdir -p "$(dirname "$venv")"
      exec 8>"$(dirname "$venv")/.lock.$(basename "$venv").$(id -u)"
      flock 8
      if [[ ! -f "$venv/.complete" ]]; then
        log "creating the virtualenv of $image: $venv (from PyPI; a few minutes once)" >&2
        local t0; t0=$(now_ms)
        as_runtime_user rm -rf "$venv"
        as_runtime_user "$py" -m venv "$venv" >&2 || die "python3 -m venv failed (install python3-venv)"
        as_runtime_user "$venv/bin/pip" install --quiet --disable-pip-version-check -r /dev/stdin < "$requirements" >&2 \
          || die "installing $requirements into $venv failed"
        as_runtime_user touch "$venv/.complete"
        log "virtualenv of $image ready in $(secs_since "$t0") s" >&2
      fi
      exec 8>&-
    fi
    pairs+=("$image=$venv")
  done < <(image_venv_specs)
  (IFS=,; echo "${pairs[*]}")
}

# Where pod processes keep homes, volumes and image files: inside the state folder when this script runs as
# the pods' user, else (root) under that user's home, since the clone may sit where other users cannot enter.
runtime_root() {
  local st="$1"
  if [[ "$(id -u)" == 0 ]]; then
    echo "$(runtime_home)/clusters/$(printf '%s' "$st" | sha256sum | cut -c1-16)"
  else
    echo "$st/runtime"
  fi
}

state_dir() {
  [[ -n "${CLUSTER_STATE:-}" ]] || die "CLUSTER_STATE (state folder) is required"
  mkdir -p "$CLUSTER_STATE"
  (cd "$CLUSTER_STATE" && pwd)
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
    kueue) echo "$KUEUE_WEBHOOK_PORT $KUEUE_VISIBILITY_PORT $KUEUE_METRICS_PORT $KUEUE_HEALTH_PORT" ;;
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
  # CA, certificates and kubeconfigs: created once, kubeconfigs rewritten for this start's API port
  "$bin/sim-agent" pki --state "$st" --server "https://127.0.0.1:$API_PORT" || die "creating certificates in $st/pki failed"
  local pki="$st/pki"
  printf 'CLUSTER_API_PORT=%s\nCLUSTER_ETCD_PORT=%s\nCLUSTER_AGENT_PORT=%s\nCLUSTER_KWOK_PORT=%s\nCLUSTER_KCM_PORT=%s\nCLUSTER_SCHEDULER_PORT=%s\nCLUSTER_KUEUE_WEBHOOK_PORT=%s\nCLUSTER_KUEUE_VISIBILITY_PORT=%s\nCLUSTER_KUEUE_METRICS_PORT=%s\nCLUSTER_KUEUE_HEALTH_PORT=%s\n' \
    "$API_PORT" "$ETCD_PORT" "$AGENT_PORT" "$KWOK_PORT" "$KCM_PORT" "$SCHED_PORT" \
    "$KUEUE_WEBHOOK_PORT" "$KUEUE_VISIBILITY_PORT" "$KUEUE_METRICS_PORT" "$KUEUE_HEALTH_PORT" > "$st/run/cluster.env"
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

case "${1:-}" in
  build) cmd_build ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  user-kubeconfig) shift; cmd_user_kubeconfig "$@" ;;
  bin) bin_dir ;;
  kueue-dir) kueue_dir ;;
  runtime-env) ensure_runtime_venv; runtime_venv ;;
  helm) cmd_helm ;;
  monitoring-crds) cmd_monitoring_crds ;;
  go-test) cd "$HERE" && nice -n "${CLUSTER_BUILD_NICE:-15}" "$GO" test -mod=readonly ./... ;;
  hash) build_hash ;;
  *) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
