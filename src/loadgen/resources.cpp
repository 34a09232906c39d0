// Resource readings of the target: parsing a /metrics body, and folding readings into the run's summary.
#include "perfval/loadgen/resources.hpp"

#include <algorithm>
#include <cstdlib>

#include "perfval/common/duration.hpp"
#include "perfval/common/error.hpp"
#include "perfval/common/format.hpp"
#include "perfval/common/prom_text.hpp"

namespace perfval::loadgen {

std::chrono::nanoseconds ResourceConfig::effective_timeout() const {
  if (timeout.count() > 0) return timeout;
  return std::min<std::chrono::nanoseconds>(interval, std::chrono::seconds(10));
}

std::string ResourceConfig::describe() const {
  switch (source) {
    case Source::metrics_url: return "metrics_url " + url + (unix_socket.empty() ? "" : " via unix:" + unix_socket);
    case Source::prometheus: return "prometheus " + url + " " + selector;
    case Source::pid: return "pid " + std::to_string(pid);
  }
  return {};
}

namespace {
void add_to(std::optional<double>& into, double v) { into = into.value_or(0) + v; }
}  // namespace

ResourceReading reading_from_exposition(std::string_view text) {
  ResourceReading r;
  try {
    parse_prometheus_text(text, [&r](const PromSample& s) {
      // Several label sets of one family (rare for process_*) are summed, as one process would report them.
      if (s.name == "process_resident_memory_bytes") add_to(r.memory_bytes, s.value);
      else if (s.name == "process_cpu_seconds_total") add_to(r.cpu_seconds, s.value);
      else if (s.name == "go_gc_duration_seconds_sum") r.gc_pause_sum = s.value;
      else if (s.name == "go_gc_duration_seconds_count") r.gc_count = s.value;
      else if (s.name == "go_memstats_heap_inuse_bytes") r.heap_inuse_bytes = s.value;
      else if (s.name == "go_goroutines") r.goroutines = s.value;
      else if (s.name == "go_gc_duration_seconds") {
        for (const auto& l : s.labels) {
          if (l.name != "quantile") continue;
          r.gc_quantiles.emplace_back(std::strtod(std::string(l.raw_value).c_str(), nullptr), s.value);
        }
      }
    });
  } catch (const Error& e) {
    r = ResourceReading{};
    r.error = std::string("malformed exposition: ") + e.what();
    return r;
  }
  if (!r.memory_bytes) r.missing.push_back("process_resident_memory_bytes");
  if (!r.cpu_seconds) r.missing.push_back("process_cpu_seconds_total");
  std::sort(r.gc_quantiles.begin(), r.gc_quantiles.end());
  return r;
}

void ResourceStat::add(double v) {
  min = count == 0 ? v : std::min(min, v);
  max = count == 0 ? v : std::max(max, v);
  sum += v;
  last = v;
  ++count;
}

ResourceStat& ResourceStat::operator+=(const ResourceStat& o) {
  if (o.count == 0) return *this;
  min = count == 0 ? o.min : std::min(min, o.min);
  max = count == 0 ? o.max : std::max(max, o.max);
  sum += o.sum;
  last = o.last;
  count += o.count;
  return *this;
}

std::string ResourceSummary::no_data_reason() const {
  if (!sampled()) return "resources are not sampled (no target.resources in the scenario)";
  if (!error_examples.empty()) {
    return error_examples.front() + " (" + std::to_string(errors) + " of " + std::to_string(errors + samples) +
           " readings failed)";
  }
  if (!notes.empty()) return notes.front();
  return "no readings";
}

ResourceTracker::ResourceTracker(std::string source) { summary_.source = std::move(source); }

void ResourceTracker::note_once(const std::string& note) {
  if (std::find(summary_.notes.begin(), summary_.notes.end(), note) == summary_.notes.end()) {
    summary_.notes.push_back(note);
  }
}

void ResourceTracker::add(const ResourceReading& r) {
  if (r.gone) {
    note_once(r.error + "; sampling stopped at " + format_double("%.1f", r.t) + " s");
    return;
  }
  if (!r.error.empty()) {
    ++summary_.errors;
    if (summary_.error_examples.empty()) summary_.error_examples.push_back(r.error);
    return;
  }
  ++summary_.samples;
  if (!r.missing.empty()) {
    std::string names;
    for (const auto& m : r.missing) names += (names.empty() ? "" : ", ") + m;
    note_once("the target reports no " + names);
  }
  Point p;
  p.t = r.t;
  if (r.memory_bytes) {
    summary_.memory.add(*r.memory_bytes);
    p.memory_bytes = r.memory_bytes;
  }
  add_cpu(r, p);
  add_gc(r);
  if (r.heap_inuse_bytes) summary_.heap_inuse.add(*r.heap_inuse_bytes);
  if (r.goroutines) summary_.goroutines.add(*r.goroutines);
  points_.push_back(p);
}

void ResourceTracker::add_cpu(const ResourceReading& r, Point& p) {
  if (r.cpu_cores) {
    summary_.cpu.add(*r.cpu_cores);
    p.cpu_cores = r.cpu_cores;
    summary_.cpu_cores_avg = summary_.cpu.avg();
    return;
  }
  if (!r.cpu_seconds) return;
  const std::pair<double, double> now{r.t, *r.cpu_seconds};
  if (!cpu_first_) cpu_first_ = now;
  if (cpu_prev_ && now.first > cpu_prev_->first) {
    const double used = now.second - cpu_prev_->second;
    if (used < 0) {
      note_once("the CPU counter went backwards at " + format_double("%.1f", r.t) + " s (target restarted?)");
    } else {
      const double cores = used / (now.first - cpu_prev_->first);
      summary_.cpu.add(cores);
      p.cpu_cores = cores;
      cpu_used_ += used;
      summary_.cpu_cores_avg = cpu_used_ / (now.first - cpu_first_->first);
    }
  }
  cpu_prev_ = now;
}

void ResourceTracker::add_gc(const ResourceReading& r) {
  if (!r.gc_quantiles.empty()) {
    // Quantile 1 is the longest of the recent pauses the Go runtime keeps (its last 256 cycles).
    if (r.gc_quantiles.back().first == 1.0) summary_.gc_pause.add(r.gc_quantiles.back().second * 1000.0);
    summary_.gc_quantiles_ms.clear();
    for (const auto& [q, seconds] : r.gc_quantiles) summary_.gc_quantiles_ms.emplace_back(q, seconds * 1000.0);
  }
  if (!r.gc_pause_sum || !r.gc_count) return;
  if (!gc_first_) {
    gc_first_ = std::make_pair(*r.gc_pause_sum, *r.gc_count);
    summary_.gc_cycles = 0;
    return;
  }
  const double cycles = *r.gc_count - gc_first_->second;
  if (cycles < 0) return;  // restarted: keep what was measured before
  summary_.gc_cycles = cycles;
  if (cycles > 0) summary_.gc_pause_avg_ms = (*r.gc_pause_sum - gc_first_->first) / cycles * 1000.0;
}

}  // namespace perfval::loadgen
