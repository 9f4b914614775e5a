#!/usr/bin/env bash
# Command two: install everything the tests need, then run the whole test suite.
# Usage: scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
ensure_venv
# Real browser (Playwright drives Debian's chromium), CJK fonts for it, redis-server for the RQ test,
# postgresql for the scale-out database test.
ensure_debs chromium fonts-noto-cjk redis-server postgresql
exec "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@"
