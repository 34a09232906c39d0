#!/usr/bin/env bash
# README quick-start command 2: install what is missing, build, and run every test (unit + integration).
#   scripts/test.sh [CTEST-ARGS...]                      the default build in build/ (what CI runs)
#   scripts/test.sh --sanitize address,undefined [...]   an ASan+UBSan build in build-asan/
#   scripts/test.sh --sanitize thread [...]              a TSan build in build-tsan/ (docs/testing.md)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--sanitize" ]; then
  sanitize=${2:?usage: scripts/test.sh --sanitize address,undefined|thread [CTEST-ARGS...]}
  shift 2
  # Warnings are CI's job (g++ -Werror); an instrumented build is about what runs, so -Werror stays off.
  export PERFVAL_WERROR=OFF
  case "$sanitize" in
    thread) export PERFVAL_BUILD_DIR=${PERFVAL_BUILD_DIR:-build-tsan} PERFVAL_CMAKE_ARGS="-DPERFVAL_SANITIZE=thread" ;;
    *thread*) echo "test.sh: thread cannot be combined with other sanitizers" >&2; exit 2 ;;
    *)
      # clang with the flags of scripts/fuzz.sh's build: ccache then shares the libraries' objects between
      # the two, and the fuzz targets replay their corpora here as tests (docs/testing.md).
      scripts/install-deps.sh --fuzz
      export CXX=clang++ PERFVAL_BUILD_DIR=${PERFVAL_BUILD_DIR:-build-asan}
      export PERFVAL_CMAKE_ARGS="-DPERFVAL_SANITIZE=$sanitize -DPERFVAL_FUZZ=ON"
      ;;
  esac
  # Any report fails the test that triggered it: a sanitizer exits non-zero at its first finding.
  export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
  export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
  # The deploy and browser suites drive node, kubectl and Chromium around the binary, not new C++ paths;
  # sanitizer runs leave them out (docs/testing.md). Instrumented code is 2-15x slower: longer timeouts.
  set -- -LE '^(deploy|browser)$' "$@"
  # The integration tests' guards on their child processes stretch too (tests/integration/process.cpp):
  # `perfval bench --quick` under ASan took over its 300 s guard at load 15.
  # TSan is the slowest: its `perfval bench --quick` was still running at the 1,800 s guard of scale 3 (2 Dec,
  # load 3, beside an ASan build), so thread runs get 6.
  export PERFVAL_TEST_TIME_SCALE=${PERFVAL_TEST_TIME_SCALE:-$(if [ "$sanitize" = thread ]; then echo 6; else echo 3; fi)}
  # ctest's per-test limit stays above the longest stretched guard (BenchQuick's 600 s child, 1800-3600 s here),
  # or ctest kills a test its own guard still allows: at 1200 s it cut BenchQuick under ASan (1 Dec, load 3-5).
  export PERFVAL_TEST_TIMEOUT=${PERFVAL_TEST_TIMEOUT:-$((800 * PERFVAL_TEST_TIME_SCALE))}
fi
scripts/install-deps.sh
scripts/build.sh
build_dir=${PERFVAL_BUILD_DIR:-build}
# Load tests open thousands of sockets; raise the soft descriptor limit as far as the hard one allows.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# One test per core (PERFVAL_TEST_JOBS overrides): most tests wait on servers and timers, and the longest start
# first (tests/test_costs.cmake on a fresh checkout, then ctest's measured times). Sanitizer runs stay serial.
jobs=${PERFVAL_TEST_JOBS:-$(if [ -n "${sanitize:-}" ]; then echo 1; else nproc; fi)}
cd "$build_dir"
ctest --output-on-failure --timeout "${PERFVAL_TEST_TIMEOUT:-300}" -j "$jobs" "$@"
