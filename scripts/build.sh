#!/usr/bin/env bash
# Configures (once) and builds perfval into build/ with Ninja and ccache. Extra arguments go to ninja.
# PERFVAL_BUILD_DIR picks another directory; PERFVAL_CMAKE_ARGS adds cache options to its first configure
# (scripts/test.sh --sanitize and scripts/fuzz.sh use both).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${PERFVAL_BUILD_DIR:-build}
# PERFVAL_WERROR=ON|OFF sets -Werror; unset, a configured build directory keeps what it has (so a script run
# without it does not flip a CI-configured tree and rebuild everything).
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPERFVAL_WERROR="${PERFVAL_WERROR:-OFF}" \
    ${PERFVAL_CMAKE_ARGS:-} >/dev/null
elif [ -n "${PERFVAL_WERROR:-}" ] && ! grep -qx "PERFVAL_WERROR:BOOL=$PERFVAL_WERROR" "$build_dir/CMakeCache.txt"; then
  # Only a change reconfigures (a configure takes seconds; .ci/run builds, then scripts/test.sh builds again).
  cmake -S . -B "$build_dir" -DPERFVAL_WERROR="$PERFVAL_WERROR" >/dev/null
fi
jobs=${PERFVAL_JOBS:-$(nproc)}
ninja -C "$build_dir" -j "$jobs" "$@"
