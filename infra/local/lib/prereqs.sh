# Debian packages the local stack and the tests need, installed only when missing (idempotent).

RUNTIME_PACKAGES="postgresql curl unzip openssl iproute2 python3-venv util-linux prometheus"
# fonts-wqy-zenhei: the browser tests render the portal in Simplified Chinese; without a CJK font the
# screenshots show empty boxes
TEST_PACKAGES="chromium fonts-liberation fonts-wqy-zenhei"

missing_packages() {
    local pkg missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    echo "${missing[*]}"
}

apt_install() {
    local missing; missing=$(missing_packages "$@")
    [ -z "$missing" ] && return
    say "Installing Debian packages: $missing"
    [ "$(id -u)" = 0 ] || die "these packages are missing: $missing — install them (sudo apt-get install -y $missing) and run again."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || die "apt-get update failed"
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null || die "apt-get install $missing failed"
    ok "installed $missing"
    # On a machine run by systemd, Debian starts a system-wide Prometheus on :9090 when it installs the package.
    # The stack runs its own (infra/local/lib/prometheus.sh): stop and disable the service this install started.
    if [[ " $missing " == *" prometheus "* ]] && [ -d /run/systemd/system ]; then
        systemctl disable --now prometheus >/dev/null 2>&1 && note "disabled the system-wide prometheus service the package started"
    fi
}

install_runtime_prerequisites() { apt_install $RUNTIME_PACKAGES; }

install_test_prerequisites() {
    # shellcheck disable=SC2086
    apt_install $RUNTIME_PACKAGES $TEST_PACKAGES
}
