#!/usr/bin/env bash
# Check deploy/nginx.conf for real: gunicorn + nginx on loopback ports, a page,
# a static file answered by nginx, an attachment through X-Accel-Redirect, and
# X-Forwarded-For trusted only with PORTAL_PROXY_FIX. Installs nothing; skips
# (and says why) when nginx is missing. Uses SQLite, or PostgreSQL when
# PORTAL_TEST_DATABASE_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTEST="${PYTEST:-.venv/bin/pytest}"
[ -x "$PYTEST" ] || PYTEST="python3 -m pytest"
exec $PYTEST -q -rs tests/production/test_proxy.py "$@"
