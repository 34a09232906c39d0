#!/usr/bin/env bash
# Benchmark (not a test): perfval's closed model against wrk on a local nginx, in alternating runs.
# Prints req/s of both and their ratio, CPU seconds per 100k requests of both and their ratio, the CPU each
# load generator and nginx's workers used (which one is the bottleneck), perfval's peak RSS, and per request how
# often nginx's workers were preempted and how many function-call interrupts (wake-ups of an idle CPU) it took
# (docs/performance.md#sharing-cores-with-the-target); then 10,000
# concurrent VUs (peak RSS) and an open-model run at 20,000 req/s (achieved rate). Only 127.0.0.1 is targeted.
#   scripts/bench-vs-wrk.sh [RUNS] [SECONDS]        defaults: 5 runs of 10 s per tool and configuration
#   PERFVAL=path/to/perfval scripts/bench-vs-wrk.sh  measure another build (e.g. the previous one)
#   scripts/bench-vs-wrk.sh --tls [RUNS] [SECONDS]  the same table over HTTPS (nginx with a certificate from a
#                                                   private CA made here; perfval verifies it with ca_file, wrk
#                                                   does not verify); the 10k-VU and open-model parts are skipped
#   NGINX_WORKERS=2 scripts/bench-vs-wrk.sh ...      nginx with 2 worker processes (default 1): on 2 cores nginx
#                                                   then competes with the load generator for the CPU, so what
#                                                   the generator spends per request is taken from nginx
#   PERFVAL_RUN_ARGS='--sched batch' scripts/bench-vs-wrk.sh ...   extra options for every `perfval run` here
#                                                   (docs/performance.md#sharing-cores-with-the-target)
set -euo pipefail
cd "$(dirname "$0")/.."
tls=0
if [ "${1:-}" = "--tls" ]; then tls=1; shift; fi
runs=${1:-5}
secs=${2:-10}
scripts/install-deps.sh
if [ -z "${PERFVAL:-}" ]; then scripts/build.sh perfval >/dev/null; fi
perfval=${PERFVAL:-$PWD/build/perfval}
ulimit -n "$(ulimit -Hn)"

. scripts/local-nginx.sh
base_url="http://127.0.0.1:$port" ca_line=""
if [ "$tls" = 1 ]; then
  # A private CA and a certificate for localhost, then nginx reloaded with TLS on the same port.
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "/CN=bench CA" \
    -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=localhost" \
    -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost\n' >"$work/server.ext"
  openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -days 1 \
    -extfile "$work/server.ext" -out "$work/server.pem" 2>/dev/null
  sed -i "s|listen 127.0.0.1:$port backlog=8192;|listen 127.0.0.1:$port ssl backlog=8192; ssl_certificate $work/server.pem; ssl_certificate_key $work/server.key;|" "$work/nginx.conf"
  nginx -p "$work" -c "$work/nginx.conf" -s reload
  base_url="https://localhost:$port" ca_line=", ca_file: \"$work/ca.pem\""
  url="$base_url/100b"
  for _ in $(seq 50); do curl -sf --cacert "$work/ca.pem" -o /dev/null "$url" && break; sleep 0.1; done
  sleep 1  # the old worker leaves once idle: measure the new one
fi
nginx_workers=$(pgrep -P "$(cat "$work/nginx.pid")" | tr '\n' ' ')

scenario() {  # scenario VUS SECONDS FILE
  cat >"$3" <<YAML
name: nginx-closed-$1
target: {base_url: "$base_url"$ca_line}
requests: [{name: file, path: /100b}]
executor: constant-vus
vus: $1
duration: ${2}s
gracefulStop: 2s
YAML
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# nginx_proc FILE: /proc/PID/FILE of each of nginx's workers (one that has left since is skipped).
nginx_proc() {
  local w
  for w in $nginx_workers; do cat "/proc/$w/$1" 2>/dev/null || true; done
}
# CPU seconds (user + system) nginx's workers have used so far.
nginx_cpu() { nginx_proc stat | awk -v hz="$(getconf CLK_TCK)" '{sub(/.*\) /, ""); s += $12 + $13} END {print s / hz}'; }
# Times nginx's workers were preempted (involuntary context switches) so far.
nginx_preempted() { nginx_proc status | awk '/^nonvoluntary_ctxt_switches/ {s += $2} END {printf "%.0f\n", s}'; }
# Function-call inter-processor interrupts so far (how a wake-up reaches an idle CPU), summed over the CPUs: the
# whole machine's, so anything else running lands in the per-request figure too (x86 only; elsewhere 0).
call_ipis() { awk '$1 == "CAL:" {for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i} END {printf "%.0f\n", s}' /proc/interrupts; }

# measure CMD... -> "reqs_per_s requests cpu_s peak_rss_kib wall_s nginx_cpu_s nginx_preempted ipis": the load
# generator's req/s, requests, CPU (user + system) and peak RSS, the wall time, and meanwhile the CPU nginx's
# workers spent, the times they were preempted and the function-call interrupts
measure() {
  local out n0 n1 t0 t1 p0 p1 i0 i1
  n0=$(nginx_cpu); p0=$(nginx_preempted); i0=$(call_ipis); t0=$(date +%s.%N)
  out=$( { /usr/bin/time -f "TIME %U %S %M" "$@" 2>&1; } )
  t1=$(date +%s.%N); n1=$(nginx_cpu); p1=$(nginx_preempted); i1=$(call_ipis)
  local rps reqs cpu rss
  rps=$(printf '%s\n' "$out" | awk '/Requests\/sec:/ {print $2} /^  http_reqs\.+:/ {sub("/s","",$3); print $3}' | head -1)
  reqs=$(printf '%s\n' "$out" | awk '/ requests in / {print $1} /^  http_reqs\.+:/ {print $2}' | head -1)
  cpu=$(printf '%s\n' "$out" | awk '/^TIME/ {print $2+$3}')
  rss=$(printf '%s\n' "$out" | awk '/^TIME/ {print $4}')
  echo "$rps $reqs $cpu $rss $(echo "$t1 - $t0" | bc -l) $(echo "$n1 - $n0" | bc -l) $((p1 - p0)) $((i1 - i0))"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); nginx $(nginx -v 2>&1 | cut -d/ -f2), ${NGINX_WORKERS:-1} worker(s), 100-byte file"
echo "runs: $runs x ${secs}s per tool and configuration, alternating wrk and perfval${PERFVAL_RUN_ARGS:+ (perfval run $PERFVAL_RUN_ARGS)}"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '\n%-10s %10s %10s %8s %10s %10s %9s %18s %18s %9s\n' "thr/conns" "wrk req/s" "pv req/s" "req/s" "wrk cpu" "pv cpu" "cpu/req" "wrk run: cpu %" "pv run: cpu %" "pv RSS"
printf '%-10s %10s %10s %8s %10s %10s %9s %18s %18s %9s\n' "" "(median)" "(median)" "ratio" "s/100k" "s/100k" "ratio" "wrk / nginx" "perfval / nginx" ""
for cfg in "1 50" "2 100"; do
  set -- $cfg
  threads=$1 conns=$2
  scenario "$conns" "$secs" "$work/closed.yaml"
  : >"$work/wrk" ; : >"$work/pv"
  for r in $(seq "$runs"); do
    measure wrk -t"$threads" -c"$conns" -d"${secs}s" "$url" >>"$work/wrk"
    # shellcheck disable=SC2086  # PERFVAL_RUN_ARGS is a list of options
    measure "$perfval" run "$work/closed.yaml" --threads "$threads" --quiet ${PERFVAL_RUN_ARGS:-} >>"$work/pv"
  done
  # Per-run ratios pair run r of perfval with run r of wrk (alternating runs share the machine's state).
  paste -d' ' "$work/pv" "$work/wrk" >"$work/pairs"
  # pv's fields are $1-$8, wrk's $9-$16 (measure's order)
  rps_ratio=$(awk '{printf "%.3f\n", $1/$9}' "$work/pairs" | median)
  cpu_ratio=$(awk '{printf "%.3f\n", ($3/$2)/($11/$10)}' "$work/pairs" | median)
  per100k() { awk '{print $3/$2*100000}' "$1" | median; }
  busy() { awk '{print 100*$3/$5}' "$1" | median; }      # the generator's CPU, % of one core
  nginx_busy() { awk '{print 100*$6/$5}' "$1" | median; }  # nginx's workers together, % of one core
  printf '%-10s %10.0f %10.0f %8.3f %10.2f %10.2f %9.3f %8.0f / %-7.0f %8.0f / %-7.0f %7.1fMiB\n' "$threads/$conns" \
    "$(cut -d' ' -f1 "$work/wrk" | median)" "$(cut -d' ' -f1 "$work/pv" | median)" "$rps_ratio" \
    "$(per100k "$work/wrk")" "$(per100k "$work/pv")" "$cpu_ratio" "$(busy "$work/wrk")" "$(nginx_busy "$work/wrk")" \
    "$(busy "$work/pv")" "$(nginx_busy "$work/pv")" "$(echo "$(cut -d' ' -f4 "$work/pv" | median)/1024" | bc -l)"
  echo "  per-run req/s ratios: $(awk '{printf "%.3f ", $1/$9}' "$work/pairs")"
  echo "  per-run CPU-per-request ratios: $(awk '{printf "%.3f ", ($3/$2)/($11/$10)}' "$work/pairs")"
  per_req() { awk -v f="$2" '{printf "%.3f\n", $f/$2}' "$1" | median; }
  echo "  per request (medians), wrk / perfval: nginx preempted $(per_req "$work/wrk" 7) / $(per_req "$work/pv" 7)," \
    "function-call interrupts $(per_req "$work/wrk" 8) / $(per_req "$work/pv" 8)"
done
echo "cpu %: CPU time over wall time of the run, % of one core (wrk and perfval: user + system; nginx: its workers together)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$tls" = 1 ]; then echo "over TLS: $(openssl version), nginx's default ciphers, one handshake per connection"; exit 0; fi

echo
echo "10,000 concurrent VUs (closed model, 1 s think time, ${secs}s):"
cat >"$work/10k.yaml" <<YAML
name: nginx-10k-vus
target: {base_url: "http://127.0.0.1:$port"}
requests: [{name: file, path: /100b}]
executor: constant-vus
vus: 10000
think_time: 1s
duration: ${secs}s
gracefulStop: 5s
YAML
# shellcheck disable=SC2086
read -r k_rps _ _ k_rss _ _ < <(measure "$perfval" run "$work/10k.yaml" --quiet ${PERFVAL_RUN_ARGS:-})
echo "  req/s $k_rps, peak RSS $(echo "$k_rss/1024" | bc -l | xargs printf '%.1f') MiB"

echo
echo "open model, constant-arrival-rate 20,000 req/s for ${secs}s:"
open_scenario "$work/open.yaml" nginx-open-20k 20000 "$secs"
# shellcheck disable=SC2086
"$perfval" run "$work/open.yaml" --quiet --out "$work/open" ${PERFVAL_RUN_ARGS:-} >/dev/null || true
python3 - "$work/open/summary.json" "$secs" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
m = d["metrics"]
target = 20000 * float(sys.argv[2])
count = m["http_reqs"]["count"]
print(f"  requests {count:.0f} of {target:.0f} scheduled ({100*count/target:.2f} %), "
      f"dropped {m['dropped_iterations']['count']:.0f}, rate {m['http_reqs']['rate']:.0f}/s, "
      f"p99 corrected {m['http_req_duration']['p(99)']:.2f} ms, uncorrected {m['http_req_duration_uncorrected']['p(99)']:.2f} ms")
PY
