// Sample summaries, Student's t, F and normal distributions, and the two-sided Mann-Whitney U test.
#include "perfval/regression/stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace perfval::regression {

double mean(const std::vector<double>& xs) {
  if (xs.empty()) return 0;
  return std::accumulate(xs.begin(), xs.end(), 0.0) / static_cast<double>(xs.size());
}

double median(const std::vector<double>& xs) {
  if (xs.empty()) return 0;
  std::vector<double> v = xs;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double stddev(const std::vector<double>& xs) {
  if (xs.size() < 2) return 0;
  const double m = mean(xs);
  double ss = 0;
  for (double x : xs) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(xs.size() - 1));
}

double coefficient_of_variation(const std::vector<double>& xs) {
  const double m = mean(xs);
  return m == 0 ? 0 : stddev(xs) / std::fabs(m);
}

double robust_sd(const std::vector<double>& xs) {
  if (xs.size() < 2) return 0;
  const double m = median(xs);
  std::vector<double> dev;
  dev.reserve(xs.size());
  for (double x : xs) dev.push_back(std::fabs(x - m));
  return 1.4826 * median(dev);
}

namespace {

// Continued fraction of the regularized incomplete beta function (modified Lentz's method).
double beta_fraction(double a, double b, double x) {
  const double tiny = 1e-300;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  d = 1 / (std::fabs(d) < tiny ? tiny : d);
  double h = d;
  for (int m = 1; m <= 300; ++m) {
    const double dm = m;
    for (int half = 0; half < 2; ++half) {
      const double num = half == 0 ? dm * (b - dm) * x / ((a + 2 * dm - 1) * (a + 2 * dm))
                                   : -(a + dm) * (a + b + dm) * x / ((a + 2 * dm) * (a + 2 * dm + 1));
      d = 1 + num * d;
      d = 1 / (std::fabs(d) < tiny ? tiny : d);
      c = 1 + num / c;
      if (std::fabs(c) < tiny) c = tiny;
      h *= d * c;
      if (half == 1 && std::fabs(d * c - 1) < 1e-14) return h;
    }
  }
  return h;
}

// log |Gamma(x)|. lgamma() writes libm's global signgam, a data race when two threads call it (TSan found one
// in the target's Poisson draws); lgamma_r() returns the sign instead.
double log_gamma(double x) {
  int sign = 0;
  return lgamma_r(x, &sign);
}

}  // namespace

double incomplete_beta(double x, double a, double b) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double front =
      std::exp(log_gamma(a + b) - log_gamma(a) - log_gamma(b) + a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return front * beta_fraction(a, b, x) / a;
  return 1 - front * beta_fraction(b, a, 1 - x) / b;
}

double student_t_two_sided_p(double t, double df) {
  if (std::isnan(t) || df <= 0) return 1;
  if (std::isinf(t)) return 0;
  return incomplete_beta(df / (df + t * t), df / 2, 0.5);
}

double student_t_cdf(double t, double df) {
  const double tail = 0.5 * incomplete_beta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

double student_t_quantile(double p, double df) {
  if (p <= 0) return -INFINITY;
  if (p >= 1) return INFINITY;
  double lo = -1e6, hi = 1e6;  // bisection, as for normal_quantile
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    (student_t_cdf(mid, df) < p ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

double two_sided_critical(double alpha, double df) {
  return df > 0 ? student_t_quantile(1 - alpha / 2, df) : normal_quantile(1 - alpha / 2);
}

double f_cdf(double x, double d1, double d2) {
  if (!(x > 0)) return 0;
  return incomplete_beta(d1 * x / (d1 * x + d2), d1 / 2, d2 / 2);
}

double f_quantile(double p, double d1, double d2) {
  if (p <= 0) return 0;
  if (p >= 1) return INFINITY;
  double lo = 0, hi = 1;
  while (f_cdf(hi, d1, d2) < p && hi < 1e12) hi *= 2;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    (f_cdf(mid, d1, d2) < p ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

double normal_quantile(double p) {
  if (p <= 0) return -INFINITY;
  if (p >= 1) return INFINITY;
  double lo = -40, hi = 40;  // bisection: normal_cdf is monotone and cheap
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    (normal_cdf(mid) < p ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

namespace {

// Number of arrangements of n1 x-values and n2 y-values giving each U of x (0..n1*n2), without ties.
// Recurrence on the largest pooled value: it is an x (adds n2 to U) or a y (adds nothing).
std::vector<double> u_distribution(std::size_t n1, std::size_t n2) {
  const std::size_t umax = n1 * n2;
  // counts[a][b] is the distribution for a x-values and b y-values; rolled over a.
  std::vector<std::vector<double>> prev(n2 + 1), cur(n2 + 1);
  for (std::size_t b = 0; b <= n2; ++b) prev[b] = std::vector<double>(umax + 1, 0.0), prev[b][0] = 1;
  for (std::size_t a = 1; a <= n1; ++a) {
    cur[0] = std::vector<double>(umax + 1, 0.0);
    cur[0][0] = 1;
    for (std::size_t b = 1; b <= n2; ++b) {
      cur[b] = cur[b - 1];  // largest value is a y
      for (std::size_t u = 0; u + b <= umax; ++u) cur[b][u + b] += prev[b][u];  // largest is an x
    }
    std::swap(prev, cur);
  }
  return prev[n2];
}

double exact_two_sided_p(double u, std::size_t n1, std::size_t n2) {
  const std::vector<double> counts = u_distribution(n1, n2);
  double total = 0, tail = 0;
  for (std::size_t k = 0; k < counts.size(); ++k) {
    total += counts[k];
    if (static_cast<double>(k) <= u) tail += counts[k];
  }
  return std::min(1.0, 2 * tail / total);
}

// Number of differences to cut from each end: the largest c with 2 P(U <= c - 1) <= alpha, so the interval
// [D_(c), D_(n1 n2 + 1 - c)] has coverage >= 1 - alpha; also returns the achieved coverage.
std::pair<std::size_t, double> interval_rank(std::size_t n1, std::size_t n2, double alpha, std::size_t exact_limit) {
  const double m = static_cast<double>(n1 * n2);
  if (n1 <= exact_limit && n2 <= exact_limit) {
    const std::vector<double> counts = u_distribution(n1, n2);
    double total = 0;
    for (double c : counts) total += c;
    std::size_t c = 1;
    double below = 0, coverage = 1;  // below = P(U <= c - 1)
    for (std::size_t u = 0; u < counts.size(); ++u) {
      const double next = below + counts[u] / total;
      if (2 * next > alpha) break;
      below = next, c = u + 1, coverage = 1 - 2 * below;
    }
    return {c, coverage};
  }
  const double za = normal_quantile(1 - alpha / 2);
  const double sd = std::sqrt(m * (static_cast<double>(n1 + n2) + 1) / 12);
  const double c = std::floor(m / 2 - za * sd);
  return {c < 1 ? std::size_t{1} : static_cast<std::size_t>(c), 1 - alpha};
}

}  // namespace

ShiftInterval shift_interval(const std::vector<double>& x, const std::vector<double>& y, double alpha,
                             std::size_t exact_limit) {
  if (x.empty() || y.empty()) throw std::invalid_argument("shift_interval: both samples need values");
  std::vector<double> d;
  d.reserve(x.size() * y.size());
  for (double a : x)
    for (double b : y) d.push_back(b - a);
  std::sort(d.begin(), d.end());
  const auto [c, coverage] = interval_rank(x.size(), y.size(), alpha, exact_limit);
  ShiftInterval r;
  r.estimate = median(d);
  r.lower = d[std::min(c, d.size()) - 1];
  r.upper = d[d.size() - std::min(c, d.size())];
  r.confidence = coverage;
  return r;
}

MannWhitneyResult mann_whitney_u(const std::vector<double>& x, const std::vector<double>& y,
                                 std::size_t exact_limit) {
  if (x.empty() || y.empty()) throw std::invalid_argument("mann_whitney_u: both samples need values");
  const std::size_t n1 = x.size(), n2 = y.size(), n = n1 + n2;
  std::vector<std::pair<double, int>> pooled;
  pooled.reserve(n);
  for (double v : x) pooled.emplace_back(v, 0);
  for (double v : y) pooled.emplace_back(v, 1);
  std::sort(pooled.begin(), pooled.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

  MannWhitneyResult r;
  double rank_sum_x = 0, tie_term = 0;  // tie_term: sum of t^3 - t over tie groups
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && pooled[j].first == pooled[i].first) ++j;
    const double t = static_cast<double>(j - i);
    const double midrank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (std::size_t k = i; k < j; ++k)
      if (pooled[k].second == 0) rank_sum_x += midrank;
    if (t > 1) r.ties = true, tie_term += t * t * t - t;
    i = j;
  }
  const double d1 = static_cast<double>(n1), d2 = static_cast<double>(n2), dn = static_cast<double>(n);
  r.u1 = rank_sum_x - d1 * (d1 + 1) / 2;
  r.u2 = d1 * d2 - r.u1;
  r.u = std::min(r.u1, r.u2);

  if (!r.ties && n1 <= exact_limit && n2 <= exact_limit) {
    r.exact = true;
    r.p_value = exact_two_sided_p(r.u, n1, n2);
    return r;
  }
  const double mu = d1 * d2 / 2;
  const double var = d1 * d2 / 12 * ((dn + 1) - tie_term / (dn * (dn - 1)));
  if (var <= 0) {  // every value identical: no evidence of a difference
    r.p_value = 1;
    return r;
  }
  const double diff = std::max(0.0, std::fabs(r.u1 - mu) - 0.5);
  r.z = (r.u1 > mu ? diff : -diff) / std::sqrt(var);
  r.p_value = std::min(1.0, 2 * (1 - normal_cdf(std::fabs(r.z))));
  return r;
}

}  // namespace perfval::regression
