#!/bin/sh
# One pod of the Indexed Job load-test-distributed: runs segment JOB_COMPLETION_INDEX/SEGMENTS of SCENARIO from a
# start instant shared by all pods; pod 0 then merges every segment's summary and its exit code is the verdict.
#
# Coordination goes through the shared results volume, in RESULTS_DIR/RUN_ID/ (RUN_ID: the Job's uid):
#   start-at              Unix seconds; the first pod to arrive stamps now + START_DELAY, the others read it.
#                         Written to a private file and hard-linked into place: link() either creates the whole
#                         file or fails because it exists, so no pod ever reads a half-written or second value.
#   segment-<i>/summary.json   what segment i measured (perfval run --out)
#   segment-<i>/exit-code      written last: segment i is done (0 or 99 = measured; anything else = failed)
#   merged.json                perfval merge of all segments; thresholds are judged on it, not per segment.
#   report.html                the HTML report of merged.json (perfval report)
#
# Environment: JOB_COMPLETION_INDEX (set by Kubernetes), SEGMENTS, RUN_ID, SCENARIO, RESULTS_DIR, and optionally
# TARGET (base URL), START_DELAY (seconds, default 60), MERGE_TIMEOUT (seconds pod 0 waits for the others after its
# own segment, default 600), LATE_LIMIT (seconds a pod may arrive after the start, default 10), PERFVAL_RUN_ARGS
# (extra `perfval run` options, split on spaces), PERFVAL (the binary, default perfval).
set -eu

index=${JOB_COMPLETION_INDEX:?"not set: run this as a pod of an Indexed Job (completionMode: Indexed)"}
segments=${SEGMENTS:?"not set: the number of segments (completions and parallelism of the Job)"}
run_id=${RUN_ID:?"not set: a folder name shared by all pods of this run (the Job's uid)"}
scenario=${SCENARIO:?"not set: the scenario file"}
results=${RESULTS_DIR:?"not set: the shared results folder"}
perfval=${PERFVAL:-perfval}
start_delay=${START_DELAY:-60}
merge_timeout=${MERGE_TIMEOUT:-600}
late_limit=${LATE_LIMIT:-10}

log() { echo "distributed-run[$index/$segments]: $*" >&2; }

dir="$results/$run_id"
out="$dir/segment-$index"
mkdir -p "$out"

# A retried pod must not rejoin a run that has already started: its share would run late and skew the merge.
if [ -e "$out/exit-code" ]; then
  log "segment $index already ran in $dir (a retried pod?); not running it twice"
  exit 2
fi

echo $(( $(date +%s) + start_delay )) > "$dir/start-at.$index"
ln "$dir/start-at.$index" "$dir/start-at" 2>/dev/null || true
rm -f "$dir/start-at.$index"
start_at=$(cat "$dir/start-at")
now=$(date +%s)
if [ "$now" -gt $(( start_at + late_limit )) ]; then
  log "arrived $(( now - start_at )) s after the shared start $start_at; the run is already under way without this segment"
  exit 2
fi
log "segment $index of $segments starts at $(date -u -d "@$start_at" +%Y-%m-%dT%H:%M:%SZ) (in $(( start_at - now )) s)"

set -- run "$scenario" --segment "$index/$segments" --start-at "$start_at" --out "$out"
if [ -n "${TARGET:-}" ]; then set -- "$@" --target "$TARGET"; fi
# shellcheck disable=SC2086  # PERFVAL_RUN_ARGS is a list of options, split on purpose
set -- "$@" ${PERFVAL_RUN_ARGS:-}
rc=0
"$perfval" "$@" || rc=$?
echo "$rc" > "$out/exit-code.tmp" && mv "$out/exit-code.tmp" "$out/exit-code"
case "$rc" in
  0|99) ;;  # measured; a segment's own thresholds see only its share, the merged result decides
  *) log "perfval run exited $rc"; exit "$rc" ;;
esac
[ "$index" -eq 0 ] || exit 0

# Pod 0: wait for every segment to finish, then merge.
waited=0
while :; do
  done_count=0
  i=0
  while [ "$i" -lt "$segments" ]; do
    [ -e "$dir/segment-$i/exit-code" ] && done_count=$(( done_count + 1 ))
    i=$(( i + 1 ))
  done
  [ "$done_count" -lt "$segments" ] || break
  if [ "$waited" -ge "$merge_timeout" ]; then
    log "gave up after ${merge_timeout} s: only $done_count of $segments segments finished in $dir"
    exit 2
  fi
  sleep 2
  waited=$(( waited + 2 ))
done

set --
i=0
while [ "$i" -lt "$segments" ]; do
  code=$(cat "$dir/segment-$i/exit-code")
  case "$code" in
    0|99) set -- "$@" "$dir/segment-$i/summary.json" ;;
    *) log "segment $i failed with exit code $code; no merged result"; exit 2 ;;
  esac
  i=$(( i + 1 ))
done
log "merging $segments segments into $dir/merged.json"
rc=0
"$perfval" merge "$@" -o "$dir/merged.json" || rc=$?
# The HTML report of the whole run beside merged.json; a report that cannot be made changes no verdict.
[ ! -s "$dir/merged.json" ] || "$perfval" report "$dir/merged.json" -o "$dir/report.html" || true
exit "$rc"
