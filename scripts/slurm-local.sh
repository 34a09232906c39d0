#!/usr/bin/env bash
# A real single-node SLURM (Debian's 22.05: munged, slurmctld, slurmd, slurmrestd) living entirely in one directory.
#   scripts/slurm-local.sh start DIR   start it (or find it running); the last line printed is slurmrestd's socket
#   scripts/slurm-local.sh stop DIR    stop every process started for DIR (running jobs included)
# Daemons talk over 127.0.0.1 only (free ports picked at start), slurmrestd listens on the Unix socket
# DIR/rest/slurmrestd.sock with rest_auth/local and openapi/v0.0.38. No systemd, nothing outside DIR is written
# (except the packages, installed when missing). Needs root: slurmd launches jobs and slurmrestd drops to
# SLURMRESTD_USER (default nobody; see docs/serve.md#a-real-slurmrestd for why). See docs/serve.md.
set -euo pipefail

die() { echo "slurm-local: error: $*" >&2; exit 1; }
usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }

[ $# -eq 2 ] || usage
action=$1
[ -n "$2" ] || usage
if [ "$action" = stop ] && [ ! -d "$2" ]; then
  echo "slurm-local: nothing to stop ($2 does not exist)" >&2
  exit 0
fi
mkdir -p "$2"
dir=$(cd "$2" && pwd)
conf=$dir/slurm.conf
sock=$dir/rest/slurmrestd.sock
rest_user=${SLURMRESTD_USER:-nobody}
daemons=(slurmrestd slurmd slurmctld munged)
wait_s=${SLURM_LOCAL_WAIT:-90}                 # seconds each step may take on a loaded machine
export SLURM_CONF=$conf

# Each command the script runs, and the Debian package that ships it.
required=(munged:munge mungekey:munge slurmctld:slurmctld slurmd:slurmd slurmrestd:slurmrestd curl:curl
  ps:procps setsid:util-linux)
for c in sbatch scancel scontrol sinfo squeue; do required+=("$c:slurm-client"); done

missing_packages() {
  local pair out=()
  for pair in "${required[@]}"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || out+=("${pair#*:}")
  done
  printf '%s\n' "${out[@]}" | sort -u | tr '\n' ' '
}

ensure_packages() {
  local missing
  missing=$(missing_packages)
  [ -z "${missing// /}" ] && return 0
  echo "slurm-local: installing the SLURM packages (missing: $missing)" >&2
  "$(dirname "$0")/install-deps.sh" --slurm >&2 || true
  missing=$(missing_packages)
  [ -z "${missing// /}" ] || die "missing packages that could not be installed: $missing(try: apt-get install $missing)"
}

pid_of() { cat "$dir/run/$1.pid" 2>/dev/null || true; }
alive() { local p; p=$(pid_of "$1"); [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

# Starts "$@" detached in its own session (so its children can be found at stop), output to DIR/log/NAME.out,
# holding none of the caller's other descriptors (a caller reading our output through a pipe gets its EOF).
launch() {
  local name=$1; shift
  (
    for fd in "/proc/$BASHPID/fd/"*; do
      fd=${fd##*/}
      [ "$fd" -gt 2 ] && eval "exec $fd>&-"
    done
    exec setsid "$@"
  ) >"$dir/log/$name.out" 2>&1 </dev/null &
  echo $! >"$dir/run/$name.pid"
}

# Waits until "$@" succeeds; on timeout shows the daemon's log and stops everything.
await() {
  local name=$1 what=$2; shift 2
  local deadline=$((SECONDS + wait_s))
  until "$@" >/dev/null 2>&1; do
    if ! alive "$name" || [ $SECONDS -ge $deadline ]; then
      echo "slurm-local: $name did not come up ($what); last lines of its logs:" >&2
      tail -n 20 "$dir/log/$name.out" >&2 2>/dev/null || true
      stop_all >/dev/null 2>&1 || true
      die "$name failed to start; logs in $dir/log"
    fi
    sleep 0.2
  done
}

# A TCP port nobody listens on, from /proc/net/tcp* (hex local ports of sockets in LISTEN, state 0A).
# A port below the kernel's ephemeral range (where outgoing connections and other programs' port-0 binds land, so
# a port picked there can be taken before slurmctld binds it) that no socket uses locally, in any state.
free_port() {
  local used p low span
  used=$(awk 'NR > 1 { split($2, a, ":"); print strtonum("0x" a[2]) }' /proc/net/tcp /proc/net/tcp6 2>/dev/null)
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  span=$(( low > 21000 ? low - 20000 : 10000 ))
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % span))
    if ! grep -qx "$p" <<<"$used" && [ "$p" != "${1:-}" ]; then echo "$p"; return; fi
  done
  die "no free TCP port found"
}

write_config() {
  local host cpus ctld_port slurmd_port
  host=$(hostname -s)
  cpus=$(nproc)
  ctld_port=$(free_port)
  slurmd_port=$(free_port "$ctld_port")
  cat >"$conf" <<EOF
# Written by scripts/slurm-local.sh: a single-node cluster on 127.0.0.1, all state under $dir.
ClusterName=perfval-local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
CommunicationParameters=NoInAddrAny,NoCtldInAddrAny
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munged.sock
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.daemon.pid
SlurmdPidFile=$dir/run/slurmd.daemon.pid
MailProg=/bin/true
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
MinJobAge=86400
KillWait=5
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
}

rest_answers() {
  curl -sf -o /dev/null --max-time 5 --unix-socket "$sock" http://localhost/slurm/v0.0.38/ping
}

node_ready() { [ "$(sinfo -h -N -o %t 2>/dev/null | head -n 1)" = idle ] || squeue -h 2>/dev/null | grep -q .; }

# Jobs in three states, so /jobs has what an exporter reads: one completed, one running, one pending.
submit_jobs() {
  squeue -h -t all 2>/dev/null | grep -q . && return 0
  sbatch -Q -J perfval-done -o /dev/null --wrap true
  sbatch -Q -J perfval-running -o /dev/null --wrap 'sleep 86400'
  sbatch -Q -J perfval-later -o /dev/null --begin=now+1day --wrap true
}

# slurmrestd reads DIR/slurm.conf and reaches munged's socket as $rest_user: every directory above DIR must let
# others through (DIR itself is made so below). Nothing outside DIR is changed, so say which one blocks.
check_reachable() {
  local d=$dir
  while d=$(dirname "$d") && [ "$d" != / ]; do
    [ "$(stat -c %A "$d" | cut -c10)" = x ] || [ "$(stat -c %A "$d" | cut -c10)" = t ] ||
      die "$d is not searchable by others, so slurmrestd (running as $rest_user) cannot reach $dir; chmod o+x $d or choose another DIR"
  done
}

start_all() {
  local d
  [ "$(id -u)" -eq 0 ] || die "must run as root: slurmd launches jobs and slurmrestd must drop to $rest_user"
  ensure_packages
  id "$rest_user" >/dev/null 2>&1 || die "SLURMRESTD_USER=$rest_user is not a user on this machine"
  if alive slurmrestd && rest_answers; then echo "$sock"; return 0; fi
  check_reachable
  for d in "${daemons[@]}"; do alive "$d" && { stop_all; break; }; done
  mkdir -p "$dir/log" "$dir/run" "$dir/munge" "$dir/state" "$dir/spool" "$dir/rest"
  # slurmrestd binds its socket after dropping to $rest_user, and must reach munged's socket through DIR.
  chmod 0755 "$dir" "$dir/munge"
  chown "$rest_user:$(id -gn "$rest_user")" "$dir/rest"
  chmod 0700 "$dir/state" "$dir/spool"
  rm -f "$sock"
  cd "$dir/run"  # the daemons' (and so slurmstepd's) working directory, which stop uses to find job steps
  write_config
  [ -s "$dir/munge/munge.key" ] || mungekey --create --keyfile="$dir/munge/munge.key" 2>>"$dir/log/munged.out"
  # In the foreground the daemons log to stderr, i.e. to DIR/log/NAME.out.
  launch munged munged -F --force --socket="$dir/munge/munged.sock" --key-file="$dir/munge/munge.key" \
    --pid-file="$dir/run/munged.daemon.pid" --seed-file="$dir/munge/munged.seed"
  await munged "its socket" test -S "$dir/munge/munged.sock"
  launch slurmctld slurmctld -D -c -f "$conf"
  await slurmctld "scontrol ping" scontrol ping
  launch slurmd slurmd -D -f "$conf"
  await slurmd "node idle" node_ready
  submit_jobs >/dev/null
  launch slurmrestd env SLURMRESTD_SECURITY=disable_unshare_sysv slurmrestd -f "$conf" -a rest_auth/local \
    -s openapi/v0.0.38 -u "$rest_user" -g "$(id -gn "$rest_user")" "unix:$sock"
  await slurmrestd "GET /slurm/v0.0.38/ping on $sock" rest_answers
  echo "slurm-local: SLURM $(sinfo -V | cut -d' ' -f2) running in $dir (logs in $dir/log)" >&2
  echo "$sock"
}

# Pids of every process in the sessions the daemons were started in (the daemons and what they forked).
session_pids() {
  local sids=() d p
  for d in "${daemons[@]}"; do p=$(pid_of "$d"); [ -n "$p" ] && sids+=("$p"); done
  [ ${#sids[@]} -gt 0 ] || return 0
  ps -e -o pid=,sid= | awk -v s=" ${sids[*]} " 'index(s, " " $2 " ") && $1 != $2 { print $1 }'
}

# Job processes, which leave slurmd's session: slurmstepd (it runs in slurmd's directory, DIR/run) and the
# job's own processes (SLURM_CONF=DIR/slurm.conf and SLURM_JOB_ID in their environment).
job_pids() {
  local p cmd f
  for p in /proc/[0-9]*; do
    cmd=""
    IFS= read -r -d '' cmd 2>/dev/null <"$p/cmdline" || true
    [[ $cmd == slurmstepd* ]] && [ "$(readlink "$p/cwd" 2>/dev/null)" = "$dir/run" ] && echo "${p#/proc/}"
  done
  grep -lzx "SLURM_CONF=$conf" /proc/[0-9]*/environ 2>/dev/null | while read -r f; do
    grep -qz '^SLURM_JOB_ID=' "$f" 2>/dev/null && p=${f#/proc/} && echo "${p%/environ}"
  done
  return 0
}

stop_pids() {  # TERM to all, then KILL what is left after 20 s
  local p alive_pids
  [ $# -gt 0 ] || return 0
  kill -TERM "$@" 2>/dev/null || true
  for _ in $(seq 100); do
    alive_pids=()
    for p in "$@"; do kill -0 "$p" 2>/dev/null && alive_pids+=("$p"); done
    [ ${#alive_pids[@]} -eq 0 ] && return 0
    sleep 0.2
  done
  kill -KILL "${alive_pids[@]}" 2>/dev/null || true
}

stop_all() {
  local d p left
  if alive slurmctld; then  # let SLURM end its jobs first; what survives is killed below
    scancel --quiet --user=root 2>/dev/null || true
    for _ in $(seq 100); do [ -z "$(job_pids)" ] && break; sleep 0.2; done
  fi
  # munged last: the others may still authenticate a message while they shut down.
  # shellcheck disable=SC2046
  stop_pids $(for d in slurmrestd slurmd slurmctld; do alive "$d" && pid_of "$d"; done)
  alive munged && stop_pids "$(pid_of munged)"
  # What the daemons forked outlives them in their sessions (slurmctld's slurmscriptd) or in its own (jobs).
  # shellcheck disable=SC2046
  stop_pids $(session_pids) $(job_pids)
  left=""
  for d in "${daemons[@]}"; do
    alive "$d" && left+="$d($(pid_of "$d")) "
  done
  for p in $(job_pids); do left+="$p "; done
  [ -z "$left" ] || die "still running after SIGKILL: $left"
  rm -f "$dir"/run/*.pid "$sock"
}

case "$action" in
  start) start_all ;;
  stop) stop_all; echo "slurm-local: stopped (nothing left running for $dir)" >&2 ;;
  *) usage ;;
esac
