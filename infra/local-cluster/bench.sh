#!/usr/bin/env bash
# Benchmarks of the local cluster (issue 3). Prints figures; docs/benchmarks.md records them.
#
#   bench.sh [all|start|pods|packing|scale|notebook|gpufit]       (default: all)
#
# Uses its own state folder and ports (BENCH_STATE, default /tmp/ai-portal-bench; API 26443), so it never touches
# the cluster of ./portal up or of the tests (ports from BENCH_API_PORT, default 36443). The state folder is wiped first.
#   start    time from `cluster.sh start` to Ready: first start (certs, empty etcd) and restart (kept data)
#   pods     time for BENCH_PODS (200) 1-GPU pods of one Job to reach Running (cluster scaled to hold them)
#   packing  whole 8-GPU nodes left free by a 1/2/4-GPU pod sequence: shipped profile vs upstream default
#   scale    register BENCH_NODES (1000) 8-GPU nodes and check the API server still answers
#   gpufit   one seeded trace of GPU jobs (BENCH_GPUFIT_ARGS, default 1000 jobs on 64 8-GPU nodes per profile) replayed
#            for upstream-default, default-scheduler (MostAllocated) and gpu-fit: whole free nodes, stranded GPUs,
#            8-GPU wait, pods across NVLink domains, pods/s (bench/gpufit)
#   notebook a notebook StatefulSet of a runnable image (real JupyterLab): create -> Running -> Ready, its memory,
#            delete -> gone (BENCH_NOTEBOOKS, default 3, one after the other)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export CLUSTER_STATE="${BENCH_STATE:-/tmp/ai-portal-bench}"
export CLUSTER_API_PORT="${BENCH_API_PORT:-36443}" CLUSTER_ETCD_PORT=$(( ${BENCH_API_PORT:-36443} - 4064 )) \
  CLUSTER_AGENT_PORT=$(( ${BENCH_API_PORT:-36443} + 2957 )) CLUSTER_KWOK_PORT=$(( ${BENCH_API_PORT:-36443} + 3804 )) \
  CLUSTER_KCM_PORT=$(( ${BENCH_API_PORT:-36443} + 3814 )) CLUSTER_SCHEDULER_PORT=$(( ${BENCH_API_PORT:-36443} + 3816 )) \
  CLUSTER_KUEUE_WEBHOOK_PORT=$(( ${BENCH_API_PORT:-36443} + 3000 )) CLUSTER_KUEUE_VISIBILITY_PORT=$(( ${BENCH_API_PORT:-36443} + 3001 )) \
  CLUSTER_KUEUE_METRICS_PORT=$(( ${BENCH_API_PORT:-36443} + 3002 )) CLUSTER_KUEUE_HEALTH_PORT=$(( ${BENCH_API_PORT:-36443} + 3003 ))
PODS="${BENCH_PODS:-200}"
SCALE_NODES="${BENCH_NODES:-1000}"
CS="$HERE/cluster.sh"
BIN="$("$CS" bin)"
K() { "$BIN/kubectl" --kubeconfig "$CLUSTER_STATE/kubeconfig" "$@"; }
now_ms() { date +%s%3N; }
secs() { local d=$(( $(now_ms) - $1 )); printf '%d.%03d' $((d / 1000)) $((d % 1000)); }
say() { printf 'BENCH %s\n' "$*"; }

fresh() { "$CS" stop >/dev/null 2>&1 || true; rm -rf "$CLUSTER_STATE"; }
start() { "$CS" start 2>/dev/null | sed -n 's/^ready_seconds=//p'; }

bench_start() {
  fresh
  say "start.first_seconds=$(start)"
  "$CS" stop >/dev/null 2>&1
  say "start.restart_seconds=$(start)"
}

bench_pods() {
  # the default topology holds 52 GPUs; scale it so that $PODS one-GPU pods fit
  local scale=$(( (PODS + 51) / 52 ))
  fresh
  CLUSTER_SCALE=$scale start >/dev/null
  say "pods.cluster_nodes=$(K get nodes --no-headers | wc -l) pods.cluster_gpus=$(( scale * 52 ))"
  K create namespace bench >/dev/null
  local t0; t0=$(now_ms)
  K -n bench apply -f - >/dev/null <<EOF
apiVersion: batch/v1
kind: Job
metadata: {name: gpu-burst}
spec:
  parallelism: $PODS
  completions: $PODS
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 0
      tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
      containers:
      - name: trainer
        image: registry.example/trainer:1
        resources:
          requests: {cpu: "1", memory: 4Gi, nvidia.com/gpu: 1}
          limits: {memory: 4Gi, nvidia.com/gpu: 1}
EOF
  local running=0 deadline=$(( $(date +%s) + 600 ))
  while (( running < PODS )); do
    (( $(date +%s) > deadline )) && { say "pods.timeout running=$running"; return 1; }
    sleep 0.5
    running=$(K -n bench get pods --field-selector=status.phase=Running --no-headers 2>/dev/null | wc -l)
  done
  say "pods.${PODS}_gpu_pods_running_seconds=$(secs "$t0")"
  say "pods.dcgm_series_with_pod_label=$(curl -s "http://127.0.0.1:$CLUSTER_AGENT_PORT/metrics" | grep -c '^DCGM_FI_DEV_GPU_UTIL{.*pod="gpu-burst')"
  say "pods.log_files=$(ls "$CLUSTER_STATE/var/log/containers" | grep -c '^gpu-burst')"
}

pool_nodes() { # pool count
  local i
  for (( i=0; i<$2; i++ )); do cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: $1-$i
  labels: {kubernetes.io/hostname: $1-$i, type: kwok, sim.portal.ai/test-pool: $1, nvidia.com/gpu.present: "true", nvidia.com/gpu.product: NVIDIA-H100-80GB-HBM3, nvidia.com/gpu.count: "8", nvidia.com/gpu.memory: "81559"}
  annotations: {kwok.x-k8s.io/node: fake, sim.portal.ai/gpu-model-name: NVIDIA H100 80GB HBM3}
spec:
  taints:
  - {key: nvidia.com/gpu, value: present, effect: NoSchedule}
  - {key: sim.portal.ai/test-pool, value: $1, effect: NoSchedule}
status:
  capacity: {cpu: "192", memory: 2Ti, pods: "110", nvidia.com/gpu: "8"}
  allocatable: {cpu: "192", memory: 2Ti, pods: "110", nvidia.com/gpu: "8"}
EOF
  done
}

# sequence pool scheduler nodes sizes... -> whole nodes free
packing_run() {
  local pool="$1" sched="$2" nodes="$3"; shift 3
  pool_nodes "$pool" "$nodes" | K create -f - >/dev/null
  K wait --for=condition=Ready "nodes" -l "sim.portal.ai/test-pool=$pool" --timeout=120s >/dev/null
  local i=0 g
  for g in "$@"; do
    K -n bench-packing create -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata: {name: $pool-$i}
spec:
  schedulerName: $sched
  nodeSelector: {sim.portal.ai/test-pool: $pool}
  tolerations:
  - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}
  - {key: sim.portal.ai/test-pool, operator: Equal, value: $pool, effect: NoSchedule}
  containers:
  - name: main
    image: registry.example/trainer:1
    resources:
      requests: {cpu: "$((4 * g))", memory: "$((16 * g))Gi", nvidia.com/gpu: $g}
      limits: {memory: "$((16 * g))Gi", nvidia.com/gpu: $g}
EOF
    K -n bench-packing wait --for=condition=PodScheduled "pod/$pool-$i" --timeout=120s >/dev/null
    i=$((i + 1))
  done
  local used
  used=$(K -n bench-packing get pods -o jsonpath='{range .items[*]}{.spec.nodeName}{"\n"}{end}' | grep "^$pool-" | sort -u | wc -l)
  echo $(( nodes - used ))
}

bench_packing() {
  [[ -f "$CLUSTER_STATE/kubeconfig" ]] && "$CS" status | grep -q "kube-apiserver.*healthy" || { fresh; start >/dev/null; }
  K create namespace bench-packing >/dev/null 2>&1 || true
  local seq=(4 2 1 1 2 4 1 1 2 2) # test 7's sequence: 20 GPUs on 4 x 8
  local a b
  a=$(packing_run "pk-a" default-scheduler 4 "${seq[@]}")
  b=$(packing_run "pk-b" upstream-default 4 "${seq[@]}")
  say "packing.test7_sequence whole_8gpu_nodes_free shipped=$a upstream_default=$b (of 4)"
  # a longer, fixed pseudo-random sequence: 64 pods of 1/2/4 GPUs on 32 x 8 GPUs
  local long=() x=7 total=0 j
  for (( j=0; j<64; j++ )); do x=$(( (x * 1103515245 + 12345) % 2147483648 )); g=$(( 1 << ((x >> 16) % 3) )); long+=("$g"); total=$((total + g)); done
  a=$(packing_run "pl-a" default-scheduler 32 "${long[@]}")
  b=$(packing_run "pl-b" upstream-default 32 "${long[@]}")
  say "packing.long_sequence pods=64 gpus=$total whole_8gpu_nodes_free shipped=$a upstream_default=$b (of 32)"
  K delete namespace bench-packing --wait=false >/dev/null
  K delete nodes -l sim.portal.ai/test-pool >/dev/null
}

bench_scale() {
  fresh
  local topo="$CLUSTER_STATE.nodes.yaml"
  cat > "$topo" <<EOF
scale: 1
pools:
- name: h100
  count: $SCALE_NODES
  cpu: "192"
  memory: 2Ti
  gpu: {product: NVIDIA-H100-80GB-HBM3, modelName: NVIDIA H100 80GB HBM3, count: 8, memoryMiB: 81559, family: hopper, powerWatts: 700}
EOF
  local t0; t0=$(now_ms)
  CLUSTER_NODES="$topo" CLUSTER_READY_TIMEOUT=1200 start >/dev/null
  say "scale.nodes_ready=$(K get nodes --no-headers | awk '$2=="Ready"' | wc -l) scale.gpus=$(( SCALE_NODES * 8 )) scale.start_to_ready_seconds=$(secs "$t0")"
  local t1; t1=$(now_ms); K get --raw /readyz >/dev/null; say "scale.readyz_ms=$(( $(now_ms) - t1 ))"
  t1=$(now_ms); K get nodes -o name | wc -l >/dev/null; say "scale.list_all_nodes_ms=$(( $(now_ms) - t1 ))"
  t1=$(now_ms); curl -s "http://127.0.0.1:$CLUSTER_AGENT_PORT/metrics" | grep -c '^DCGM_FI_DEV_GPU_UTIL{' | sed 's/^/BENCH scale.dcgm_gpu_series=/'; say "scale.metrics_scrape_ms=$(( $(now_ms) - t1 ))"
  sleep 60 # a minute of lease renewals at this size, then ask again
  t1=$(now_ms); K get --raw /readyz >/dev/null; say "scale.readyz_after_60s_ms=$(( $(now_ms) - t1 ))"
  say "scale.not_ready_after_60s=$(K get nodes --no-headers | awk '$2!="Ready"' | wc -l)"
  local c
  for c in etcd kube-apiserver kube-controller-manager kube-scheduler kwok sim-agent; do
    say "scale.rss_mib.$c=$(( $(awk '/VmRSS/{print $2}' "/proc/$(cat "$CLUSTER_STATE/run/$c.pid")/status") / 1024 ))"
  done
}

say "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
say "build.last_build_seconds=$(cat "$(dirname "$BIN")/build-seconds" 2>/dev/null || echo unknown) (the build that filled $(dirname "$BIN"); cold only if ~/.cache/go-build was empty)"
# ms since epoch of a pod condition's lastTransitionTime, or empty
cond_ms() { K -n nbbench get pod nb-0 -o jsonpath="{.status.conditions[?(@.type==\"$1\")].lastTransitionTime}" 2>/dev/null \
  | xargs -r -I{} date -d {} +%s%3N; }

bench_notebook() {
  local n="${BENCH_NOTEBOOKS:-3}" i t0 running ready ip rss gone
  fresh
  start >/dev/null
  K create namespace nbbench >/dev/null
  K -n nbbench create secret generic nb-token --from-literal=token=bench >/dev/null
  for i in $(seq 1 "$n"); do
    t0=$(now_ms)
    K -n nbbench apply -f - >/dev/null <<EOF
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: nb}
spec:
  replicas: 1
  serviceName: nb
  selector: {matchLabels: {app: nb}}
  template:
    metadata: {labels: {app: nb}}
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: notebook
        image: quay.io/jupyter/scipy-notebook:2025-11-10
        args: [start-notebook.py, --ServerApp.base_url=/notebooks/nbbench/nb/, "--IdentityProvider.token=\$(JUPYTER_TOKEN)", --ServerApp.port=8888]
        env: [{name: JUPYTER_TOKEN, valueFrom: {secretKeyRef: {name: nb-token, key: token}}}]
        readinessProbe: {httpGet: {path: /notebooks/nbbench/nb/api, port: 8888}, periodSeconds: 1}
EOF
    K -n nbbench wait --for=condition=Ready pod/nb-0 --timeout=300s >/dev/null
    running=$(K -n nbbench get pod nb-0 -o jsonpath='{.status.containerStatuses[0].state.running.startedAt}' | xargs -I{} date -d {} +%s%3N)
    ready=$(cond_ms Ready)
    ip=$(K -n nbbench get pod nb-0 -o jsonpath='{.status.podIP}')
    # resident memory of the notebook's processes (the server; no kernel started)
    rss=$(ps -o rss= -p "$(pgrep -d, -f -- "--ServerApp.ip=$ip ")" | awk '{ s += $1 } END { printf "%.0f", s / 1024 }')
    say "notebook.run$i create_to_running_seconds=$(awk -v a="$running" -v b="$t0" 'BEGIN{printf "%.1f",(a-b)/1000}') create_to_ready_seconds=$(awk -v a="$ready" -v b="$t0" 'BEGIN{printf "%.1f",(a-b)/1000}') server_rss_mib=$rss"
    t0=$(now_ms)
    K -n nbbench delete statefulset nb --wait=false >/dev/null
    K -n nbbench wait --for=delete pod/nb-0 --timeout=120s >/dev/null 2>&1 || true
    gone=$(secs "$t0")
    say "notebook.run$i delete_to_gone_seconds=$gone processes_left=$(pgrep -fc -- "--ServerApp.ip=$ip " || true)"
  done
}

bench_gpufit() {
  [[ -f "$CLUSTER_STATE/kubeconfig" ]] && "$CS" status | grep -q "kube-scheduler.*healthy" || { fresh; start >/dev/null; }
  local go="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
  ( cd "$HERE" && nice -n "${CLUSTER_BUILD_NICE:-15}" "$go" build -mod=readonly -o "$CLUSTER_STATE/gpufit-bench" ./bench/gpufit )
  say "gpufit.load_before $(uptime | sed 's/.*load average/load average/')"
  # shellcheck disable=SC2086 # BENCH_GPUFIT_ARGS is a list of flags
  "$CLUSTER_STATE/gpufit-bench" --kubeconfig "$CLUSTER_STATE/kubeconfig" \
    --agent-metrics "http://127.0.0.1:$CLUSTER_AGENT_PORT/metrics" \
    --scheduler-metrics "https://127.0.0.1:$CLUSTER_SCHEDULER_PORT/metrics" ${BENCH_GPUFIT_ARGS:-}
  say "gpufit.load_after $(uptime | sed 's/.*load average/load average/')"
}

case "${1:-all}" in
  start) bench_start ;;
  pods) bench_pods ;;
  packing) bench_packing ;;
  scale) bench_scale ;;
  notebook) bench_notebook ;;
  gpufit) bench_gpufit ;;
  all) bench_start; bench_pods; bench_packing; bench_scale ;;
  *) echo "usage: bench.sh [all|start|pods|packing|scale|notebook|gpufit]" >&2; exit 2 ;;
esac
"$CS" stop >/dev/null 2>&1 || true
