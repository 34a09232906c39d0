// Straight-line fits and the step test behind change-point significance.
#include "perfval/regression/segment_tests.hpp"

#include <cmath>
#include <limits>

#include "perfval/regression/stats.hpp"

namespace perfval::regression {

namespace {

struct Moments {
  double n = 0;     // points
  double mean = 0;  // series units
  double ss = 0;    // sum of squared deviations from the mean
};

Moments moments(const std::vector<double>& s, std::size_t begin, std::size_t end) {
  Moments m;
  m.n = static_cast<double>(end - begin);
  if (end <= begin) return m;
  for (std::size_t i = begin; i < end; ++i) m.mean += s[i];
  m.mean /= m.n;
  for (std::size_t i = begin; i < end; ++i) m.ss += (s[i] - m.mean) * (s[i] - m.mean);
  return m;
}

// p of a t statistic whose standard error may be zero: a difference with no noise at all is certain.
double t_p(double estimate, double se, double df) {
  if (df <= 0) return 1;
  if (!(se > 0)) return estimate == 0 ? 1.0 : 0.0;
  return student_t_two_sided_p(estimate / se, df);
}

double median_of(const std::vector<double>& s, std::size_t begin, std::size_t end) {
  return median(std::vector<double>(s.begin() + static_cast<std::ptrdiff_t>(begin),
                                    s.begin() + static_cast<std::ptrdiff_t>(end)));
}

}  // namespace

LineFit fit_line(const std::vector<double>& series, std::size_t begin, std::size_t end) {
  LineFit f;
  const Moments y = moments(series, begin, end);
  if (y.n < 2) {
    f.intercept = y.mean;
    return f;
  }
  const double mean_j = (y.n - 1) / 2.0;
  double sjj = 0, sjy = 0;
  for (std::size_t i = begin; i < end; ++i) {
    const double dj = static_cast<double>(i - begin) - mean_j;
    sjj += dj * dj;
    sjy += dj * (series[i] - y.mean);
  }
  f.slope = sjy / sjj;
  f.intercept = y.mean - f.slope * mean_j;
  f.rss = std::max(0.0, y.ss - f.slope * sjy);
  if (y.n >= 3) f.slope_p = t_p(f.slope, std::sqrt(f.rss / (y.n - 2) / sjj), y.n - 2);
  return f;
}

StepTest test_step(const std::vector<double>& series, std::size_t begin, std::size_t split, std::size_t end) {
  StepTest r;
  const Moments left = moments(series, begin, split), right = moments(series, split, end);
  r.mean_before = left.mean;
  r.mean_after = right.mean;
  if (left.n == 0 || right.n == 0) return r;
  r.median_before = median_of(series, begin, split);
  r.median_after = median_of(series, split, end);
  const double df = left.n + right.n - 2;
  const double pooled = df > 0 ? (left.ss + right.ss) / df : 0;
  r.t_test_p = t_p(right.mean - left.mean, std::sqrt(pooled * (1 / left.n + 1 / right.n)), df);

  // Level shift beyond one line (Frisch-Waugh): residualize the series and the step indicator on the line,
  // then the shift is the regression of one residual on the other.
  const double n = left.n + right.n;
  const double mean_j = (n - 1) / 2.0, k = left.n;
  const double mean_d = right.n / n;
  double sjj = 0, sjd = 0;
  for (std::size_t i = begin; i < end; ++i) {
    const double dj = static_cast<double>(i - begin) - mean_j;
    sjj += dj * dj;
    sjd += dj * ((i >= split ? 1.0 : 0.0) - mean_d);
  }
  const LineFit line = fit_line(series, begin, end);
  const double d_slope = sjd / sjj, d_intercept = mean_d - d_slope * mean_j;
  double sdd = 0, sdy = 0;
  for (std::size_t i = begin; i < end; ++i) {
    const double j = static_cast<double>(i - begin);
    const double d_res = (i >= split ? 1.0 : 0.0) - (d_intercept + d_slope * j);
    const double y_res = series[i] - (line.intercept + line.slope * j);
    sdd += d_res * d_res;
    sdy += d_res * y_res;
  }
  if (sdd <= 0 || n < 4) return r;
  r.step = sdy / sdd;
  const double rss = std::max(0.0, line.rss - r.step * sdy);
  r.beyond_trend_p = t_p(r.step, std::sqrt(rss / (n - 3) / sdd), n - 3);
  const double slope = line.slope - r.step * d_slope, intercept = line.intercept - r.step * d_intercept;
  r.level = intercept + slope * (k - 1);
  return r;
}

}  // namespace perfval::regression
