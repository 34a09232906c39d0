// Run-level noise: a machine's speed moves for whole runs, so the run (not the repetition) is the unit. Pure
// functions: where a metric lies in one run (log scale), how much the machine itself moved between two runs
// (the control set), how large a change must be to count, and the three-way call on a change.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace perfval::regression {

// One metric in one run, on a log scale so changes are ratios.
struct RunLocation {
  double log_value = 0;   // log of the median repetition (or of the single value)
  double log_spread = 0;  // robust SD of the log repetitions (1.4826 MAD); 0 without repetitions
  std::size_t n = 1;      // repetitions behind it (1 for a single value)
  double design_effect = 1;  // the location varies this many times more than log_spread^2 / n says
  bool mean_based = false;   // log_value is the mean of the logs and log_spread their standard deviation
};

// Location of a run's samples (all > 0), or of `value` alone when there are no samples; nullopt when a value
// is not positive (a log scale cannot hold it).
std::optional<RunLocation> locate(const std::vector<double>& samples, double value);
// The same as the mean and standard deviation of the logs: for interleaved repetitions, where a benchmark that
// switches between a fast and a slow mode makes the median jump and the MAD understate the spread.
std::optional<RunLocation> locate_mean(const std::vector<double>& samples, double value);

// How much slower the machine was in one run than in another, from the control benchmarks (control/...).
struct MachineShift {
  double log_shift = 0;                            // median over the controls of log(current / previous) time
  std::map<std::string, double> controls;          // each control's log shift, by benchmark name
  double disagreement = 0;                         // largest distance of a control's shift from log_shift
  bool measured() const { return !controls.empty(); }
  // "the current run's machine was 23.0% slower (control/cpu +20.1%, control/memory +25.3%, ...)"
  std::string describe(const std::string& field) const;
};

// Controls present in both runs (by name, locations of their times) give the shift; none in common: not measured.
MachineShift machine_shift(const std::map<std::string, RunLocation>& previous,
                           const std::map<std::string, RunLocation>& current);

// Run-to-run spread (standard deviation of one run, log scale) of a metric over a history of per-run log values
// (oldest first), from the mean absolute difference of successive runs: sqrt(pi) / 2 * mean |x_i - x_(i-1)|.
// Successive differences let a step change count once instead of splitting the history in two.
// nullopt with fewer than `min_runs` values.
std::optional<double> run_spread(const std::vector<double>& log_values, std::size_t min_runs);

struct NoiseModel {
  double floor_pct = 5;        // run-to-run noise of one run when no history tells, percent (docs/regression.md)
  double alpha = 0.001;        // per-metric significance level of a change against its noise
};

// Standard deviation (log scale) of the difference between two runs' locations: the repetitions' own spread
// (pooled, as the standard error of two medians) plus `run_sigma` of run-level noise for each run.
double difference_noise(const RunLocation& a, const RunLocation& b, double run_sigma);

// Degrees of freedom of a change between two runs of independent samples: the samples each is worth, less 2.
double sample_df(const RunLocation& a, const RunLocation& b);

enum class Call { unchanged, regressed, improved, inconclusive };

struct ChangeCall {
  double log_change = 0;  // log ratio in the bad direction: > 0 is worse
  double log_noise = 0;   // its standard deviation
  double limit = 0;       // log(1 + threshold): the smallest change that counts
  double z = 0;           // log_change / log_noise (0 without noise)
  double p_value = 1;     // two-sided normal p of z
  double detectable = 0;  // the smallest log change in either direction that would be called: the threshold, or
                          // the change whose p is alpha, whichever is larger (the threshold without noise)
  Call call = Call::unchanged;
};

// unchanged: |change| within the threshold. regressed / improved: beyond the threshold and beyond the noise
// (p < alpha). inconclusive: beyond the threshold but inside the noise: the data cannot tell. With `df` > 0 the
// noise is itself an estimate from df + 1 values (a history) and p comes from Student's t with df degrees of
// freedom, else from the normal distribution.
ChangeCall call_change(double log_change, double log_noise, double threshold_pct, double alpha, double df = 0);

// A log change as a percentage: 100 * (exp(x) - 1).
double log_to_pct(double x);

}  // namespace perfval::regression
