#!/usr/bin/env bash
# The Python SDK's tests and the examples against the real service (dist/, temporary SQLite DATA_DIR).
# Run from anywhere in a clone after `npm ci`: bash clients/python/ci.sh [extra pytest args]
# Creates a venv under ${TMPDIR:-/tmp}, installs the SDK with its [pandas] extra and the test and
# example dependencies, builds dist/ when it is missing, runs pytest, and exits non-zero on failure.
# The tests start every relabel and uvicorn process themselves and kill them by PID when they end.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
VENV="$(mktemp -d "${TMPDIR:-/tmp}/relabel-py-ci.XXXXXX")"
export RELABEL_TEST_PIDFILE="$VENV/pids"
: >"$RELABEL_TEST_PIDFILE"
export RELABEL_TEST_TMP="$VENV/data"  # the services' DATA_DIRs: removed with the venv whatever happens
mkdir -p "$RELABEL_TEST_TMP"
cleanup() {
  # Each relabel and uvicorn process the tests started leads its own process group: end the ones
  # still running by PID (checking the PID is still theirs, not a reused one).
  while read -r pid; do
    if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -e 'dist/src/main.js' -e 'uvicorn'; then
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
  done <"$RELABEL_TEST_PIDFILE"
  rm -rf "$VENV"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

if [ ! -f dist/src/main.js ]; then
  echo "clients/python/ci.sh: dist/ is missing, running npm run build"
  npm run build --silent
fi

"$PYTHON" -m venv "$VENV"
# Only the configured package indexes answer here: no retries against hosts that cannot be reached.
export PIP_RETRIES="${PIP_RETRIES:-0}" PIP_DISABLE_PIP_VERSION_CHECK=1
"$VENV/bin/pip" install --quiet "./clients/python[pandas,otel]" pytest fastapi uvicorn scikit-learn httpx

# Installed, not imported from the source tree: the tests check the package as users get it.
cd "$ROOT/clients/python"
"$VENV/bin/python" -m pytest -p no:cacheprovider -q tests "$@"
