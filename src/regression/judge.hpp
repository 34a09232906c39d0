// Judging one metric row: baseline tolerance, previous-run comparison against run-level noise, SLA limit (internal).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "perfval/regression/gate.hpp"
#include "run_noise.hpp"

namespace perfval::regression::detail {

struct Observed {
  double value = 0;             // representative value, in the row's unit
  std::vector<double> samples;  // repetitions / intervals, in the row's unit
  bool independent = false;     // the samples are separate processes / go -count runs (Measurement)
  double design_effect = 1;     // Measurement::design_effect
  bool design_effect_measured = false;  // Measurement::design_effect_measured: the samples are repetitions
};

// `key` of `run` converted to `unit`; nullopt with *why set when absent or in an incompatible unit.
std::optional<Observed> observe(const RunResults& run, const std::string& key, const std::string& unit,
                                std::string* why);

// Where a run's observation of `key` lies (log scale) and its spread: as the gate judges it (a summary's whole-run
// value, interleaved repetitions' mean of logs, else the median of the samples).
std::optional<RunLocation> located(const std::string& key, const Observed& o);

// The change from `from` to `to` in percent of `from`; nullopt when `from` is 0.
std::optional<double> change_pct(double from, double to);
// A change in percent made positive when it is in the bad direction.
double badness(double pct, Direction d);

// A log-scale change in the bad direction as the percent a user reads: slower by (times), or fallen by (rates).
double worse_pct(double log_bad, Direction d);

// Fills current/previous/changes/noise/p-value/test and the verdict and reason of a row whose current value
// exists. `noise` says how much of the change the machine explains and the row's history spread.
void judge(MetricResult& row, const std::optional<Observed>& previous, const Observed& current, const RowNoise& noise,
           const GateOptions& options);

}  // namespace perfval::regression::detail
