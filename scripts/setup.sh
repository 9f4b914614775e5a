#!/usr/bin/env bash
# Command one: on a fresh machine, install, build the demo database and serve it.
# Idempotent: a second run reuses the venv, the database and the seeded demo.
# Usage: scripts/setup.sh   (then open http://127.0.0.1:5000)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
ensure_venv
export FLASK_APP=wsgi PYTHONHASHSEED=0 TOKENIZERS_PARALLELISM=false HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
FLASK="$VENV/bin/flask"
mkdir -p instance  # the demo database lives in instance/matchmaker.db

echo "==> database schema"
"$FLASK" db upgrade
echo "==> technical-field taxonomy"
"$FLASK" taxonomy load
echo "==> demo data"
"$FLASK" seed-demo | tee instance/demo-logins.txt
if grep -q reindex <<<"$("$FLASK" --help)"; then  # added by the listings work
  echo "==> search index"
  "$FLASK" reindex
fi

echo
echo "Demo logins (also in instance/demo-logins.txt):"
grep '@' instance/demo-logins.txt
echo
echo "open http://127.0.0.1:5000"
exec "$FLASK" run --host 127.0.0.1 --port 5000
