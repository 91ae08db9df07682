#!/usr/bin/env python3
"""Provisioning benchmark for tenant-service, against a running ./portal up stack.

Prints figures; asserts nothing. Measures:
  1. create-team -> status Ready latency (p50/p95) for N teams created one after another;
  2. the same objects applied with kubectl apply (server-side), for comparison;
  3. N teams created at once on top, time until all are Ready;
  4. drift repair: the ResourceQuota deleted by hand -> back on the cluster.
Every team it makes is deleted at the end.

    python3 tenant-service/bench/provisioning.py [--teams 20] [--burst 200]
"""
import argparse, base64, json, os, statistics, subprocess, sys, tempfile, time, urllib.request, uuid
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def stack_env():
    env = {}
    with open(os.path.join(ROOT, ".portal/local/stack.env")) as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                k, v = line.strip().split("=", 1)
                env[k] = v
    return env


ENV = stack_env()
TENANT = ENV["PORTAL_TENANT_URL"]
KUBECONFIG = ENV["KUBECONFIG"]
KUBECTL = subprocess.run([os.path.join(ROOT, "infra/local-cluster/cluster.sh"), "bin"], capture_output=True,
                         text=True, check=True).stdout.strip() + "/kubectl"


def token():
    # signed in through Keycloak's login form, as a person would: the realm has no password-grant client
    ca = ["--cacert", ENV["PORTAL_CA_FILE"]] if ENV.get("PORTAL_CA_FILE") else []
    return subprocess.run([os.path.join(ROOT, "infra/local/bin/sso-login"), "--issuer",
                           ENV["KEYCLOAK_URL"] + "/realms/portal", "--username", "admin", *ca],
                          env={**os.environ, "SSO_PASSWORD": ENV["ADMIN_PASSWORD"]},
                          capture_output=True, text=True, check=True).stdout.strip()


TOKEN = {"value": token(), "at": time.time()}


def call(method, path, body=None):
    if time.time() - TOKEN["at"] > 240:
        TOKEN.update(value=token(), at=time.time())
    req = urllib.request.Request(TENANT + path, method=method, data=json.dumps(body).encode() if body else None,
                                 headers={"Authorization": "Bearer " + TOKEN["value"], "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, None


def kubectl(*args, stdin=None):
    return subprocess.run([KUBECTL, "--kubeconfig", KUBECONFIG, *args], input=stdin, capture_output=True, text=True)


def create_and_wait(slug):
    start = time.monotonic()
    status, _ = call("POST", "/api/v1/teams", {"slug": slug, "displayName": slug, "owner": "carol"})
    if status != 201:
        raise SystemExit(f"create {slug}: HTTP {status}")
    while True:
        _, team = call("GET", f"/api/v1/teams/{slug}")
        if team and team["status"]["phase"] == "Ready":
            return time.monotonic() - start
        if team and team["status"]["phase"] == "Error":
            raise SystemExit(f"{slug}: {team['status']['message']}")
        time.sleep(0.05)


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--burst", type=int, default=200)
    args = parser.parse_args()
    run = uuid.uuid4().hex[:6]
    made = []
    try:
        # 1. one after another
        latencies = []
        for i in range(args.teams):
            slug = f"bench-{run}-{i}"
            made.append(slug)
            latencies.append(create_and_wait(slug))
        print(f"create-team -> Ready, {args.teams} teams one at a time: p50 {pct(latencies, 50)*1000:.0f} ms, "
              f"p95 {pct(latencies, 95)*1000:.0f} ms, max {max(latencies)*1000:.0f} ms")

        # 2. kubectl apply of the same objects (a copy of one team's objects under a new namespace)
        source = f"team-{made[0]}"
        objects = json.loads(kubectl("get", "namespace", source, "-o", "json").stdout)
        items = [objects]
        for kind in ["resourcequota", "limitrange", "serviceaccount", "role", "rolebinding", "networkpolicy"]:
            listed = json.loads(kubectl("get", kind, "-n", source, "-l", "app.kubernetes.io/managed-by=ai-portal",
                                        "-o", "json").stdout)
            items.extend(listed["items"])
        kubectl_times = []
        for i in range(args.teams):
            target = f"kubectl-{run}-{i}"
            docs = []
            for item in items:
                item = json.loads(json.dumps(item))
                meta = item["metadata"]
                for key in ["uid", "resourceVersion", "creationTimestamp", "managedFields", "generation"]:
                    meta.pop(key, None)
                meta.get("labels", {}).pop("portal.ai/team", None)
                meta.get("labels", {}).pop("app.kubernetes.io/managed-by", None)
                if item["kind"] == "Namespace":
                    meta["name"] = target
                    meta.get("labels", {})["kubernetes.io/metadata.name"] = target
                    item.pop("spec", None)
                else:
                    meta["namespace"] = target
                item.pop("status", None)
                docs.append(item)
            start = time.monotonic()
            out = kubectl("apply", "--server-side", "-f", "-", stdin=json.dumps({"apiVersion": "v1", "kind": "List", "items": docs}))
            kubectl_times.append(time.monotonic() - start)
            if out.returncode != 0:
                raise SystemExit(out.stderr)
            kubectl("delete", "namespace", target, "--wait=false")
        print(f"kubectl apply --server-side of the same 7 objects: p50 {pct(kubectl_times, 50)*1000:.0f} ms, "
              f"p95 {pct(kubectl_times, 95)*1000:.0f} ms")

        # 3. a burst
        burst = [f"burst-{run}-{i}" for i in range(args.burst)]
        made.extend(burst)
        start = time.monotonic()
        with ThreadPoolExecutor(8) as pool:
            burst_latencies = list(pool.map(create_and_wait, burst))
        total = time.monotonic() - start
        print(f"{args.burst} teams created 8 at a time: all Ready after {total:.1f} s "
              f"({args.burst/total:.1f} teams/s); per team p50 {pct(burst_latencies, 50):.2f} s, p95 {pct(burst_latencies, 95):.2f} s")

        # 4. drift repair
        repairs = []
        for slug in made[:5]:
            ns = f"team-{slug}"
            start = time.monotonic()
            kubectl("delete", "resourcequota", "team-quota", "-n", ns, "--wait=true")
            while kubectl("get", "resourcequota", "team-quota", "-n", ns).returncode != 0:
                time.sleep(0.05)
            repairs.append(time.monotonic() - start)
        print(f"drift repair (ResourceQuota deleted by hand -> restored): p50 {pct(repairs, 50)*1000:.0f} ms, "
              f"max {max(repairs)*1000:.0f} ms")
    finally:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda slug: call("DELETE", f"/api/v1/teams/{slug}?force=true"), made))


if __name__ == "__main__":
    main()
