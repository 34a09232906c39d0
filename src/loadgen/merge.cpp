// merge_summaries: the segments of one distributed run combined exactly, then judged by the shared thresholds.
#include <algorithm>
#include <map>
#include <set>

#include "perfval/common/error.hpp"
#include "perfval/loadgen/schedule.hpp"
#include "perfval/loadgen/summary_io.hpp"

namespace perfval::loadgen {

namespace {
std::string threshold_key(const RunSummary& s) {
  std::string k;
  for (const auto& t : s.threshold_specs) k += t.selector.key + " " + t.expr.source + (t.abort_on_fail ? " !" : "") + "\n";
  return k;
}

std::string catalog_key(const RunSummary& s) {
  std::string k;
  for (const auto& e : s.catalog.entries) k += e.scenario + "/" + e.name + "\n";
  return k;
}

void check_segments(const std::vector<RunSummary>& parts, const std::vector<std::string>& files, bool allow_partial) {
  const Segment first = parse_segment(parts[0].segment);
  std::map<int, std::string> seen;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const Segment seg = parse_segment(parts[i].segment);
    if (seg.count != first.count) {
      throw Error(files[i] + ": segment " + seg.to_string() + " does not belong to a run split in " +
                  std::to_string(first.count) + " (" + files[0] + " is " + first.to_string() + ")");
    }
    if (auto [it, inserted] = seen.emplace(seg.index, files[i]); !inserted) {
      throw Error(files[i] + ": segment " + seg.to_string() + " is also in " + it->second);
    }
  }
  if (!allow_partial && static_cast<int>(seen.size()) != first.count) {
    std::string missing;
    for (int i = 0; i < first.count; ++i) {
      if (!seen.count(i)) missing += (missing.empty() ? "" : ", ") + std::to_string(i) + "/" + std::to_string(first.count);
    }
    throw Error("segments missing: " + missing + " (merging a partial run would understate counts and rates; "
                "pass --allow-partial to merge anyway)");
  }
}

// Per-second samples add up; percentiles of a second cannot be merged exactly, so they are request-weighted.
void merge_timeseries(std::vector<IntervalSample>& into, const std::vector<IntervalSample>& from) {
  if (into.size() < from.size()) into.resize(from.size());
  for (std::size_t i = 0; i < from.size(); ++i) {
    IntervalSample& a = into[i];
    const IntervalSample& b = from[i];
    const double wa = static_cast<double>(a.requests), wb = static_cast<double>(b.requests);
    if (wa + wb > 0) {
      a.p50 = (a.p50 * wa + b.p50 * wb) / (wa + wb);
      a.p95 = (a.p95 * wa + b.p95 * wb) / (wa + wb);
      a.p99 = (a.p99 * wa + b.p99 * wb) / (wa + wb);
    }
    a.t = std::max(a.t, b.t);
    a.length = std::max(a.length, b.length);
    a.requests += b.requests;
    a.errors += b.errors;
    a.dropped += b.dropped;
    a.vus += b.vus;
    a.bytes_received += b.bytes_received;
    // Every segment samples the same target: the readings are of one process, not parts to add.
    if (b.memory_bytes) a.memory_bytes = std::max(a.memory_bytes.value_or(0), *b.memory_bytes);
    if (b.cpu_cores) a.cpu_cores = std::max(a.cpu_cores.value_or(0), *b.cpu_cores);
  }
}

// The segments' readings of the one target, pooled (each segment read it on its own).
void merge_resources(ResourceSummary& into, const ResourceSummary& from) {
  if (!from.sampled()) return;
  const double n_into = static_cast<double>(into.cpu.count), n_from = static_cast<double>(from.cpu.count);
  if (from.cpu_cores_avg) {
    into.cpu_cores_avg = n_into + n_from > 0 && into.cpu_cores_avg
                             ? (*into.cpu_cores_avg * n_into + *from.cpu_cores_avg * n_from) / (n_into + n_from)
                             : from.cpu_cores_avg;
  }
  if (into.source.empty()) into.source = from.source;
  into.samples += from.samples;
  into.errors += from.errors;
  if (into.error_examples.empty()) into.error_examples = from.error_examples;
  for (const auto& n : from.notes) {
    if (std::find(into.notes.begin(), into.notes.end(), n) == into.notes.end()) into.notes.push_back(n);
  }
  into.memory += from.memory;
  into.cpu += from.cpu;
  into.gc_pause += from.gc_pause;
  into.heap_inuse += from.heap_inuse;
  into.goroutines += from.goroutines;
  if (from.gc_cycles) into.gc_cycles = std::max(into.gc_cycles.value_or(0), *from.gc_cycles);
  if (from.gc_pause_avg_ms) into.gc_pause_avg_ms = std::max(into.gc_pause_avg_ms.value_or(0), *from.gc_pause_avg_ms);
}
}  // namespace

RunSummary merge_summaries(const std::vector<RunSummary>& parts, const std::vector<std::string>& files,
                           bool allow_partial) {
  if (parts.empty()) throw Error("perfval merge: no summaries given");
  const RunSummary& first = parts[0];
  for (std::size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].name != first.name || parts[i].file != first.file) {
      throw Error(files[i] + ": scenario \"" + parts[i].name + "\" (" + parts[i].file + ") differs from \"" + first.name +
                  "\" (" + first.file + ") in " + files[0] + ": only segments of one run can be merged");
    }
    if (catalog_key(parts[i]) != catalog_key(first)) {
      throw Error(files[i] + ": its requests differ from those of " + files[0] + ": only segments of one run can be merged");
    }
    if (threshold_key(parts[i]) != threshold_key(first)) {
      throw Error(files[i] + ": its thresholds differ from those of " + files[0]);
    }
  }
  check_segments(parts, files, allow_partial);
  RunSummary merged = first;
  merged.segment = "0/1";
  merged.totals = Stats(first.catalog.entries.size());
  merged.resources = ResourceSummary{};
  merged.timeseries.clear();
  merged.error_examples.clear();
  // Steps are judged on per-step histograms a summary does not carry: one segment's steps are not the run's.
  merged.steps.clear();
  merged.capacity_found.reset();
  merged.knee.reset();
  merged.threads = 0;
  merged.duration = 0;
  merged.started_at = first.started_at;
  std::int64_t vus_max = 0;
  std::set<std::string> examples;
  for (const auto& p : parts) {
    merged.totals += p.totals;
    vus_max += p.vus_max;
    merge_resources(merged.resources, p.resources);
    merged.threads += p.threads;
    if (p.sched != first.sched) merged.sched = "mixed";  // segments run with different --sched
    if (merged.sched_note.empty()) merged.sched_note = p.sched_note;
    merged.duration = std::max(merged.duration, p.duration);
    merged.started_at = std::min(merged.started_at, p.started_at);
    merged.aborted = merged.aborted || p.aborted;
    merged.interrupted = merged.interrupted || p.interrupted;
    if (merged.abort_reason.empty()) merged.abort_reason = p.abort_reason;
    merge_timeseries(merged.timeseries, p.timeseries);
    for (const auto& e : p.error_examples) {
      if (examples.insert(e).second) merged.error_examples.push_back(e);
    }
  }
  merged.vus_max = vus_max;
  merged.vus = merged.timeseries.empty() ? 0 : merged.timeseries.back().vus;
  evaluate_summary_thresholds(merged);
  return merged;
}

}  // namespace perfval::loadgen
