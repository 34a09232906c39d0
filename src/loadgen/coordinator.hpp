// Private to the engine: the coordinator thread. Merges worker snapshots into the totals, the compact 1-second
// series and the window histograms, folds resource readings in, watches live thresholds and signals.
#pragma once

#include <boost/asio/signal_set.hpp>

#include <memory>
#include <optional>
#include <vector>

#include "perfval/loadgen/engine.hpp"
#include "perfval/loadgen/series.hpp"
#include "worker.hpp"

namespace perfval::loadgen::detail {

class Coordinator {
 public:
  Coordinator(const TestPlan& plan, const EngineOptions& options, RunSummary& summary, int workers);

  asio::io_context& io() { return io_; }
  // `resources`: the plan samples the target's resources with this configuration (nullptr: it does not).
  void start(TimePoint run_start, std::vector<std::unique_ptr<Worker>>& workers, const ResourceConfig* resources);
  // On the coordinator thread (posted by workers and by the resource sampler).
  void on_snapshot(int worker, int interval, std::unique_ptr<Stats> delta, const Gauges& gauges, bool final);
  void on_reading(const ResourceReading& reading);
  // After io().run() returned and the resource sampler stopped: the resource columns of the series.
  void attach_resources();

 private:
  double elapsed() const;
  double planned_seconds() const;
  void wait_for_signal();
  void abort_run(const std::string& reason);
  void finish();
  void arm_progress();
  void arm_thresholds();
  void check_abort_thresholds();
  RunView live_view() const;

  const TestPlan& plan_;
  const EngineOptions& options_;
  RunSummary& summary_;
  int workers_;
  asio::io_context io_;
  asio::signal_set signals_;
  asio::steady_timer progress_timer_;
  asio::steady_timer threshold_timer_;
  IntervalSeries series_;            // compact points per second; a second or two open at a time
  StatsWindows windows_;             // histograms per window given in EngineOptions::windows
  std::optional<ResourceTracker> resources_;  // when the plan samples the target's resources
  int finished_ = 0;
  bool finished_all_ = false;        // every worker sent its final snapshot: handlers must not re-arm
  int progress_second_ = 0;
  TimePoint run_start_{};
  std::vector<std::unique_ptr<Worker>>* workers_list_ = nullptr;
};

}  // namespace perfval::loadgen::detail
