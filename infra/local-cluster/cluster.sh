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
ADAPTER_PORT="${CLUSTER_ADAPTER_PORT:-9447}"
ADAPTER_CONFIG="${CLUSTER_ADAPTER_CONFIG:-$HERE/../monitoring/prometheus-adapter/config.yaml}"
VPA_PORT="${CLUSTER_VPA_PORT:-9448}"
NODES_FILE="${CLUSTER_NODES:-$HERE/nodes.yaml}"
REPO_ROOT="$(cd "$HERE/../.." && pwd)"
RUNTIME_CONFIG="${CLUSTER_RUNTIME_CONFIG:-$HERE/config/process-runtime.yaml}"
RUNTIME_REQUIREMENTS="$HERE/config/runtime-requirements.txt"
RUNTIME_USER="${CLUSTER_RUNTIME_USER:-ai-portal-pods}" # pods' processes run as this user when cluster.sh runs as root
SCALE="${CLUSTER_SCALE:-0}"
READY_TIMEOUT="${CLUSTER_READY_TIMEOUT:-180}"
K8S_VERSION="v1.36.3" # keep in step with go.mod
KUEUE_VERSION="v0.17.0" # keep in step with kueue/go.mod
ADAPTER_VERSION="v0.12.0" # keep in step with adapter/go.mod
VPA_VERSION="v1.5.1" # keep in step with vpa/go.mod
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok sim-agent kueue prometheus-adapter vpa-recommender)

log() { printf '[local-cluster] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now_ms() { date +%s%3N; }
secs_since() { local d=$(( $(now_ms) - $1 )); printf '%d.%03d' $((d / 1000)) $((d % 1000)); }

# the parts: functions, and the build settings they use; nothing runs until the dispatcher below calls it
for part in build runtime processes control-plane; do
  # shellcheck source=/dev/null
  source "$HERE/lib/$part.sh"
done

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
