// Change points over a series of runs: windowed E-divisive with t-test significance, and steady drifts.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace perfval::regression {

// Defaults were tuned on part of the annotated series of scripts/changepoint-eval.sh (docs/regression.md).
struct ChangePointOptions {
  double max_p_value = 0.001;     // a change point is kept when its p-value is below this
  double weak_p_factor = 10;      // first pass keeps candidates up to max_p_value * this (1 = one pass)
  std::size_t window = 50;        // points per sliding window of the first pass (windows overlap by half)
  std::size_t min_segment = 5;    // fewest points on either side of a change point
  double min_magnitude_pct = 5;   // smallest change that counts: of the medians and of the step, percent
  bool separate_drift = true;     // a split that one straight line explains as well is a drift, not a step
};

struct ChangePoint {
  std::size_t index = 0;   // first point of the new segment: the change shows from series[index] on
  double p_value = 1;      // the larger of the two-sample t-test and the step-beyond-a-line test
  double mean_before = 0;  // mean of the segment before it, after all splits (series units)
  double mean_after = 0;   // mean of the segment from it to the next change point (series units)
  double change_pct = 0;   // (mean_after - mean_before) / |mean_before|, percent (0 when mean_before is 0)
};

// A significant straight-line trend over the latest segment that no step explains.
struct Drift {
  std::size_t begin = 0;          // first index of the segment the drift spans (to the end of the series)
  double slope = 0;               // change per point (series units)
  double slope_pct = 0;           // slope relative to the fitted value at `begin`, percent per point
  double total_change_pct = 0;    // fitted change from `begin` to the last point, percent
  double p_value = 1;             // two-sided p-value of "slope = 0"
};

struct ChangePointAnalysis {
  std::vector<ChangePoint> change_points;  // ascending by index
  std::optional<Drift> drift;              // set when the latest segment drifts
};

// Energy divergence Q(tau) of Matteson & James (2014), exponent 1, for splitting series[begin, end) at tau;
// the detector ranks candidate splits by it.
double e_divisive_statistic(const std::vector<double>& series, std::size_t begin, std::size_t end, std::size_t tau);

// Deterministic change-point detection (after Hunter/Otava): E-divisive candidates in overlapping windows,
// accepted with a t-test at the weak threshold; the union is then merged, dropping the weakest point while
// any has p >= max_p_value or a change below min_magnitude_pct, re-testing its neighbours each time.
ChangePointAnalysis analyze_change_points(const std::vector<double>& series, const ChangePointOptions& options = {});

// analyze_change_points(...).change_points.
std::vector<ChangePoint> e_divisive(const std::vector<double>& series, const ChangePointOptions& options = {});

}  // namespace perfval::regression
