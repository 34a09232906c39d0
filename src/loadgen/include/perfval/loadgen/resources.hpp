// The target's own resources sampled during a run (docs/scenarios.md#resources): what to sample, one reading,
// and the summary of all readings. The sampler itself (a thread of its own) is in resource_sampler.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace perfval::loadgen {

// `target.resources` of a scenario.
struct ResourceConfig {
  enum class Source { metrics_url, prometheus, pid };
  Source source = Source::metrics_url;
  std::string url;       // metrics_url: absolute, or a path ("/metrics") on the scenario's base_url; prometheus: base URL
  std::string selector;  // prometheus: label matchers with braces, e.g. {namespace="x",pod=~"x-.*"}
  std::string memory_metric = "container_memory_working_set_bytes";  // prometheus: summed over the matched series
  std::string cpu_metric = "container_cpu_usage_seconds_total";      // prometheus: a CPU-seconds counter, summed
  std::chrono::nanoseconds rate_window = std::chrono::minutes(1);    // prometheus: rate() window of cpu_metric
  int pid = 0;           // pid: a local process, read from /proc
  std::chrono::nanoseconds interval = std::chrono::seconds(1);  // between readings
  std::chrono::nanoseconds timeout{0};  // per reading; 0: the interval, at most 10 s
  bool verify_tls = true;  // https metrics_url: verify the certificate (false: the target's insecureSkipTLSVerify)
  std::string ca_file;     // https metrics_url: the target's target.ca_file (empty: the system store)
  std::string unix_socket; // metrics_url on the target: its target.unix_socket (empty: TCP to `url`)

  bool operator==(const ResourceConfig&) const = default;
  std::chrono::nanoseconds effective_timeout() const;
  std::string describe() const;  // "metrics_url http://x/metrics", "prometheus http://p:9090 {...}", "pid 1234"
};

// One reading of the target. Counters (CPU seconds, GC sums) become rates between readings.
struct ResourceReading {
  double t = 0;                           // seconds since the run's start
  std::optional<double> memory_bytes;     // resident / working-set memory, bytes
  std::optional<double> cpu_seconds;      // CPU time used so far, seconds (a counter)
  std::optional<double> cpu_cores;        // CPU already as a rate (Prometheus rate()), cores
  std::vector<std::pair<double, double>> gc_quantiles;  // go_gc_duration_seconds: quantile -> seconds
  std::optional<double> gc_pause_sum;     // go_gc_duration_seconds_sum, seconds (counter)
  std::optional<double> gc_count;         // go_gc_duration_seconds_count, GC cycles (counter)
  std::optional<double> heap_inuse_bytes; // go_memstats_heap_inuse_bytes
  std::optional<double> goroutines;       // go_goroutines
  std::string error;                      // non-empty: the reading failed, e.g. "connect: Connection refused"
  std::vector<std::string> missing;       // series the source does not have (named once, in a note)
  bool gone = false;                      // the process exited: sampling stops
};

// Reads a Prometheus text exposition (a target's /metrics): process_*, go_gc_duration_seconds, go_memstats.
// A malformed body yields a reading with `error` set (the parser's message, with line and column).
ResourceReading reading_from_exposition(std::string_view text);

// count/sum/min/max/last of one resource figure over the readings.
struct ResourceStat {
  std::uint64_t count = 0;  // readings with this figure
  double sum = 0, min = 0, max = 0, last = 0;  // in the figure's unit

  void add(double v);
  bool empty() const { return count == 0; }
  double avg() const { return count > 0 ? sum / static_cast<double>(count) : 0; }
  ResourceStat& operator+=(const ResourceStat& o);  // readings of the same target by several processes
};

// Everything the readings of one run say about the target (summary.json `resources`, docs/results.md).
struct ResourceSummary {
  std::string source;             // ResourceConfig::describe(); empty: resources were not sampled
  std::uint64_t samples = 0;      // readings that succeeded
  std::uint64_t errors = 0;       // readings that failed
  std::vector<std::string> error_examples;  // the first failure, e.g. "connect: Connection refused"
  std::vector<std::string> notes;           // series missing, counter resets, process exited
  ResourceStat memory;            // bytes, one per reading
  ResourceStat cpu;               // cores, one per span between two readings (or per Prometheus rate())
  std::optional<double> cpu_cores_avg;  // cores: CPU seconds used / wall seconds over the sampled span
  ResourceStat gc_pause;          // ms: per reading, the longest recent pause (go_gc_duration_seconds quantile 1)
  std::optional<double> gc_pause_avg_ms;  // ms: GC pause time / GC cycles during the run
  std::optional<double> gc_cycles;        // GC cycles during the run
  std::vector<std::pair<double, double>> gc_quantiles_ms;  // last reading: quantile -> ms (recent pauses)
  ResourceStat heap_inuse;        // bytes
  ResourceStat goroutines;        // count

  bool sampled() const { return !source.empty(); }
  std::string no_data_reason() const;  // why memory has no value: the first error, a note, or "no readings yet"
};

// Folds readings into a ResourceSummary and keeps one compact point per reading for the 1-second series.
class ResourceTracker {
 public:
  explicit ResourceTracker(std::string source);
  void add(const ResourceReading& r);
  const ResourceSummary& summary() const { return summary_; }

  struct Point {
    double t = 0;                       // seconds since the start
    std::optional<double> memory_bytes; // bytes
    std::optional<double> cpu_cores;    // cores since the previous reading
  };
  const std::vector<Point>& points() const { return points_; }

 private:
  void add_cpu(const ResourceReading& r, Point& p);
  void add_gc(const ResourceReading& r);
  void note_once(const std::string& note);

  ResourceSummary summary_;
  std::vector<Point> points_;
  std::optional<std::pair<double, double>> cpu_first_, cpu_prev_;  // (t, CPU seconds) of the first/previous reading
  double cpu_used_ = 0;                                         // CPU seconds between the first and latest reading
  std::optional<std::pair<double, double>> gc_first_;           // (pause sum, count) at the first reading
};

}  // namespace perfval::loadgen
