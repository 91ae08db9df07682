# shellcheck shell=bash
# Sourced by cluster.sh: building the cached binaries (control plane, agent, Kueue, Helm) and finding tool files.

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

# The prometheus-adapter serves the metrics APIs the HPA controller reads (metrics.k8s.io, custom.metrics.k8s.io,
# external.metrics.k8s.io) from Prometheus; its own module too (k8s.io v0.30): <cache>/adapter-<hash>/bin/adapter.
# The VPA recommender (the Vertical Pod Autoscaler's, recommendation mode only: no updater, no admission webhook)
# reads metrics.k8s.io and writes right-size recommendations into VerticalPodAutoscaler objects; its own module too:
# <cache>/vpa-<hash>/{bin/recommender,config/vpa-v1-crd-gen.yaml}.
TOOL_LDFLAGS="-s -w"
tool_hash() { # module folder
  ( cd "$HERE/$1" && { cat go.mod go.sum; "$GO" version; echo "$TOOL_LDFLAGS"; } ) | sha256sum | cut -c1-16
}
adapter_dir() { echo "$CACHE_ROOT/adapter-$(tool_hash adapter)"; }
vpa_dir() { echo "$CACHE_ROOT/vpa-$(tool_hash vpa)"; }

cmd_build() {
  mkdir -p "$CACHE_ROOT"
  # The virtualenvs come from PyPI (downloads, unpacking) while Go compiles (CPU): on a cold machine making them
  # beside the build instead of after it saves their minutes. Their log lines follow the build's.
  local venvs_log; venvs_log="$(mktemp)"
  ( ensure_runtime_venv && ensure_image_venvs >/dev/null ) 2>"$venvs_log" &
  local venvs=$!
  exec 8>"$CACHE_ROOT/.build.lock"
  flock 8 # one build at a time (./portal up and a test run may ask together); the second finds it done
  build_locked
  build_kueue_locked
  build_tool_locked prometheus-adapter adapter "$(adapter_dir)" sigs.k8s.io/prometheus-adapter/cmd/adapter adapter
  build_tool_locked vpa-recommender vpa "$(vpa_dir)" k8s.io/autoscaler/vertical-pod-autoscaler/pkg/recommender recommender
  if [[ ! -f "$(vpa_dir)/config/vpa-v1-crd-gen.yaml" ]]; then
    # the VerticalPodAutoscaler CRDs, from the module the recommender was built from (never committed here)
    local src; src="$(cd "$HERE/vpa" && "$GO" list -mod=readonly -m -f '{{.Dir}}' k8s.io/autoscaler/vertical-pod-autoscaler)"
    mkdir -p "$(vpa_dir)/config"
    cp --no-preserve=mode "$src/deploy/vpa-v1-crd-gen.yaml" "$(vpa_dir)/config/"
  fi
  exec 8>&-
  local venvs_ok=0; wait "$venvs" || venvs_ok=$?
  cat "$venvs_log" >&2; rm -f "$venvs_log"
  [[ "$venvs_ok" == 0 ]] || die "making the pods' virtualenvs failed (above)"
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
  log "building kube-apiserver kube-controller-manager kube-scheduler (with gpu-fit) kubectl etcd kwok sim-agent ($K8S_VERSION) into $bin"
  log "a cold build (empty Go build cache) takes a long time on 2 cores; later builds reuse ~/.cache/go-build"
  local t0; t0=$(now_ms)
  ( cd "$HERE" && nice -n "${CLUSTER_BUILD_NICE:-15}" \
      "$GO" build -mod=readonly -buildvcs=false -ldflags "$ldflags" -o "$bin/" \
        k8s.io/kubernetes/cmd/kube-apiserver \
        k8s.io/kubernetes/cmd/kube-controller-manager \
        k8s.io/kubernetes/cmd/kubectl \
        sigs.k8s.io/kwok/cmd/kwok \
        ./cmd/kube-scheduler ./cmd/etcd ./cmd/sim-agent )
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

# build_tool_locked NAME MODULE CACHE_DIR PACKAGE BINARY: a tool module's binary into CACHE_DIR/bin/BINARY, once
build_tool_locked() {
  local name="$1" module="$2" dir="$3" package="$4" binary="$5"
  if [[ -f "$dir/.complete" ]]; then
    log "$name up to date in $dir"
    return 0
  fi
  mkdir -p "$dir/bin"
  log "building $name into $dir (a cold build takes minutes of CPU)"
  local t0; t0=$(now_ms)
  ( cd "$HERE/$module" && nice -n "${CLUSTER_BUILD_NICE:-15}" \
      "$GO" build -mod=readonly -buildvcs=false -ldflags "$TOOL_LDFLAGS" -o "$dir/bin/$binary" "$package" )
  secs_since "$t0" > "$dir/build-seconds"
  touch "$dir/.complete"
  prune_cache "$(basename "${dir%-*}")-[0-9a-f]{16}"
  log "$name build took $(secs_since "$t0") s"
  echo "${module}_build_seconds=$(secs_since "$t0")"
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
