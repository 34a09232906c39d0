// E-divisive means (Matteson & James 2014, alpha = 1) with a permutation test for each accepted split.
#include "perfval/regression/change_point.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace perfval::regression {

namespace {

struct Split {
  std::size_t tau = 0;  // absolute index of the first point of the right side
  double q = -1;        // divergence; -1 when the segment is too short to split
};

// Best split of values (a segment already extracted) by scanning tau with incremental sums: O(n^2).
Split best_split(const std::vector<double>& v, std::size_t min_segment) {
  const std::size_t n = v.size();
  Split best;
  if (n < 2 * min_segment || min_segment == 0) return best;
  // between = sum over i<tau<=j of |v_i - v_j|; left/right = within-side pair sums.
  double left = 0, right = 0, between = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) right += std::fabs(v[i] - v[j]);
  for (std::size_t tau = 1; tau < n; ++tau) {
    const std::size_t m = tau - 1;  // point moving from the right side to the left
    double to_left = 0, to_right = 0;
    for (std::size_t i = 0; i < m; ++i) to_left += std::fabs(v[i] - v[m]);
    for (std::size_t j = m + 1; j < n; ++j) to_right += std::fabs(v[m] - v[j]);
    right -= to_right;
    between += to_right - to_left;
    left += to_left;
    if (tau < min_segment || n - tau < min_segment) continue;
    const double a = static_cast<double>(tau), b = static_cast<double>(n - tau);
    const double mean_between = between / (a * b);
    const double mean_left = a > 1 ? left / (a * (a - 1) / 2) : 0;
    const double mean_right = b > 1 ? right / (b * (b - 1) / 2) : 0;
    const double q = a * b / (a + b) * (2 * mean_between - mean_left - mean_right);
    if (q > best.q) best = {tau, q};
  }
  return best;
}

double permutation_p_value(const std::vector<double>& segment, double observed, const ChangePointOptions& options,
                           std::mt19937_64& rng) {
  std::vector<double> shuffled = segment;
  int at_least = 0;
  for (int k = 0; k < options.permutations; ++k) {
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    if (best_split(shuffled, options.min_segment).q >= observed) ++at_least;
  }
  return (at_least + 1.0) / (options.permutations + 1.0);
}

double segment_mean(const std::vector<double>& s, std::size_t begin, std::size_t end) {
  return std::accumulate(s.begin() + static_cast<std::ptrdiff_t>(begin), s.begin() + static_cast<std::ptrdiff_t>(end),
                         0.0) /
         static_cast<double>(end - begin);
}

}  // namespace

double e_divisive_statistic(const std::vector<double>& series, std::size_t begin, std::size_t end, std::size_t tau) {
  const std::size_t a_n = tau - begin, b_n = end - tau;
  if (a_n == 0 || b_n == 0) return 0;
  double between = 0, left = 0, right = 0;
  for (std::size_t i = begin; i < tau; ++i)
    for (std::size_t j = tau; j < end; ++j) between += std::fabs(series[i] - series[j]);
  for (std::size_t i = begin; i < tau; ++i)
    for (std::size_t k = i + 1; k < tau; ++k) left += std::fabs(series[i] - series[k]);
  for (std::size_t j = tau; j < end; ++j)
    for (std::size_t k = j + 1; k < end; ++k) right += std::fabs(series[j] - series[k]);
  const double a = static_cast<double>(a_n), b = static_cast<double>(b_n);
  const double ml = a > 1 ? left / (a * (a - 1) / 2) : 0;
  const double mr = b > 1 ? right / (b * (b - 1) / 2) : 0;
  return a * b / (a + b) * (2 * between / (a * b) - ml - mr);
}

std::vector<ChangePoint> e_divisive(const std::vector<double>& series, const ChangePointOptions& options) {
  std::mt19937_64 rng(options.seed);
  std::vector<std::size_t> bounds{0, series.size()};  // sorted segment boundaries
  std::vector<ChangePoint> found;
  for (;;) {
    // The candidate is the best split over all current segments.
    Split best;
    std::size_t seg_begin = 0, seg_end = 0;
    for (std::size_t s = 0; s + 1 < bounds.size(); ++s) {
      const std::vector<double> seg(series.begin() + static_cast<std::ptrdiff_t>(bounds[s]),
                                    series.begin() + static_cast<std::ptrdiff_t>(bounds[s + 1]));
      Split split = best_split(seg, options.min_segment);
      if (split.q > best.q) best = {bounds[s] + split.tau, split.q}, seg_begin = bounds[s], seg_end = bounds[s + 1];
    }
    if (best.q <= 0) break;
    const std::vector<double> seg(series.begin() + static_cast<std::ptrdiff_t>(seg_begin),
                                  series.begin() + static_cast<std::ptrdiff_t>(seg_end));
    const double p = permutation_p_value(seg, best.q, options, rng);
    if (p >= options.alpha) break;
    found.push_back({best.tau, best.q, p, segment_mean(series, seg_begin, best.tau),
                     segment_mean(series, best.tau, seg_end)});
    bounds.insert(std::upper_bound(bounds.begin(), bounds.end(), best.tau), best.tau);
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
  return found;
}

}  // namespace perfval::regression
