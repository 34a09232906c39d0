// The load steps of a ramping run: its plateaus (or fixed windows of a continuous ramp), what each one measured
// with the run's thresholds judged on it alone, the most the target served within the SLA, and the knee.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "perfval/loadgen/scenario.hpp"
#include "perfval/loadgen/series.hpp"

namespace perfval::loadgen {

struct RunSummary;

// One step the run is judged on: a plateau of the stages, less its warm-up, in whole seconds of the run.
struct PlannedStep {
  TimeWindow window;       // measured seconds (1-based, inclusive); name "step N"
  int stage = 0;           // 1-based stage of the scenario that holds the level; 0 for a fixed window
  double start_s = 0;      // seconds since the run's start: the plateau's (or window's) start
  double end_s = 0;        // seconds since the run's start: its end
  double level = 0;        // planned VUs (ramping-vus) or iterations per second (ramping-arrival-rate)
};

// How a plan is cut into steps (docs/results.md#steps).
struct StepPlan {
  std::string scenario;    // the ramping scenario the steps belong to
  bool arrival_rate = false;  // levels are arrival rates (ramping-arrival-rate), not VUs
  bool fixed_windows = false; // no stage holds a level: the ramp is cut into fixed windows instead
  double warmup_s = 0;     // seconds left out at the start of each plateau (the longest cut)
  std::vector<PlannedStep> steps;
};

// The steps of a plan: when exactly one scenario is ramping-vus or ramping-arrival-rate. A plateau is a stage
// of positive duration whose target equals the level it starts from (the previous target, or startVUs /
// startRate); its first min(10 s, a quarter of it) are left out as warm-up. Without plateaus the ramp is cut
// into fixed windows (a tenth of it, at least 5 s). nullopt: the plan has no steps to judge.
std::optional<StepPlan> plan_steps(const std::vector<Scenario>& scenarios);

// A threshold that did not hold on a step.
struct FailedThreshold {
  std::string metric;      // selector key, e.g. "http_req_duration"
  std::string expression;  // as written, e.g. "p(95)<5s"
  std::optional<double> observed;  // the step's aggregate (ms for durations); nullopt: no data
  std::string text;        // e.g. "p(95)=6.1s >= 5s"
};

// What one step measured (summary.json `steps[]`).
struct StepResult {
  int stage = 0;           // 1-based stage holding the level; 0 for a fixed window
  double start_s = 0;      // seconds since the run's start: first measured instant (after warm-up)
  double end_s = 0;        // seconds since the run's start: last measured instant
  double vus = 0;          // ramping-vus: planned VUs; arrival rate: average active VUs measured
  std::optional<double> rate;  // arrival rate: planned iterations per second; nullopt for ramping-vus
  double rps = 0;          // requests per second achieved over the measured seconds
  double p50_ms = 0, p95_ms = 0, p99_ms = 0;  // ms, http_req_duration of the step's requests
  double error_rate = 0;   // failed requests / requests, in [0, 1]
  std::uint64_t requests = 0;  // requests finished in the step
  std::uint64_t dropped = 0;   // dropped iterations in the step
  bool complete = true;    // the step ran to its planned end (false: the run stopped during it)
  bool sla_ok = false;     // every threshold judged per step held and the step is not cut short by abortOnFail
  std::vector<FailedThreshold> failed_thresholds;
};

// The answer: the last step that met the SLA before the first that did not (summary.json `capacity_found`).
struct CapacityFound {
  std::string status;      // "found", "not reached" (every step met the SLA) or "not determined"
  std::string basis;       // "plateaus" or "fixed windows"
  std::optional<int> step;        // 1-based index into steps of the answer; nullopt when none met the SLA
  double vus = 0;                 // the answer's VUs (see StepResult::vus)
  std::optional<double> rate;     // the answer's planned arrival rate, per second
  double rps = 0;                 // requests per second measured on the answer's step
  std::optional<int> broke_step;  // 1-based index of the first step that broke the SLA
  std::string broke_reason;       // e.g. "p(99)=11.2s >= 10s"; "" when nothing broke
  std::string reason;             // "not determined": why (e.g. the run was aborted before the first step)
};

// Where throughput stops growing with load while latency climbs (summary.json `knee`).
struct Knee {
  std::string status;      // "found" or "not reached"
  std::optional<int> step; // 1-based index into steps: the last step before throughput stopped growing
  double vus = 0;          // that step's VUs
  std::optional<double> rate;  // its planned arrival rate, per second
  double rps = 0;          // its requests per second
  std::string reason;      // e.g. "from 4 to 16 VUs (+300 %) throughput grew 2 % while p95 rose 290 %"
};

// Fills summary.steps, summary.capacity_found and summary.knee from summary.windows (the windows named
// "step N" that the engine kept for `plan`) and summary.timeseries, judging summary.threshold_specs per step.
void evaluate_steps(RunSummary& summary, const StepPlan& plan);

// "300 VUs" or "12.5 it/s": a step's level as messages print it.
std::string level_text(const StepResult& step);

// "p(99)=11.2s >= 10s": a failed threshold's aggregate against its limit, values in the metric's unit.
std::string describe_failure(const Threshold& threshold, std::optional<double> observed);

}  // namespace perfval::loadgen
