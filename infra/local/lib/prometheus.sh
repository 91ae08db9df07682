# Prometheus for the local stack: Debian's prometheus package (2.42; the product only uses the stable HTTP API v1,
# so a real cluster's 3.x answers the same), run as a process of the stack. It scrapes the simulated nodes' DCGM
# exporter and kubelet resource metrics (the sim-agent), every service's management port, Kueue's metrics and itself, and evaluates the rules of
# infra/monitoring/rules. Settings for a laptop: a 15 s scrape interval, two days or 1 GB of data at most.

PROMETHEUS_PORT=${PROMETHEUS_PORT:-9090}
PROMETHEUS_BIN=${PROMETHEUS_BIN:-/usr/bin/prometheus}
PROMETHEUS_SCRAPE_INTERVAL=${PROMETHEUS_SCRAPE_INTERVAL:-15s}
PROMETHEUS_RETENTION=${PROMETHEUS_RETENTION:-2d}
PROMETHEUS_RETENTION_SIZE=${PROMETHEUS_RETENTION_SIZE:-1GB}

prometheus_dir() { echo "$PORTAL_STATE/prometheus"; }

# Kueue's metrics server reviews bearer tokens: a ServiceAccount of ours with /metrics access, its token renewed
# at every start (valid 30 days; Prometheus reads the file at each scrape).
prometheus_kueue_token() {
    local dir; dir=$(prometheus_dir)
    local kubectl; kubectl="$("$CLUSTER_SCRIPT" bin)/kubectl"
    "$kubectl" apply --server-side --field-manager=ai-portal-local-stack \
        -f "$PORTAL_ROOT/infra/local/prometheus/kueue-metrics-reader.yaml" >/dev/null \
        && "$kubectl" create token prometheus -n portal-monitoring --duration=720h >"$dir/kueue.token.new" \
        && mv "$dir/kueue.token.new" "$dir/kueue.token"
}

prometheus_config() {
    local dir; dir=$(prometheus_dir)
    mkdir -p "$dir/data"
    local services="" name var module port
    while IFS=: read -r name var module; do
        port=${!var}
        services+="
  - targets: ['127.0.0.1:$(management_port "$port")']
    labels: {portal_service: $name}"
    done <<<"$PORTAL_SERVICES"
    {
        cat <<YAML
# written by ./portal $command from infra/local/lib/prometheus.sh; edits are overwritten
global:
  scrape_interval: $PROMETHEUS_SCRAPE_INTERVAL
  evaluation_interval: $PROMETHEUS_SCRAPE_INTERVAL
rule_files:
- $PORTAL_ROOT/infra/monitoring/rules/*.yaml
scrape_configs:
- job_name: prometheus
  static_configs:
  - targets: ['127.0.0.1:$PROMETHEUS_PORT']
- job_name: ai-portal
  metrics_path: /actuator/prometheus
  static_configs:$services
YAML
        if cluster_owned; then
            cat <<YAML
# the simulated nodes' dcgm-exporter: its namespace/pod/container labels name the pod holding each GPU
- job_name: dcgm-exporter
  honor_labels: true
  static_configs:
  - targets: ['127.0.0.1:$CLUSTER_AGENT_PORT']
# the simulated nodes' kubelet resource metrics (one target for all nodes, a node label on each series): what the
# prometheus-adapter serves as metrics.k8s.io for the HPA controller and kubectl top
- job_name: kubelet-resource
  honor_labels: true
  metrics_path: /metrics/resource
  static_configs:
  - targets: ['127.0.0.1:$CLUSTER_AGENT_PORT']
- job_name: kueue
  scheme: https
  tls_config:
    ca_file: $CLUSTER_STATE/pki/ca.crt
  authorization:
    credentials_file: $dir/kueue.token
  static_configs:
  - targets: ['127.0.0.1:$CLUSTER_KUEUE_METRICS_PORT']
YAML
        fi
    } >"$dir/prometheus.yml"
}

prometheus_start() {
    if is_running prometheus; then ok "prometheus already running (port $PROMETHEUS_PORT)"; return; fi
    [ -x "$PROMETHEUS_BIN" ] || die "$PROMETHEUS_BIN not found: install Debian's prometheus package (./portal up does as root)"
    require_free_port "$PROMETHEUS_PORT" PROMETHEUS_PORT prometheus
    prometheus_config
    if cluster_owned && ! prometheus_kueue_token; then
        note "no token for Kueue's metrics (cluster not reachable?): its target will show as down"
        touch "$(prometheus_dir)/kueue.token"
    fi
    "${PROMETHEUS_BIN%/*}/promtool" check config "$(prometheus_dir)/prometheus.yml" >"$PORTAL_LOGS/prometheus-config.log" 2>&1 \
        || { cat "$PORTAL_LOGS/prometheus-config.log" >&2; die "the generated Prometheus configuration is invalid"; }
    local dir; dir=$(prometheus_dir)
    start_process prometheus "$PROMETHEUS_BIN" --config.file="$dir/prometheus.yml" \
        --storage.tsdb.path="$dir/data" \
        --storage.tsdb.retention.time="$PROMETHEUS_RETENTION" --storage.tsdb.retention.size="$PROMETHEUS_RETENTION_SIZE" \
        --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" --web.enable-lifecycle \
        --query.max-samples=20000000 --query.timeout=30s
}

prometheus_wait() {
    wait_until prometheus 120 http_ok "http://127.0.0.1:$PROMETHEUS_PORT/-/ready"
    ok "prometheus on http://127.0.0.1:$PROMETHEUS_PORT (scrapes GPUs, services and Kueue every $PROMETHEUS_SCRAPE_INTERVAL)"
}

prometheus_stop() { stop_process prometheus; }

# The checks of infra/monitoring (a Go module): promtool check/test rules, every dashboard query parses and names
# only metrics that exist (-count=1: the test reads files Go's test cache does not track).
monitoring_check() {
    local start; start=$(now_ms)
    (cd "$PORTAL_ROOT/infra/monitoring/check" && PATH="${PROMETHEUS_BIN%/*}:$PATH" nice "${GO:-$(command -v go || echo /usr/local/go/bin/go)}" \
        test -count=1 -mod=readonly ./...) >"$PORTAL_LOGS/monitoring-check.log" 2>&1 \
        || { tail -n 40 "$PORTAL_LOGS/monitoring-check.log" >&2; die "the monitoring checks failed; log: $PORTAL_LOGS/monitoring-check.log"; }
    ok "monitoring rules and dashboards checked in $(elapsed_s "$start") s"
}
