// The result of a run (RunSummary), the aggregates thresholds read, and its JSON form (perfval/summary/v1).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "perfval/loadgen/scenario.hpp"
#include "perfval/loadgen/stats.hpp"
#include "perfval/loadgen/threshold.hpp"

namespace perfval::loadgen {

// One second of the run (the last one may be shorter), merged over workers.
struct IntervalSample {
  double t = 0;                   // seconds since the start at the END of the interval
  double length = 1;              // seconds covered
  std::uint64_t requests = 0;     // requests finished in the interval
  double p50 = 0, p95 = 0, p99 = 0;  // ms, http_req_duration of those requests
  std::uint64_t errors = 0;       // failed requests (http_req_failed) in the interval
  std::uint64_t dropped = 0;      // dropped iterations in the interval
  std::int64_t vus = 0;           // active VUs at the end of the interval
  std::uint64_t bytes_received = 0;  // bytes

  double rps() const { return length > 0 ? static_cast<double>(requests) / length : 0; }  // requests per second
};

// What the coordinator knows while the run goes on: used for progress lines and live thresholds.
struct LiveView {
  double elapsed = 0;          // seconds since start
  double planned = 0;          // seconds the plan lasts (without graceful stop)
  const Stats* totals = nullptr;  // merged over workers so far
  const RequestCatalog* catalog = nullptr;
  const IntervalSample* last = nullptr;  // latest complete second, if any
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
  std::chrono::system_clock::time_point started_at{};
  double duration = 0;         // seconds from start to the end of measurement
  bool aborted = false;        // interrupted (signal) or stopped by an abortOnFail threshold
  std::string abort_reason;    // "interrupted by SIGTERM", "threshold ... crossed (abortOnFail)"
  bool interrupted = false;    // stopped by a signal (exit 105)
  Stats totals;                // everything measured
  RequestCatalog catalog;      // request id -> scenario and name
  std::vector<IntervalSample> timeseries;
  std::vector<ThresholdOutcome> thresholds;
  std::vector<std::string> error_examples;  // first message of each error kind seen, e.g. "connect: Connection refused"
  std::optional<int> target_nodes;          // cluster size when the target is the embedded one
  bool open_model = false;     // any arrival-rate scenario (uncorrected latency is reported)

  bool passed() const;         // every threshold ok and not aborted
};

// The requests a selector's tags (name, scenario) pick, merged; nullopt for a tag requests do not carry.
std::optional<RequestStats> select_requests(const Stats& stats, const RequestCatalog& catalog,
                                            const MetricSelector& selector);

// Aggregate of a metric over the selected requests (k6 names; durations in ms, rates per second or in [0,1]).
std::optional<double> aggregate(const Stats& stats, const RequestCatalog& catalog, double elapsed_seconds,
                                const MetricSelector& selector, const ThresholdExpr& expr,
                                const std::vector<IntervalSample>* timeseries = nullptr);

// Evaluates the plan's thresholds on `summary.totals` and stores the outcomes in `summary.thresholds`.
void evaluate_summary_thresholds(RunSummary& summary);

// The summary document, schema "perfval/summary/v1" (docs/results.md).
nlohmann::json summary_to_json(const RunSummary& summary);

}  // namespace perfval::loadgen
