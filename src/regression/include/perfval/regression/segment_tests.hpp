// Tests on adjacent segments of a series for change-point detection, as pure functions.
#pragma once

#include <cstddef>
#include <vector>

#include "perfval/regression/stats.hpp"  // student_t_two_sided_p

namespace perfval::regression {

// Least-squares straight line through series[begin, end) against the point index.
struct LineFit {
  double intercept = 0;  // value at index `begin` (series units)
  double slope = 0;      // change per point (series units)
  double slope_p = 1;    // two-sided p-value of "slope = 0" (1 when fewer than 3 points or no variation)
  double rss = 0;        // residual sum of squares (series units squared)
};
LineFit fit_line(const std::vector<double>& series, std::size_t begin, std::size_t end);

// A candidate step at `split` between series[begin, split) and series[split, end).
struct StepTest {
  double t_test_p = 1;      // Student's two-sample t-test (pooled variance) of the two sides, two-sided
  double beyond_trend_p = 1;  // t-test of a level shift at `split` added to one straight line through both sides
  double step = 0;          // that level shift (series units): the jump a trend does not explain
  double level = 0;         // the fitted line's value just before the split (series units)
  double mean_before = 0;   // mean of series[begin, split) (series units)
  double mean_after = 0;    // mean of series[split, end) (series units)
  double median_before = 0; // median of series[begin, split) (series units)
  double median_after = 0;  // median of series[split, end) (series units)
};
StepTest test_step(const std::vector<double>& series, std::size_t begin, std::size_t split, std::size_t end);

}  // namespace perfval::regression
