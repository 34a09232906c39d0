// What the coordinator keeps while a run goes on, in memory that does not grow with run length beyond one
// compact point per second: the 1-second series (IntervalSeries) and histograms per fixed window (StatsWindows).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "perfval/loadgen/stats.hpp"

namespace perfval::loadgen {

// One second of the run (the last one may be shorter), merged over workers: ~120 bytes.
struct IntervalSample {
  double t = 0;                   // seconds since the start at the END of the interval
  double length = 1;              // seconds covered
  std::uint64_t requests = 0;     // requests finished in the interval
  double p50 = 0, p95 = 0, p99 = 0;  // ms, http_req_duration of those requests
  std::uint64_t errors = 0;       // failed requests (http_req_failed) in the interval
  std::uint64_t dropped = 0;      // dropped iterations in the interval
  std::int64_t vus = 0;           // active VUs at the end of the interval
  std::uint64_t bytes_received = 0;  // bytes
  std::optional<double> memory_bytes;  // the target's memory, last reading in the interval (bytes); none: no reading
  std::optional<double> cpu_cores;     // the target's CPU over the last reading's span (cores)

  double rps() const { return length > 0 ? static_cast<double>(requests) / length : 0; }  // requests per second
};

// Builds the 1-second series from per-worker deltas. Workers report second n at about the same instant, so
// only one or two seconds are open at a time; each holds one merged histogram (reused) until every running
// worker has reported it, then becomes an IntervalSample.
class IntervalSeries {
 public:
  explicit IntervalSeries(int workers);

  // Worker `worker`'s delta for second `interval` (1-based) with its gauges at that instant.
  void add(int worker, int interval, const Stats& delta, const Gauges& gauges, bool final);
  // Closes the seconds still open and fixes the last one's length (the run ended `duration` s after its start).
  void finish(double duration);

  const std::vector<IntervalSample>& points() const { return points_; }
  std::vector<IntervalSample>& points() { return points_; }
  Gauges current() const;                          // sum over workers of their latest gauges
  std::int64_t vus_max() const { return vus_max_; }  // most VUs allocated at once so far
  std::size_t open_seconds() const { return open_.size(); }

 private:
  struct Open {
    int interval = 0;          // 1-based second
    Histogram duration;        // µs, every request name merged
    std::uint64_t requests = 0, errors = 0, dropped = 0, bytes_received = 0;
    std::int64_t vus = 0;      // sum of the reporting workers' active VUs
  };
  Open& slot(int interval);
  void close_ready();
  void close_front();

  std::vector<int> last_reported_;   // per worker: latest second it reported
  std::vector<bool> finished_;       // per worker: sent its final snapshot
  std::vector<Gauges> latest_;       // per worker: gauges of its latest snapshot
  std::deque<Open> open_;            // open seconds in increasing order
  Histogram spare_;                  // a closed second's histogram, kept for the next one
  std::vector<IntervalSample> points_;
  std::int64_t vus_max_ = 0;
};

// A fixed span of whole seconds, e.g. one load plateau: seconds first..last (1-based, inclusive).
struct TimeWindow {
  std::string name;  // e.g. "stage 2"
  int first = 1;     // first second included
  int last = 1;      // last second included
};

struct WindowStats {
  TimeWindow window;
  Stats stats;       // everything measured in the window, per request name, mergeable
};

// Histograms per window, merged from the per-second deltas as they arrive: memory is one Stats per window
// (bounded by the plan), never one per second. Reports per load plateau are built from these.
class StatsWindows {
 public:
  StatsWindows(std::vector<TimeWindow> windows, std::size_t request_count);
  void add(int interval, const Stats& delta);
  const std::vector<WindowStats>& windows() const { return windows_; }
  std::vector<WindowStats> take() { return std::move(windows_); }

 private:
  std::vector<WindowStats> windows_;
};

}  // namespace perfval::loadgen
