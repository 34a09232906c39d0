#!/usr/bin/env bash
# README quick-start command 2: install what is missing, build, and run every test (unit + integration).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build_dir=${PERFVAL_BUILD_DIR:-build}
# Load tests open thousands of sockets; raise the soft descriptor limit as far as the hard one allows.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
cd "$build_dir"
ctest --output-on-failure --timeout 300 -j "${PERFVAL_TEST_JOBS:-1}" "$@"
