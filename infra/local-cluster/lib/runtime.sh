# shellcheck shell=bash
# Sourced by cluster.sh: the process runtime's user, its virtualenv and where pod processes keep their files.

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
        log "creating the virtualenv of $image: $venv (from PyPI; a few minutes once)"
        local t0; t0=$(now_ms)
        as_runtime_user rm -rf "$venv"
        as_runtime_user "$py" -m venv "$venv" >&2 || die "python3 -m venv failed (install python3-venv)"
        as_runtime_user "$venv/bin/pip" install --quiet --disable-pip-version-check -r /dev/stdin < "$requirements" >&2 \
          || die "installing $requirements into $venv failed"
        as_runtime_user touch "$venv/.complete"
        log "virtualenv of $image ready in $(secs_since "$t0") s"
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
