// Windowed E-divisive (Matteson & James 2014) with deterministic t-test significance and a merge pass, in the
// shape Hunter/Otava gave it (Fleming et al. 2023), plus a test that tells a steady drift from a step.
#include "perfval/regression/change_point.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "perfval/regression/segment_tests.hpp"

namespace perfval::regression {

namespace {

struct Candidate {
  std::size_t tau = 0;  // absolute index of the first point of the right side
  double q = 0;         // divergence Q (series units); 0 when the interval is too short to split
};

// Best split of series[begin, end) by Q, scanning tau with incremental pair sums: O(n^2).
Candidate best_split(const std::vector<double>& v, std::size_t begin, std::size_t end, std::size_t min_segment) {
  Candidate best;
  const std::size_t n = end - begin;
  if (min_segment == 0 || n < 2 * min_segment) return best;
  // between = sum over left i, right j of |v_i - v_j|; left/right = within-side pair sums.
  double left = 0, right = 0, between = 0;
  for (std::size_t i = begin; i < end; ++i)
    for (std::size_t j = i + 1; j < end; ++j) right += std::fabs(v[i] - v[j]);
  for (std::size_t tau = begin + 1; tau < end; ++tau) {
    const std::size_t m = tau - 1;  // the point moving from the right side to the left
    double to_left = 0, to_right = 0;
    for (std::size_t i = begin; i < m; ++i) to_left += std::fabs(v[i] - v[m]);
    for (std::size_t j = m + 1; j < end; ++j) to_right += std::fabs(v[m] - v[j]);
    right -= to_right;
    between += to_right - to_left;
    left += to_left;
    const std::size_t a_n = tau - begin, b_n = end - tau;
    if (a_n < min_segment || b_n < min_segment) continue;
    const double a = static_cast<double>(a_n), b = static_cast<double>(b_n);
    const double mean_left = a > 1 ? left / (a * (a - 1) / 2) : 0;
    const double mean_right = b > 1 ? right / (b * (b - 1) / 2) : 0;
    const double q = a * b / (a + b) * (2 * between / (a * b) - mean_left - mean_right);
    if (q > best.q) best = {tau, q};
  }
  return best;
}

double relative_pct(double delta, double base) {
  if (base != 0) return 100 * std::fabs(delta) / std::fabs(base);
  return delta != 0 ? std::numeric_limits<double>::infinity() : 0;
}

// One split judged on its adjacent segments.
struct Scored {
  StepTest test;  // statistics of series[begin, split) against series[split, end)
  double p = 1;           // the p-value that decides (see ChangePoint::p_value)
  double magnitude = 0;   // the change that must reach min_magnitude_pct, percent
};

Scored score(const std::vector<double>& s, std::size_t begin, std::size_t split, std::size_t end,
             const ChangePointOptions& o) {
  Scored r;
  r.test = test_step(s, begin, split, end);
  r.p = o.separate_drift ? std::max(r.test.t_test_p, r.test.beyond_trend_p) : r.test.t_test_p;
  if (split - begin < o.min_segment || end - split < o.min_segment) r.p = 1;
  // Medians, so that a few spikes do not make a change; the step beyond the line, so that a trend does not.
  r.magnitude = relative_pct(r.test.median_after - r.test.median_before, r.test.median_before);
  if (o.separate_drift) r.magnitude = std::min(r.magnitude, relative_pct(r.test.step, r.test.level));
  return r;
}

// Hierarchical E-divisive inside series[begin, end): the best split over all current segments is kept while
// its t-test p-value is below `threshold`.
std::vector<std::size_t> split_window(const std::vector<double>& s, std::size_t begin, std::size_t end,
                                      const ChangePointOptions& o, double threshold) {
  std::vector<std::size_t> bounds{begin, end}, found;
  for (;;) {
    Candidate best;
    std::size_t a = 0, b = 0;
    for (std::size_t k = 0; k + 1 < bounds.size(); ++k) {
      const Candidate c = best_split(s, bounds[k], bounds[k + 1], o.min_segment);
      if (c.q > best.q) best = c, a = bounds[k], b = bounds[k + 1];
    }
    if (best.q <= 0 || score(s, a, best.tau, b, o).p >= threshold) break;
    found.push_back(best.tau);
    bounds.insert(std::upper_bound(bounds.begin(), bounds.end(), best.tau), best.tau);
  }
  return found;
}

// First pass: the union of the splits of overlapping windows at the weak threshold.
std::vector<std::size_t> weak_change_points(const std::vector<double>& s, const ChangePointOptions& o) {
  const double threshold = o.max_p_value * std::max(1.0, o.weak_p_factor);
  const std::size_t window = std::max(o.window, 2 * o.min_segment);
  const std::size_t step = std::max<std::size_t>(1, window / 2);
  std::set<std::size_t> all;
  for (std::size_t start = 0; start + 2 * o.min_segment <= s.size();) {
    const std::size_t end = std::min(start + window, s.size());
    const std::vector<std::size_t> found = split_window(s, start, end, o, threshold);
    all.insert(found.begin(), found.end());
    if (end == s.size()) break;
    start += step;
  }
  return {all.begin(), all.end()};
}

// Overlapping windows can propose the same change a point or two apart (a split must leave min_segment
// points in its window): of points closer than min_segment, keep the one the data between its neighbours
// supports best.
std::vector<std::size_t> thin_clusters(const std::vector<double>& s, const std::vector<std::size_t>& idx,
                                       const ChangePointOptions& o) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < idx.size();) {
    std::size_t j = i;
    while (j + 1 < idx.size() && idx[j + 1] - idx[j] < o.min_segment) ++j;
    const std::size_t begin = out.empty() ? 0 : out.back(), end = j + 1 < idx.size() ? idx[j + 1] : s.size();
    std::size_t best = idx[i];
    Scored best_score = score(s, begin, best, end, o);
    for (std::size_t k = i + 1; k <= j; ++k) {
      const Scored c = score(s, begin, idx[k], end, o);
      if (c.p < best_score.p || (c.p == best_score.p && c.magnitude > best_score.magnitude)) best = idx[k], best_score = c;
    }
    out.push_back(best);
    i = j + 1;
  }
  return out;
}

// Second pass: drop the weakest point until every one is significant and large enough.
void merge(const std::vector<double>& s, const ChangePointOptions& o, std::vector<std::size_t>& idx,
           std::vector<Scored>& scored) {
  auto rescore = [&](std::size_t k) {
    const std::size_t begin = k == 0 ? 0 : idx[k - 1], end = k + 1 < idx.size() ? idx[k + 1] : s.size();
    scored[k] = score(s, begin, idx[k], end, o);
  };
  for (std::size_t k = 0; k < idx.size(); ++k) rescore(k);
  while (!idx.empty()) {
    auto by_p = [](const Scored& a, const Scored& b) { return a.p < b.p; };
    auto by_magnitude = [](const Scored& a, const Scored& b) { return a.magnitude < b.magnitude; };
    std::size_t k = static_cast<std::size_t>(std::max_element(scored.begin(), scored.end(), by_p) - scored.begin());
    if (scored[k].p < o.max_p_value) {
      k = static_cast<std::size_t>(std::min_element(scored.begin(), scored.end(), by_magnitude) - scored.begin());
      if (scored[k].magnitude >= o.min_magnitude_pct) return;
    }
    idx.erase(idx.begin() + static_cast<std::ptrdiff_t>(k));
    scored.erase(scored.begin() + static_cast<std::ptrdiff_t>(k));
    if (k > 0) rescore(k - 1);
    if (k < idx.size()) rescore(k);
  }
}

std::optional<Drift> latest_drift(const std::vector<double>& s, std::size_t begin, const ChangePointOptions& o) {
  const std::size_t n = s.size() - begin;
  if (n < std::max<std::size_t>(3, 2 * o.min_segment)) return std::nullopt;
  const LineFit f = fit_line(s, begin, s.size());
  Drift d{begin, f.slope, 0, 0, f.slope_p};
  d.slope_pct = f.intercept != 0 ? 100 * f.slope / std::fabs(f.intercept) : 0;
  d.total_change_pct = d.slope_pct * static_cast<double>(n - 1);
  if (f.slope_p >= o.max_p_value || relative_pct(f.slope * static_cast<double>(n - 1), f.intercept) < o.min_magnitude_pct)
    return std::nullopt;
  return d;
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

ChangePointAnalysis analyze_change_points(const std::vector<double>& series, const ChangePointOptions& options) {
  ChangePointOptions o = options;
  o.min_segment = std::max<std::size_t>(1, o.min_segment);
  std::vector<std::size_t> idx = thin_clusters(series, weak_change_points(series, o), o);
  std::vector<Scored> scored(idx.size());
  merge(series, o, idx, scored);
  ChangePointAnalysis out;
  for (std::size_t k = 0; k < idx.size(); ++k) {
    const StepTest& t = scored[k].test;
    const double pct = t.mean_before != 0 ? 100 * (t.mean_after - t.mean_before) / std::fabs(t.mean_before) : 0;
    out.change_points.push_back({idx[k], scored[k].p, t.mean_before, t.mean_after, pct});
  }
  out.drift = latest_drift(series, idx.empty() ? 0 : idx.back(), o);
  return out;
}

std::vector<ChangePoint> e_divisive(const std::vector<double>& series, const ChangePointOptions& options) {
  return analyze_change_points(series, options).change_points;
}

}  // namespace perfval::regression
