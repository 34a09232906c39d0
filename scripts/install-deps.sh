#!/usr/bin/env bash
# Installs the Debian packages perfval needs, only those missing; fast (no apt call) when all are present.
# Used by both README quick-start commands, by .ci/run and by the Dockerfile.
#   scripts/install-deps.sh            build + test dependencies and the real servers tests use
#   scripts/install-deps.sh --runtime  only what the perfval binary needs at run time
#   scripts/install-deps.sh --slurm    only the real SLURM that scripts/slurm-local.sh runs
#   scripts/install-deps.sh --fuzz     the build packages plus clang and libFuzzer (scripts/fuzz.sh)
set -euo pipefail

build_pkgs=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost-dev libboost-system-dev libboost-regex-dev
  libssl-dev libyaml-cpp-dev nlohmann-json3-dev prometheus-cpp-dev libeigen3-dev
  libbenchmark-dev libgtest-dev libgmock-dev
)
# Real servers and reference tools used by tests and benchmark scripts (never mocked).
tool_pkgs=(
  nginx-light wrk prometheus prometheus-pushgateway prometheus-node-exporter hyperfine curl openssl procps time jq
  chromium fonts-dejavu-core  # headless browser the HTML-report tests and scripts/render-samples.sh open reports in
)
# A real single-node SLURM 22.05 (scripts/slurm-local.sh): the integration tests compare `perfval serve`'s
# slurmrestd mock with it and docs/serve.md quotes its latency. slurm-wlm pulls slurmctld, slurmd, the clients.
slurm_pkgs=(slurm-wlm slurmrestd munge curl procps)
# libFuzzer ships in compiler-rt, which clang only recommends.
fuzz_pkgs=(clang libclang-rt-14-dev)
runtime_pkgs=(
  libyaml-cpp0.7 libssl3 libprometheus-cpp-core1.0 libprometheus-cpp-pull1.0 libprometheus-cpp-push1.0
  libbenchmark1debian libboost-regex1.74.0 ca-certificates
)
# Tools the deployment tests run, installed only when the command is missing (a machine may already have a
# newer node/npm/kubectl from elsewhere, which Debian's packages would conflict with): command:package.
tool_cmds=(node:nodejs npm:npm kubectl:kubernetes-client)

case "${1:-}" in
  --runtime) wanted=("${runtime_pkgs[@]}") ;;
  --build-only) wanted=("${build_pkgs[@]}") ;;
  --slurm) wanted=("${slurm_pkgs[@]}") ;;
  --fuzz) wanted=("${build_pkgs[@]}" "${fuzz_pkgs[@]}") ;;
  "") wanted=("${build_pkgs[@]}" "${tool_pkgs[@]}" "${slurm_pkgs[@]}") ;;
  *) echo "usage: $0 [--runtime|--build-only|--slurm|--fuzz]" >&2; exit 2 ;;
esac

missing=()
if [ "${1:-}" = "" ]; then
  for pair in "${tool_cmds[@]}"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
fi
for p in "${wanted[@]}"; do
  # dpkg-query prints "install ok installed" only for a fully installed package.
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# Services from packages (nginx, prometheus, munge, slurmctld) must not start system-wide on install: tests start their own.
if [ ! -e /usr/sbin/policy-rc.d ] && [ -w /usr/sbin ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done" >&2
