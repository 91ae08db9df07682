# shellcheck shell=bash
# Sourced by cluster.sh: the state folder and the control plane's processes (pid files, ports, waiting for health).

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
    prometheus-adapter) echo "$ADAPTER_PORT" ;;
    vpa-recommender) echo "$VPA_PORT" ;;
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
