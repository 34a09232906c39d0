// The coordinator: merges worker snapshots (and hands their buffers back), builds the 1-second series, folds
// resource readings in, evaluates abortOnFail thresholds and handles signals. Nothing here runs on the
// request path.
#include "coordinator.hpp"

#include <cmath>
#include <csignal>
#include <cstdlib>

#include "perfval/common/error.hpp"

namespace perfval::loadgen::detail {

Coordinator::Coordinator(const TestPlan& plan, const EngineOptions& options, RunSummary& summary, int workers)
    : plan_(plan), options_(options), summary_(summary), workers_(workers), io_(1), signals_(io_),
      progress_timer_(io_), threshold_timer_(io_), series_(workers),
      windows_(options.windows, summary.catalog.entries.size()) {}

void Coordinator::start(TimePoint run_start, std::vector<std::unique_ptr<Worker>>& workers,
                        const ResourceConfig* resources) {
  run_start_ = run_start;
  workers_list_ = &workers;
  if (resources != nullptr) {
    resources_.emplace(resources->describe());
    summary_.resources = resources_->summary();
  }
  if (options_.handle_signals) {
    signals_.add(SIGINT);
    signals_.add(SIGTERM);
    wait_for_signal();
  }
  arm_progress();
  arm_thresholds();
}

void Coordinator::on_snapshot(int worker, int interval, std::unique_ptr<Stats> delta, const Gauges& gauges,
                              bool final) {
  if (options_.on_delta) options_.on_delta(*delta, summary_.catalog);
  series_.add(worker, interval, *delta, gauges, final);
  windows_.add(interval, *delta);
  summary_.totals += *delta;
  summary_.vus = series_.current().vus;
  summary_.vus_max = series_.vus_max();
  // Zeroed here, off the request thread, and reused by the worker for a later second.
  delta->reset();
  (*workers_list_)[static_cast<std::size_t>(worker)]->recycle(std::move(delta));
  if (final && ++finished_ == workers_) finish();
}

void Coordinator::on_reading(const ResourceReading& reading) {
  if (!resources_ || finished_all_) return;
  resources_->add(reading);
  summary_.resources = resources_->summary();
}

double Coordinator::elapsed() const { return std::chrono::duration<double>(Clock::now() - run_start_).count(); }

void Coordinator::wait_for_signal() {
  signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec || finished_all_) return;
    if (summary_.interrupted) std::_Exit(exit_code::interrupted);  // a second signal: stop waiting for workers
    summary_.interrupted = true;
    abort_run(std::string("interrupted by ") + (sig == SIGINT ? "SIGINT" : "SIGTERM"));
    wait_for_signal();
  });
}

void Coordinator::abort_run(const std::string& reason) {
  if (summary_.aborted) return;
  summary_.aborted = true;
  summary_.abort_reason = reason;
  for (auto& w : *workers_list_) w->stop();
}

void Coordinator::finish() {
  finished_all_ = true;
  summary_.duration = std::max(0.0, elapsed());
  signals_.cancel();
  progress_timer_.cancel();
  threshold_timer_.cancel();
  series_.finish(summary_.duration);
  summary_.timeseries = std::move(series_.points());
  // The last second's VUs (the final snapshots report none once the iterations are over).
  summary_.vus = summary_.timeseries.empty() ? 0 : summary_.timeseries.back().vus;
  summary_.vus_max = series_.vus_max();
  summary_.windows = windows_.take();
}

void Coordinator::attach_resources() {
  if (!resources_) return;
  summary_.resources = resources_->summary();
  auto& series = summary_.timeseries;
  // Interval n covers (n-1, n] seconds: each reading goes to the interval it fell in; the latest one wins.
  for (const auto& p : resources_->points()) {
    if (series.empty() || p.t > series.back().t + 1e-9) continue;
    const auto n = static_cast<std::size_t>(std::max(0.0, std::ceil(p.t - 1e-9) - 1));
    auto& s = series[std::min(n, series.size() - 1)];
    if (p.memory_bytes) s.memory_bytes = p.memory_bytes;
    if (p.cpu_cores) s.cpu_cores = p.cpu_cores;
  }
}

void Coordinator::arm_progress() {
  progress_timer_.expires_at(run_start_ + std::chrono::seconds(++progress_second_) + std::chrono::milliseconds(50));
  progress_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || finished_all_) return;  // cancel() cannot stop a handler whose expiry was already queued
    if (options_.on_progress) {
      const auto& points = series_.points();
      LiveView view{elapsed(), planned_seconds(), &summary_.totals, &summary_.catalog,
                    points.empty() ? nullptr : &points.back(), series_.current(),
                    resources_ ? &summary_.resources : nullptr};
      options_.on_progress(view);
    }
    arm_progress();
  });
}

double Coordinator::planned_seconds() const {
  double m = 0;
  for (const auto& s : plan_.scenarios) {
    m = std::max(m, std::chrono::duration<double>(s.executor.start_time + planned_duration(s)).count());
  }
  return m;
}

void Coordinator::arm_thresholds() {
  threshold_timer_.expires_after(options_.threshold_interval);
  threshold_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || finished_all_) return;
    check_abort_thresholds();
    arm_thresholds();
  });
}

RunView Coordinator::live_view() const {
  return RunView{summary_.totals, summary_.catalog, elapsed(), series_.points(),
                 Gauges{series_.current().vus, series_.vus_max(), series_.current().in_flight}, summary_.resources};
}

void Coordinator::check_abort_thresholds() {
  const RunView view = live_view();
  for (const auto& t : plan_.thresholds) {
    if (!t.abort_on_fail || view.elapsed < std::chrono::duration<double>(t.delay_abort_eval).count()) continue;
    const auto v = aggregate(view, t.selector, t.expr);
    // No data yet is not a failure while the run goes on (the first readings may still be on their way);
    // the final evaluation fails it.
    if (v && !t.expr.passes(*v)) {
      abort_run("threshold " + t.selector.key + ": " + t.expr.source + " crossed at " +
                std::to_string(static_cast<int>(view.elapsed)) + " s (abortOnFail)");
      return;
    }
  }
}

}  // namespace perfval::loadgen::detail
