#!/usr/bin/env bash
# Opens each kind of HTML report in Debian's headless Chromium (node --test, no npm package needed).
#   tests/browser/run.sh [PATH/TO/perfval]     (default: build/perfval of this checkout)
# Needs node (>= 18) and chromium (scripts/install-deps.sh installs both). PERFVAL_BROWSER_OUT=DIR keeps the screenshots.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
chromium=${CHROMIUM:-/usr/bin/chromium}
for tool in node "$chromium"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "tests/browser: $tool is missing: install it with scripts/install-deps.sh" >&2; exit 1; }
done
export PERFVAL_SOURCE_DIR=${PERFVAL_SOURCE_DIR:-$root}
export PERFVAL_BIN=${1:-${PERFVAL_BIN:-$root/build/perfval}}
[ -x "$PERFVAL_BIN" ] || { echo "tests/browser: $PERFVAL_BIN is not an executable; build it first" >&2; exit 1; }
cd "$here"
exec node --test ./reports.test.mjs
