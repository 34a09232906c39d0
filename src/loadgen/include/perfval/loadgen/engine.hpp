// The load engine: runs a TestPlan on worker threads (one io_context each) and returns the measured summary.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "perfval/loadgen/scenario.hpp"
#include "perfval/loadgen/schedule.hpp"
#include "perfval/loadgen/series.hpp"
#include "perfval/loadgen/summary.hpp"

namespace perfval::loadgen {

struct EngineOptions {
  int threads = 0;          // worker threads; 0 = one per core
  // Worker threads run under SCHED_BATCH (`--sched batch`): a worker woken by a response or a timer does not
  // preempt the task running on its core (the scheduler's tick still shares the core out), so a target sharing
  // the cores is not interrupted mid-request (docs/performance.md#sharing-cores-with-the-target). Costs timing
  // accuracy when other work keeps the cores busy.
  bool batch_scheduling = false;
  Segment segment;          // this process's share of the plan (`--segment i/N`)
  std::optional<std::chrono::system_clock::time_point> start_at;  // wait until this instant (`--start-at`)
  // Called on the coordinator thread about once a second with the merged live view.
  std::function<void(const LiveView&)> on_progress;
  // Called on the coordinator thread with each worker's per-second delta (for live metrics exporters).
  std::function<void(const Stats& delta, const RequestCatalog& catalog)> on_delta;
  // Seconds between live threshold evaluations (k6 uses 2 s).
  std::chrono::milliseconds threshold_interval{2000};
  bool handle_signals = true;  // SIGINT/SIGTERM stop the run (exit 105) instead of killing the process
  // Spans of seconds to keep full per-request histograms for (RunSummary::windows), e.g. one per load plateau.
  // Memory: one Stats per window, whatever the run length.
  std::vector<TimeWindow> windows;
};

// Runs the plan to completion (or abort) and returns what was measured. Targets must already be resolved to
// base URLs (embedded targets are started by the caller). Throws perfval::Error for plans it cannot run.
RunSummary run_plan(const TestPlan& plan, const EngineOptions& options);

}  // namespace perfval::loadgen
