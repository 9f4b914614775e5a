#!/usr/bin/env bash
# Command one: on a fresh machine, install, build the demo database and serve it.
# Idempotent: a second run reuses the venv, the database and the seeded demo.
# Usage: scripts/setup.sh   (then open http://127.0.0.1:5000)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
ensure_venv
FLASK="$VENV/bin/flask"
mkdir -p instance  # the demo database lives in instance/matchmaker.db

echo "==> database schema"
"$FLASK" db upgrade
echo "==> technical-field taxonomy"
"$FLASK" taxonomy load
echo "==> demo data"
"$FLASK" seed-demo | tee instance/demo-logins.txt
# Commands other parts of the app add; run them when they exist.
COMMANDS=$("$FLASK" --help)
has_command() { grep -qE "^  $1( |$)" <<<"$COMMANDS"; }
if has_command reindex; then
  echo "==> search index"
  "$FLASK" reindex
  if has_command match; then
    echo "==> matches for the brokers' queues"
    "$FLASK" match --all
  fi
fi

echo
echo "Demo logins (also in instance/demo-logins.txt):"
grep '@' instance/demo-logins.txt
echo
echo "open http://127.0.0.1:5000"
# gunicorn, workers and threads from config.py (WEB_*; matchmaker/serve.py); `flask run` is for development
exec "$VENV/bin/gunicorn" -c python:matchmaker.serve wsgi:app
