#!/usr/bin/env bash
# Runs the deployment checks (k8s/, Dockerfile, ci/, dashboards/) as a node --test suite.
#   tests/deploy/run.sh [PATH/TO/perfval]     (default: build/perfval of this checkout)
# Needs node (>= 18), npm and kubectl; installs the pinned node modules with `npm ci` when they are missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

missing=()
for tool in node npm kubectl; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "tests/deploy: missing ${missing[*]}: install them with scripts/install-deps.sh (Debian packages nodejs, npm and kubernetes-client for kubectl)" >&2
  exit 1
fi

export PERFVAL_SOURCE_DIR=${PERFVAL_SOURCE_DIR:-$root}
export PERFVAL_BIN=${1:-${PERFVAL_BIN:-$root/build/perfval}}
if [ ! -x "$PERFVAL_BIN" ]; then
  echo "tests/deploy: $PERFVAL_BIN is not an executable; build it first (scripts/build.sh perfval)" >&2
  exit 1
fi
case "$PERFVAL_BIN" in /*) ;; *) PERFVAL_BIN="$PWD/$PERFVAL_BIN" ;; esac

cd "$here"
if [ ! -d node_modules/kubernetes-models ] || [ ! -d node_modules/yaml ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
# One file at a time, each in its own `node --test`: sequential on every Node >= 18 (Debian 12 ships 18, which
# has no --test-concurrency), so tests that start servers never overlap.
status=0
for file in ./*.test.mjs; do
  node --test "$file" || status=1
done
exit "$status"
