// IntervalSeries: per-worker deltas -> one compact point per second; StatsWindows: histograms per fixed window.
#include "perfval/loadgen/series.hpp"

#include <algorithm>

namespace perfval::loadgen {

IntervalSeries::IntervalSeries(int workers)
    : last_reported_(static_cast<std::size_t>(workers), 0),
      finished_(static_cast<std::size_t>(workers), false),
      latest_(static_cast<std::size_t>(workers)) {}

IntervalSeries::Open& IntervalSeries::slot(int interval) {
  auto it = std::find_if(open_.begin(), open_.end(), [interval](const Open& o) { return o.interval >= interval; });
  if (it != open_.end() && it->interval == interval) return *it;
  Open fresh;
  fresh.interval = interval;
  fresh.duration = std::move(spare_);  // reuse a closed second's counters instead of allocating
  spare_ = Histogram();
  return *open_.insert(it, std::move(fresh));
}

void IntervalSeries::add(int worker, int interval, const Stats& delta, const Gauges& gauges, bool final) {
  Open& o = slot(interval);
  for (const auto& r : delta.by_request) {
    o.duration += r.duration;
    o.requests += r.requests;
    o.errors += r.failed;
    o.bytes_received += r.bytes_received;
  }
  o.dropped += delta.dropped_iterations;
  const auto w = static_cast<std::size_t>(worker);
  // A final snapshot comes once the iterations are over (0 active VUs): the second it closes ran with the VUs
  // the worker reported before.
  o.vus += final ? latest_[w].vus : gauges.vus;
  last_reported_[w] = interval;
  latest_[w] = gauges;
  if (final) finished_[w] = true;
  vus_max_ = std::max(vus_max_, current().vus_max);
  close_ready();
}

Gauges IntervalSeries::current() const {
  Gauges sum;
  for (const auto& g : latest_) sum += g;
  return sum;
}

void IntervalSeries::close_ready() {
  while (!open_.empty()) {
    const int n = open_.front().interval;
    for (std::size_t w = 0; w < last_reported_.size(); ++w) {
      if (!finished_[w] && last_reported_[w] < n) return;  // worker w has not reported second n yet
    }
    close_front();
  }
}

void IntervalSeries::close_front() {
  Open& o = open_.front();
  IntervalSample s;
  s.t = o.interval;
  s.requests = o.requests;
  s.errors = o.errors;
  s.dropped = o.dropped;
  s.bytes_received = o.bytes_received;
  s.p50 = static_cast<double>(o.duration.value_at_percentile(50)) / 1000.0;
  s.p95 = static_cast<double>(o.duration.value_at_percentile(95)) / 1000.0;
  s.p99 = static_cast<double>(o.duration.value_at_percentile(99)) / 1000.0;
  s.vus = o.vus;
  points_.push_back(s);
  o.duration.reset();
  spare_ = std::move(o.duration);
  open_.pop_front();
}

void IntervalSeries::finish(double duration) {
  while (!open_.empty()) close_front();
  for (auto& s : points_) {
    const double n = s.t;
    s.t = std::min(n, duration);
    s.length = std::max(1e-3, s.t - (n - 1));
  }
  // Workers end a hair apart: a last sliver (< 100 ms) in which nothing finished is only the final snapshots
  // of some of them. It joins the second before, rather than ending the series with a sudden 0 req/s.
  if (points_.size() > 1 && points_.back().length < 0.1 && points_.back().requests == 0 && points_.back().dropped == 0) {
    points_.pop_back();
    IntervalSample& last = points_.back();
    last.length += duration - last.t;
    last.t = duration;
  }
}

StatsWindows::StatsWindows(std::vector<TimeWindow> windows, std::size_t request_count) {
  for (auto& w : windows) windows_.push_back({std::move(w), Stats(request_count)});
}

void StatsWindows::add(int interval, const Stats& delta) {
  for (auto& w : windows_) {
    if (interval >= w.window.first && interval <= w.window.last) w.stats += delta;
  }
}

}  // namespace perfval::loadgen
