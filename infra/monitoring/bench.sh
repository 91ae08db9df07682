#!/usr/bin/env bash
# GPU monitoring benchmark (issue 10). Prints BENCH lines; docs/benchmarks.md records them.
#
#   infra/monitoring/bench.sh
#
# A cluster of its own (state BENCH_STATE, default /tmp/ai-portal-gpu-bench; API port BENCH_API_PORT, default 21643,
# chosen off every ./portal port family and below Linux's ephemeral range 32768-60999, where an outgoing connection of
# another process may hold the port one of the cluster's parts wants: seen here for Kueue's visibility port) with BENCH_GPU_NODES (200) simulated 8-GPU H100 nodes, every GPU held by a
# busy pod (25 teams' namespaces, one 8-GPU training pod per node). Then:
#   exporter   the simulated dcgm-exporter's scrape time (p50/p95 of 20 scrapes), size and series count
#   history    6 h of the same series backfilled (sim-agent dcgm-history -> promtool tsdb create-blocks-from
#              openmetrics, at the exporter's 30 s interval), and the recording rules of infra/monitoring/rules over
#              those 6 h (promtool tsdb create-blocks-from rules)
#   queries    the panel queries the metrics API sends for a 6-hour chart of 240 points (step 2m), run
#              BENCH_QUERY_RUNS (30) times each against Prometheus: p50/p95; the fleet and team charts both from the
#              recording rules and computed from the raw series (the same-run baseline)
#   api        the same 6-hour panels through the product: the GPU metrics API of logging-pipeline (its boot jar, as a
#              process) with real tokens of the stack of `./portal up` (a member of team BENCH_MEMBER_TEAM, default
#              demo, for the workload and team charts; the admin for the fleet), each call paired with the same PromQL
#              sent straight to Prometheus (ai.portal.logs.metrics.GpuMetricsBenchmark). Needs `./portal up` running
#              (Keycloak and tenant-service; PORTAL_PORT_OFFSET as for it) and the module's test classpath (built here
#              with Maven when missing); BENCH_API=0 skips it.
#   memory     Prometheus' RSS (now and peak) and head series after that, with live scraping every 30 s, and its own
#              scrape_duration_seconds / scrape_samples_scraped of the exporter
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
API=${BENCH_API_PORT:-21643}
export CLUSTER_STATE="${BENCH_STATE:-/tmp/ai-portal-gpu-bench}"
export CLUSTER_API_PORT=$API CLUSTER_ETCD_PORT=$((API - 4064)) CLUSTER_AGENT_PORT=$((API + 2957)) \
  CLUSTER_KWOK_PORT=$((API + 3804)) CLUSTER_KCM_PORT=$((API + 3814)) CLUSTER_SCHEDULER_PORT=$((API + 3816)) \
  CLUSTER_KUEUE_WEBHOOK_PORT=$((API + 3000)) CLUSTER_KUEUE_VISIBILITY_PORT=$((API + 3001)) \
  CLUSTER_KUEUE_METRICS_PORT=$((API + 3002)) CLUSTER_KUEUE_HEALTH_PORT=$((API + 3003))
PROM_PORT=${BENCH_PROMETHEUS_PORT:-$((API + 47))}
NODES=${BENCH_GPU_NODES:-200}
TEAMS=25
# namespace 0 is a team of the stack's tenant-service, so that its member reads it through the API
MEMBER_TEAM=${BENCH_MEMBER_TEAM:-demo}
ns_of() { if (( $1 == 0 )); then echo "team-$MEMBER_TEAM"; else echo "team-bench-$1"; fi; }
RUNS=${BENCH_QUERY_RUNS:-30}
SCRAPE=30s
CS="$REPO/infra/local-cluster/cluster.sh"
BIN="$("$CS" bin)"
PROM_DIR="$CLUSTER_STATE.prometheus"
K() { "$BIN/kubectl" --kubeconfig "$CLUSTER_STATE/kubeconfig" "$@"; }
now_ms() { date +%s%3N; }
secs() { local d=$(( $(now_ms) - $1 )); printf '%d.%03d' $((d / 1000)) $((d % 1000)); }
say() { printf 'BENCH %s\n' "$*"; }
# p50 and p95 of numbers on stdin
pct() { sort -n | awk '{ v[NR] = $1 } END { printf "p50=%.1f p95=%.1f", v[int(NR * 0.5 + 0.5)], v[int(NR * 0.95 + 0.5)] }'; }
prom_pid=

cleanup() {
  [[ -n "$prom_pid" ]] && kill "$prom_pid" 2>/dev/null && wait "$prom_pid" 2>/dev/null
  "$CS" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

say "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg), $(prometheus --version 2>&1 | head -1)"

# ---- the cluster: NODES x 8 GPUs, all held by busy pods ----------------------------------------------------------
"$CS" stop >/dev/null 2>&1 || true
rm -rf "$CLUSTER_STATE" "$PROM_DIR"
mkdir -p "$PROM_DIR"
topo="$PROM_DIR/nodes.yaml"
cat > "$topo" <<EOF
scale: 1
pools:
- name: h100
  count: $NODES
  cpu: "192"
  memory: 2Ti
  gpu: {product: NVIDIA-H100-80GB-HBM3, modelName: NVIDIA H100 80GB HBM3, count: 8, memoryMiB: 81559, family: hopper, powerWatts: 700}
EOF
t0=$(now_ms)
CLUSTER_NODES="$topo" CLUSTER_READY_TIMEOUT=1200 "$CS" start >/dev/null 2>&1
say "cluster.nodes=$(K get nodes --no-headers | grep -c '^sim-h100') cluster.gpus=$((NODES * 8)) cluster.start_seconds=$(secs "$t0")"

t0=$(now_ms)
for (( t=0; t<TEAMS; t++ )); do K create namespace "$(ns_of $t)" >/dev/null; done
{
  for (( i=0; i<NODES; i++ )); do
    t=$(( i % TEAMS ))
    cat <<EOF
---
apiVersion: v1
kind: Pod
metadata:
  name: train-$i-0
  namespace: $(ns_of $t)
  labels: {portal.ai/workload: train-$i, portal.ai/instance: gpu-bench}
  annotations: {sim.portal.ai/log-profile: quiet, sim.portal.ai/log-interval: 1h}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 0
  automountServiceAccountToken: false
  tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
  containers:
  - name: main
    image: registry.example/trainer:1
    resources:
      requests: {cpu: "8", memory: 64Gi, nvidia.com/gpu: 8}
      limits: {memory: 64Gi, nvidia.com/gpu: 8}
EOF
  done
} > "$PROM_DIR/pods.yaml"
# the ServiceAccount admission refuses pods until each namespace's default account exists
for (( t=0; t<TEAMS; t++ )); do
  until K -n "$(ns_of $t)" get serviceaccount default >/dev/null 2>&1; do sleep 0.5; done
done
K apply -f "$PROM_DIR/pods.yaml" >/dev/null
until [[ $(K get pods -A --field-selector=status.phase=Running --no-headers 2>/dev/null | grep -c ' train-') -ge $NODES ]]; do sleep 2; done
say "pods.busy_8gpu_pods_running=$NODES pods.seconds=$(secs "$t0")"

# ---- the exporter at this size -----------------------------------------------------------------------------------
metrics="http://127.0.0.1:$CLUSTER_AGENT_PORT/metrics"
curl -s "$metrics" > "$PROM_DIR/scrape.txt"
for i in $(seq 1 20); do curl -s -o /dev/null -w '%{time_total}\n' "$metrics"; done | awk '{ print $1 * 1000 }' > "$PROM_DIR/scrape-ms"
say "exporter.scrape_ms $(pct < "$PROM_DIR/scrape-ms") exporter.bytes=$(wc -c < "$PROM_DIR/scrape.txt") exporter.series=$(grep -vc '^#' "$PROM_DIR/scrape.txt") exporter.gpus_with_pod=$(grep -c '^DCGM_FI_DEV_GPU_UTIL{.*pod="train-' "$PROM_DIR/scrape.txt")"

# ---- 6 hours of history, raw and recorded ------------------------------------------------------------------------
end=$(( $(date +%s) / 30 * 30 ))
t0=$(now_ms)
"$BIN/sim-agent" dcgm-history --kubeconfig "$CLUSTER_STATE/kubeconfig" --range 6h --step "$SCRAPE" \
  --end "$(date -u -d "@$end" +%Y-%m-%dT%H:%M:%SZ)" \
  | sed "s/^\(DCGM_[A-Z_]*\){/\1{job=\"dcgm-exporter\",instance=\"127.0.0.1:$CLUSTER_AGENT_PORT\",/" \
  > "$PROM_DIR/history.om" # the target labels a live scrape adds: one series per GPU across history and live data
say "history.openmetrics_lines=$(grep -vc '^#' "$PROM_DIR/history.om") history.bytes=$(wc -c < "$PROM_DIR/history.om") history.generate_seconds=$(secs "$t0")"
t0=$(now_ms)
promtool tsdb create-blocks-from openmetrics "$PROM_DIR/history.om" "$PROM_DIR/data" >/dev/null
rm -f "$PROM_DIR/history.om"
say "history.backfill_seconds=$(secs "$t0") history.blocks=$(find "$PROM_DIR/data" -maxdepth 1 -name '01*' | wc -l)"

cat > "$PROM_DIR/prometheus.yml" <<EOF
global: {scrape_interval: $SCRAPE, evaluation_interval: $SCRAPE}
rule_files: ['$REPO/infra/monitoring/rules/*.yaml']
scrape_configs:
- job_name: dcgm-exporter
  honor_labels: true
  static_configs: [{targets: ['127.0.0.1:$CLUSTER_AGENT_PORT']}]
- job_name: prometheus
  static_configs: [{targets: ['127.0.0.1:$PROM_PORT']}]
EOF
start_prometheus() {
  prometheus --config.file="$PROM_DIR/prometheus.yml" --storage.tsdb.path="$PROM_DIR/data" \
    --storage.tsdb.retention.time=2d --web.listen-address="127.0.0.1:$PROM_PORT" --query.max-samples=50000000 \
    >>"$PROM_DIR/prometheus.log" 2>&1 &
  prom_pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$PROM_PORT/-/ready"; do sleep 1; done
}
stop_prometheus() { kill "$prom_pid"; wait "$prom_pid" 2>/dev/null || true; prom_pid=; }

start_prometheus
t0=$(now_ms)
promtool tsdb create-blocks-from rules --start=$((end - 6 * 3600)) --end=$end --eval-interval=$SCRAPE \
  --url="http://127.0.0.1:$PROM_PORT" --output-dir="$PROM_DIR/rules-data" \
  "$REPO/infra/monitoring/rules/gpu-aggregates.rules.yaml" >/dev/null 2>"$PROM_DIR/rules-backfill.log"
say "history.rules_backfill_seconds=$(secs "$t0")"
stop_prometheus
mv "$PROM_DIR"/rules-data/01* "$PROM_DIR/data/"
start_prometheus
sleep 65 # two live scrapes and rule evaluations on top of the history

# ---- the panel queries, as the API sends them --------------------------------------------------------------------
q_end=$(( $(date +%s) / 120 * 120 ))
q_start=$(( q_end - 6 * 3600 ))
range_query() { # name query
  local name=$1 query=$2 i n
  n=$(curl -s "http://127.0.0.1:$PROM_PORT/api/v1/query_range" --data-urlencode "query=$query" \
        -d "start=$q_start" -d "end=$q_end" -d step=120s | { grep -o '"metric"' || true; } | wc -l)
  for i in $(seq 1 "$RUNS"); do
    curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$PROM_PORT/api/v1/query_range" \
      --data-urlencode "query=$query" -d "start=$q_start" -d "end=$q_end" -d step=120s
  done | awk '{ print $1 * 1000 }' | pct | sed "s/^/BENCH query.$name series=$n /; s/$/ ms/"
  echo
}
instant_query() { # name query
  local name=$1 query=$2 i n
  n=$(curl -s "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$query" | { grep -o '"metric"' || true; } | wc -l)
  for i in $(seq 1 "$RUNS"); do
    curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$query"
  done | awk '{ print $1 * 1000 }' | pct | sed "s/^/BENCH query.$name series=$n /; s/$/ ms/"
  echo
}
ns="namespace=\"$(ns_of 0)\""
range_query fleet_utilization_6h_recorded 'avg_over_time(modelName:dcgm_gpu_utilization:avg[120s])'
range_query fleet_utilization_6h_raw 'avg by (modelName) (avg_over_time(DCGM_FI_DEV_GPU_UTIL[120s]))'
range_query fleet_allocated_6h_recorded 'max_over_time(modelName:dcgm_gpus_allocated:count[120s])'
range_query fleet_allocated_6h_raw 'count by (modelName) (max_over_time(DCGM_FI_DEV_GPU_UTIL{pod!=""}[120s]))'
range_query team_utilization_6h_recorded "avg_over_time(namespace_pod:dcgm_gpu_utilization:avg{$ns}[120s])"
range_query team_utilization_6h_raw "avg by (namespace, pod) (avg_over_time(DCGM_FI_DEV_GPU_UTIL{$ns,pod!=\"\"}[120s]))"
range_query workload_utilization_6h "avg_over_time(DCGM_FI_DEV_GPU_UTIL{$ns,pod=~\"train-0-0\"}[120s])"
range_query workload_memory_6h "max_over_time(DCGM_FI_DEV_FB_USED{$ns,pod=~\"train-0-0\"}[120s])"
held='DCGM_FI_DEV_GPU_UTIL{pod!=""}'
instant_query fleet_idle_1h "max_over_time($held[3600s]) < 5.0 and on (namespace, pod, UUID) ($held offset 3600s) and on (namespace, pod, UUID) $held"

# ---- the same panels through the product's API ------------------------------------------------------------------
if [[ "${BENCH_API:-1}" != 0 ]]; then
  JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
  cp_file="$REPO/logging-pipeline/target/test-classpath.txt"
  if [[ ! -f "$cp_file" || ! -f "$REPO/logging-pipeline/target/test-classes/ai/portal/logs/metrics/GpuMetricsBenchmark.class" ]]; then
    (cd "$REPO" && mvn -B -q -o -pl logging-pipeline -am test-compile dependency:build-classpath \
      -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test) >"$PROM_DIR/mvn.log" 2>&1
  fi
  (cd "$REPO/logging-pipeline" && nice -n 5 "$JAVA" --enable-native-access=ALL-UNNAMED \
    -cp "target/test-classes:target/classes:$(cat "$cp_file")" ai.portal.logs.metrics.GpuMetricsBenchmark \
    "http://127.0.0.1:$PROM_PORT" "$CLUSTER_STATE/kubeconfig" "$MEMBER_TEAM" train-0 "$RUNS") 2>"$PROM_DIR/api.log" \
    | grep '^BENCH' || { say "api.failed (see $PROM_DIR/api.log)"; tail -n 20 "$PROM_DIR/api.log" >&2; }
fi

# ---- Prometheus' memory and its own view of the scrape -------------------------------------------------------------
prom_value() { # instant query -> first value
  curl -s "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$1" \
    | grep -o '"value":\[[^]]*\]' | head -1 | sed 's/.*,"\(.*\)"\]/\1/'
}
say "prometheus.scrape_duration_s last=$(prom_value 'scrape_duration_seconds{job="dcgm-exporter"}') max_15m=$(prom_value 'max_over_time(scrape_duration_seconds{job="dcgm-exporter"}[15m])') samples_scraped=$(prom_value 'scrape_samples_scraped{job="dcgm-exporter"}') rule_group_eval_s_max=$(prom_value 'max(prometheus_rule_group_last_duration_seconds)')"
head=$(curl -s "http://127.0.0.1:$PROM_PORT/api/v1/status/tsdb" | { grep -o '"numSeries":[0-9]*' || true; } | head -1 | cut -d: -f2)
say "prometheus.rss_mib=$(( $(awk '/VmRSS/{print $2}' "/proc/$prom_pid/status") / 1024 )) prometheus.peak_rss_mib=$(( $(awk '/VmHWM/{print $2}' "/proc/$prom_pid/status") / 1024 )) prometheus.head_series=$head prometheus.data_mib=$(du -sm "$PROM_DIR/data" | cut -f1) prometheus.scrape_interval=$SCRAPE"
say "load $(cut -d' ' -f1-3 /proc/loadavg)"
