// Prepares a series for fitting: bucket medians for long series, and zero weight for isolated spikes.
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "fit_basis.hpp"
#include "fit_engine.hpp"

namespace perfval::capacity::engine {

double median_of(std::vector<double>& buf) {
  if (buf.empty()) return 0;
  const auto mid = buf.begin() + static_cast<std::ptrdiff_t>(buf.size() / 2);
  std::nth_element(buf.begin(), mid, buf.end());
  if (buf.size() % 2 == 1) return *mid;
  return (*mid + *std::max_element(buf.begin(), mid)) / 2;
}

namespace {

// Fixed-width buckets; each becomes (mean time, median value) and keeps one raw point. Empty buckets are gaps
// and simply absent.
void reduce(const std::vector<double>& t, const std::vector<double>& v, std::size_t max_points, FitData& d) {
  const double t0 = t.front();
  const double width = (t.back() - t0) / static_cast<double>(max_points) * (1 + 1e-12);
  d.bucket_s = width;
  d.t.reserve(max_points);
  d.y.reserve(max_points);
  std::vector<double> scratch;
  scratch.reserve(t.size() / max_points * 4 + 16);
  std::size_t i = 0;
  while (i < t.size()) {
    const auto bucket = static_cast<long long>((t[i] - t0) / width);
    const double bucket_end = t0 + static_cast<double>(bucket + 1) * width;
    scratch.clear();
    double tsum = 0;
    do {  // always consume t[i]: rounding can put bucket_end at or below it
      scratch.push_back(v[i]);
      tsum += t[i];
      ++i;
    } while (i < t.size() && (t[i] < bucket_end || i + 1 == t.size()));
    d.t.push_back(tsum / static_cast<double>(scratch.size()));
    // A fixed hash of the bucket number picks its raw point: reproducible, and not always the first or last.
    d.raw.push_back(scratch[static_cast<std::size_t>(bucket) * 2654435761u % scratch.size()]);
    d.y.push_back(median_of(scratch));
  }
}

// Robust spread of residuals: 1.4826 * median absolute value, never exactly zero.
double mad_scale(const std::vector<double>& r, double floor) {
  std::vector<double> a(r.size());
  for (std::size_t i = 0; i < r.size(); ++i) a[i] = std::fabs(r[i]);
  return std::max(1.4826 * median_of(a), floor);
}

// Residuals from a centred running median of 9 points: large where a point stands out from its neighbours.
std::vector<double> running_median_residuals(const std::vector<double>& y) {
  constexpr std::size_t kHalf = 4;
  std::vector<double> r(y.size()), window;
  window.reserve(2 * kHalf + 1);
  for (std::size_t i = 0; i < y.size(); ++i) {
    std::size_t lo = i >= kHalf ? i - kHalf : 0;
    const std::size_t hi = std::min(y.size(), lo + 2 * kHalf + 1);
    lo = hi >= 2 * kHalf + 1 ? hi - (2 * kHalf + 1) : 0;
    window.assign(y.begin() + static_cast<std::ptrdiff_t>(lo), y.begin() + static_cast<std::ptrdiff_t>(hi));
    r[i] = y[i] - median_of(window);
  }
  return r;
}

// Residuals from one least-squares fit of a quadratic trend with the seasonality the span supports: large
// where a point is not explained by the trend or the daily/weekly pattern.
std::vector<double> global_fit_residuals(const FitData& d) {
  const double span = d.t.back() - d.t.front();
  std::vector<int> cols{basis::kIntercept, basis::kLinear, basis::kQuadratic};
  if (span >= 2 * basis::kDay) {
    for (int k = 0; k < 2 * basis::kDailyHarmonics; ++k) cols.push_back(basis::kDaily + k);
  }
  if (span >= 2 * basis::kWeek) {
    for (int k = 0; k < 2 * basis::kWeeklyHarmonics; ++k) cols.push_back(basis::kWeekly + k);
  }
  const auto n = static_cast<Eigen::Index>(d.t.size());
  Eigen::MatrixXd x(n, static_cast<Eigen::Index>(cols.size()));
  Eigen::VectorXd y(n);
  double row[basis::kColumns];
  for (Eigen::Index i = 0; i < n; ++i) {
    basis::fill(d.t[static_cast<std::size_t>(i)], d.t_end, d.scale, row);
    for (std::size_t c = 0; c < cols.size(); ++c) x(i, static_cast<Eigen::Index>(c)) = row[cols[c]];
    y(i) = d.y[static_cast<std::size_t>(i)];
  }
  const Eigen::VectorXd beta = x.colPivHouseholderQr().solve(y);
  const Eigen::VectorXd r = y - x * beta;
  return std::vector<double>(r.data(), r.data() + r.size());
}

void mark_spikes(FitData& d) {
  d.w.assign(d.y.size(), 1.0);
  if (d.y.size() < 12) return;
  std::vector<double> level(d.y);
  const double floor = 1e-9 * (std::fabs(median_of(level)) + 1e-300);
  const auto local = running_median_residuals(d.y);
  const auto global = global_fit_residuals(d);
  const double s_local = mad_scale(local, floor);
  const double s_global = mad_scale(global, floor);
  for (std::size_t i = 0; i < d.y.size(); ++i) {
    if (std::fabs(local[i]) > 5 * s_local && std::fabs(global[i]) > 5 * s_global) {
      d.w[i] = 0;
      ++d.outliers;
    }
  }
}

}  // namespace

FitData prepare(const std::vector<double>& t, const std::vector<double>& v, std::size_t max_points) {
  FitData d;
  d.t_end = t.back();
  d.scale = std::max(t.back() - t.front(), 1.0);
  if (t.size() > max_points) {
    reduce(t, v, max_points, d);
    d.t_end = d.t.back();
  } else {
    d.t = t;
    d.y = v;
  }
  mark_spikes(d);
  return d;
}

}  // namespace perfval::capacity::engine
