// The result of a run (RunSummary), the aggregates thresholds read, and its JSON form (perfval/summary/v1).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "perfval/loadgen/resources.hpp"
#include "perfval/loadgen/scenario.hpp"
#include "perfval/loadgen/series.hpp"
#include "perfval/loadgen/stats.hpp"
#include "perfval/loadgen/steps.hpp"
#include "perfval/loadgen/threshold.hpp"

namespace perfval::loadgen {

// What the coordinator knows while the run goes on: used for progress lines and live metrics.
struct LiveView {
  double elapsed = 0;          // seconds since start
  double planned = 0;          // seconds the plan lasts (without graceful stop)
  const Stats* totals = nullptr;  // merged over workers so far
  const RequestCatalog* catalog = nullptr;
  const IntervalSample* last = nullptr;  // latest complete second, if any
  Gauges gauges;               // latest VUs, allocated VUs and iterations in flight, summed over workers
  const ResourceSummary* resources = nullptr;  // the target's resources so far (sampled() false: not sampled)
};

struct ThresholdOutcome {
  std::string metric;      // selector key, e.g. "http_req_duration{name:metrics}"
  std::string expression;  // as written, e.g. "p(95)<5s"
  bool ok = false;
  std::optional<double> observed;  // the aggregate's value (ms for durations); nullopt: no data
  bool abort_on_fail = false;
};

struct RunSummary {
  std::string file;          // scenario file
  std::string name;          // plan name
  std::string description;
  std::vector<Scenario> scenarios;  // as run (after overrides), echoed in the JSON
  std::vector<Threshold> threshold_specs;
  std::string segment = "0/1";  // this process's share
  int threads = 1;
  std::string sched = "normal";  // the workers' CPU scheduling: "normal", "batch" (EngineOptions::batch_scheduling) or
                                 // "mixed" (some refused it, or merged segments differ)
  std::string sched_note;      // why a requested "batch" did not take effect for some or all workers, else empty
  std::chrono::system_clock::time_point started_at{};
  double duration = 0;         // seconds from start to the end of measurement
  bool aborted = false;        // interrupted (signal) or stopped by an abortOnFail threshold
  std::string abort_reason;    // "interrupted by SIGTERM", "threshold ... crossed (abortOnFail)"
  bool interrupted = false;    // stopped by a signal (exit 105)
  Stats totals;                // everything measured
  RequestCatalog catalog;      // request id -> scenario and name
  std::int64_t vus = 0;        // active VUs in the last second (k6's vus gauge value)
  std::int64_t vus_max = 0;    // most VUs allocated at once
  std::vector<IntervalSample> timeseries;
  ResourceSummary resources;   // the target's memory, CPU and GC pauses during the run (target.resources)
  std::vector<WindowStats> windows;  // per-window histograms, for the windows the engine was given
  std::vector<StepResult> steps;     // per load step of a ramping run (empty: no steps, docs/results.md#steps)
  std::optional<CapacityFound> capacity_found;  // the answer over `steps` (nullopt: the run has no steps)
  std::optional<Knee> knee;          // where throughput stopped growing (nullopt: the run has no steps)
  std::vector<ThresholdOutcome> thresholds;
  std::vector<std::string> error_examples;  // first message of each error kind seen, e.g. "connect: Connection refused"
  std::optional<int> target_nodes;          // cluster size when the target is the embedded one
  bool open_model = false;     // any arrival-rate scenario (uncorrected latency is reported)

  bool passed() const;         // every threshold ok and not aborted
};

// The requests a selector's tags (name, scenario) pick, merged; nullopt for a tag requests do not carry.
std::optional<RequestStats> select_requests(const Stats& stats, const RequestCatalog& catalog,
                                            const MetricSelector& selector);

// k6's `checks` Rate over the checks a selector picks: tags name and scenario pick requests, check:REQUEST.KIND
// one check of a request (e.g. check:metrics.status); nullopt for another tag.
std::optional<CheckCounts> select_checks(const Stats& stats, const RequestCatalog& catalog,
                                         const MetricSelector& selector);

// What an aggregate is computed over: the finished run, or the coordinator's view while it goes on.
struct RunView {
  const Stats& totals;                             // counters and histograms so far
  const RequestCatalog& catalog;
  double elapsed = 0;                              // seconds, for rates
  const std::vector<IntervalSample>& timeseries;   // complete seconds so far
  Gauges gauges;                                   // current VUs (vus) and most allocated (vus_max)
  const ResourceSummary& resources;
};
RunView view_of(const RunSummary& summary);

// Aggregate of a metric (k6 names; durations in ms, rates per second or in [0,1], target_memory_bytes in bytes,
// target_cpu_cores in cores); nullopt when there is no data, which fails a threshold.
std::optional<double> aggregate(const RunView& run, const MetricSelector& selector, const ThresholdExpr& expr);

// Evaluates the plan's thresholds on `summary.totals` and stores the outcomes in `summary.thresholds`.
void evaluate_summary_thresholds(RunSummary& summary);

// The summary document, schema "perfval/summary/v1" (docs/results.md).
nlohmann::json summary_to_json(const RunSummary& summary);

}  // namespace perfval::loadgen
