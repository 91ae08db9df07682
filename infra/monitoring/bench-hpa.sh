#!/usr/bin/env bash
# Autoscaling pipeline benchmark (issue 16). Prints BENCH lines; docs/benchmarks.md records them.
#
#   infra/monitoring/bench-hpa.sh          (against the stack of `./portal up`; PORTAL_PORT_OFFSET as for it)
#
# Per trial (BENCH_TRIALS, default 3), in a namespace of its own (labelled portal.ai/instance with the stack's installation id, deleted
# at the end): a Deployment of one process-run pod that idles for BENCH_IDLE_S (60) seconds, then burns a core, with
# an HPA (CPU 50 % of its 100m request, 1..2 replicas). Measured from the moment the load starts (the container's
# start time + BENCH_IDLE_S):
#   metrics_delay_s   until metrics.k8s.io shows the pod above 50m, half its request, which is the HPA's target (node
#                     agent -> Prometheus scrape -> the adapter's 1-minute rate; the idle process shows ~0)
#   hpa_decision_s    until the HPA controller sets the Deployment to 2 replicas
#   replica_ready_s   until the second replica is Ready
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
STATE="$REPO/.portal/${PORTAL_INSTANCE:-local}"
export KUBECONFIG="$STATE/cluster/kubeconfig"
[[ -f "$KUBECONFIG" ]] || { echo "no stack at $STATE: run ./portal up first" >&2; exit 1; }
KUBECTL="$("$REPO/infra/local-cluster/cluster.sh" bin)/kubectl"
INSTANCE="$(grep '^PORTAL_INSTANCE_ID=' "$STATE/secrets.env" | cut -d= -f2)"
TRIALS=${BENCH_TRIALS:-3}
IDLE=${BENCH_IDLE_S:-60}
IMAGE="quay.io/jupyter/scipy-notebook:2025-11-10"
NS="bench-hpa-$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
K() { "$KUBECTL" "$@"; }
now() { date +%s.%N; }
trap 'K delete namespace "$NS" --wait=false >/dev/null 2>&1 || true' EXIT

K create namespace "$NS" >/dev/null
K label namespace "$NS" "portal.ai/instance=$INSTANCE" >/dev/null
echo "BENCH load=$(cut -d' ' -f1-3 /proc/loadavg) trials=$TRIALS idle_s=$IDLE namespace=$NS"
for trial in $(seq 1 "$TRIALS"); do
  name="burner-$trial"
  K apply -n "$NS" -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: $name}
spec:
  replicas: 1
  selector: {matchLabels: {app: $name}}
  template:
    metadata: {labels: {app: $name}}
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: burn
        image: $IMAGE
        command: [python, -c, "import time\ntime.sleep($IDLE)\nwhile True: pass"]
        resources: {requests: {cpu: 100m, memory: 256Mi}, limits: {memory: 256Mi}}
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: $name}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: $name}
  minReplicas: 1
  maxReplicas: 2
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
YAML
  pod=""
  until [[ -n "$pod" ]]; do
    pod="$(K get pods -n "$NS" -l "app=$name" -o jsonpath='{.items[?(@.status.containerStatuses[0].state.running)].metadata.name}' 2>/dev/null | cut -d' ' -f1)"
    sleep 0.5
  done
  started="$(date -d "$(K get pod -n "$NS" "$pod" -o jsonpath='{.status.containerStatuses[0].state.running.startedAt}')" +%s)"
  load_at=$((started + IDLE))
  metrics="" decision="" ready=""
  deadline=$(( load_at + 600 ))
  while [[ ( -z "$ready" || -z "$metrics" ) && $(date +%s) -lt $deadline ]]; do
    t=$(now)
    if [[ -z "$metrics" ]]; then
      cpu="$(K get --raw "/apis/metrics.k8s.io/v1beta1/namespaces/$NS/pods/$pod" 2>/dev/null | python3 -c '
import json, sys
u = json.load(sys.stdin)["containers"][0]["usage"]["cpu"]
scale = {"n": 1e-9, "u": 1e-6, "m": 1e-3}
print(float(u[:-1]) * scale[u[-1]] if u[-1] in scale else float(u))' 2>/dev/null || echo 0)"
      if python3 -c "import sys; sys.exit(0 if $cpu > 0.05 else 1)"; then metrics="$t"; fi
    fi
    if [[ -z "$decision" && "$(K get deploy -n "$NS" "$name" -o jsonpath='{.spec.replicas}')" == 2 ]]; then decision="$t"; fi
    if [[ -n "$decision" && "$(K get deploy -n "$NS" "$name" -o jsonpath='{.status.readyReplicas}')" == 2 ]]; then ready="$t"; fi
    sleep 1
  done
  since() { [[ -n "$1" ]] && python3 -c "print(round($1 - $load_at, 1))" || echo "none"; }
  echo "BENCH trial=$trial metrics_delay_s=$(since "$metrics") hpa_decision_s=$(since "$decision") replica_ready_s=$(since "$ready")"
  K delete deploy,hpa -n "$NS" "$name" --wait=false >/dev/null
done
echo "BENCH load_after=$(cut -d' ' -f1-3 /proc/loadavg)"
