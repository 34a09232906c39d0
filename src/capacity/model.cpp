// Evaluating fitted models and their backtest-calibrated prediction intervals (no linear algebra library here).
#include <algorithm>
#include <cmath>
#include <numbers>

#include "fit_basis.hpp"
#include "perfval/capacity/forecast.hpp"
#include "perfval/common/format.hpp"

namespace perfval::capacity {

const char* to_string(ModelKind kind) {
  static const char* names[] = {"naive",  "level",       "seasonal-naive", "drift",    "holt",       "holt-winters",
                                "linear", "exponential", "quadratic",      "logistic", "combination"};
  return names[static_cast<int>(kind)];
}

namespace {

bool is_regression(ModelKind k) {
  return k == ModelKind::linear || k == ModelKind::exponential || k == ModelKind::quadratic || k == ModelKind::logistic;
}

double linear_predictor(const FittedModel& m, double t, bool seasonal) {
  double b[basis::kColumns];
  basis::fill(t, m.t_end, m.scale, b);
  double z = 0;
  for (std::size_t i = 0; i < m.columns.size(); ++i) {
    if (!seasonal && basis::is_seasonal(m.columns[i])) continue;
    z += m.coef[i] * b[m.columns[i]];
  }
  return z;
}

double to_metric(const FittedModel& m, double z) {
  switch (m.kind) {
    case ModelKind::exponential:
      return std::exp(std::min(z, 700.0));
    case ModelKind::logistic:
      return m.capacity / (1.0 + std::exp(std::min(-z, 700.0)));
    default:
      return z;
  }
}

double season_at(const FittedModel& m, double t) {
  if (m.season.empty() || m.period_s <= 0) return 0;
  const double phase = std::fmod(t, m.period_s) / m.period_s;
  auto slot = static_cast<std::size_t>(phase * static_cast<double>(m.season.size()));
  return m.season[std::min(slot, m.season.size() - 1)];
}

double season_mean(const FittedModel& m) {
  if (m.season.empty()) return 0;
  double s = 0;
  for (double x : m.season) s += x;
  return s / static_cast<double>(m.season.size());
}

// Holt's damped trend: the level plus the trend summed over the steps ahead, each damped by phi.
double damped_trend(const FittedModel& m, double t) {
  const double h = std::max(0.0, t - m.t_end) / std::max(m.step_s, 1e-9);
  const double sum = m.phi >= 1 ? h : m.phi * (1 - std::pow(m.phi, h)) / (1 - m.phi);
  return m.level + m.slope * m.step_s * sum;
}

double evaluate(const FittedModel& m, double t, bool seasonal) {
  switch (m.kind) {
    case ModelKind::naive:
    case ModelKind::level:
      return m.level;
    case ModelKind::seasonal_naive:
      return seasonal ? season_at(m, t) : season_mean(m);
    case ModelKind::drift:
      return m.level + m.slope * (t - m.t_end);
    case ModelKind::holt:
      return damped_trend(m, t);
    case ModelKind::holt_winters:
      return damped_trend(m, t) + (seasonal ? season_at(m, t) : 0);
    case ModelKind::combination: {
      double s = 0;
      for (const auto& p : m.parts) s += evaluate(p, t, seasonal);
      return m.parts.empty() ? 0 : s / static_cast<double>(m.parts.size());
    }
    default:
      return to_metric(m, linear_predictor(m, t, seasonal));
  }
}

}  // namespace

std::string FittedModel::name() const {
  std::string out = to_string(kind);
  if (kind == ModelKind::combination) {
    out = "mean of " + std::to_string(parts.size()) + " (";
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i].name();
    return out + ")";
  }
  if (daily && weekly) out += "+daily+weekly";
  else if (daily) out += "+daily";
  else if (weekly) out += "+weekly";
  if (!window.empty() && (kind == ModelKind::level || is_regression(kind))) out += " (" + window + ")";
  return out;
}

int FittedModel::complexity() const {
  static const int base[] = {0, 1, 1, 1, 3, 4, 2, 2, 3, 4, 0};
  int c = base[static_cast<int>(kind)];
  if (is_regression(kind)) c += (daily ? 2 : 0) + (weekly ? 3 : 0);
  if (kind == ModelKind::combination) {
    for (const auto& p : parts) c = std::max(c, p.complexity() + 1);
  }
  return c;
}

double FittedModel::fit_space(double t) const { return linear_predictor(*this, t, true); }

double FittedModel::predict(double t) const { return std::max(0.0, evaluate(*this, t, true)); }

double FittedModel::predict_trend(double t) const { return std::max(0.0, evaluate(*this, t, false)); }

double normal_quantile_for_coverage(double level_pct) {
  const double p = 0.5 + level_pct / 200.0;  // upper tail point of a central interval
  double lo = 0, hi = 40;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    const double cdf = 0.5 * std::erfc(-mid / std::numbers::sqrt2);
    (cdf < p ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

double Forecast::predict(double t) const { return std::clamp(model.predict(t), lower_bound, upper_bound); }

namespace {

// Split-conformal order statistics of sorted errors: the ceil((n + 1) q)-th smallest for an upper tail point q,
// the floor((n + 1) q)-th for a lower one, clamped to the extremes (finite-sample ranks, never interpolated).
double conformal_upper(const std::vector<double>& s, double q) {
  if (s.empty()) return 0;
  const double k = std::ceil((static_cast<double>(s.size()) + 1) * q);
  return s[static_cast<std::size_t>(std::clamp(k, 1.0, static_cast<double>(s.size()))) - 1];
}

double conformal_lower(const std::vector<double>& s, double q) {
  if (s.empty()) return 0;
  const double k = std::floor((static_cast<double>(s.size()) + 1) * q);
  return s[static_cast<std::size_t>(std::clamp(k, 1.0, static_cast<double>(s.size()))) - 1];
}

}  // namespace

Interval Forecast::interval(double t, double level_pct) const {
  const double mean = predict(t);
  const double lead = std::max(0.0, t - t_last);
  double lo = 0, hi = 0;
  if (error_bins.empty()) {
    // No backtest: a random walk's spread from the point-to-point changes, widened by a safety factor.
    const double steps = std::max(1.0, lead / std::max(spacing_s, 1.0));
    hi = 2 * normal_quantile_for_coverage(level_pct) * fallback_spread * std::sqrt(steps);
    lo = -hi;
  } else {
    // Split-conformal: the empirical quantiles of the backtest's errors at this lead, never narrower than at
    // a shorter lead, and grown like a random walk's beyond the longest lead the backtest saw.
    const double tail = (1 - level_pct / 100) / 2;
    for (const auto& bin : error_bins) {
      if (symmetric_errors) {
        const double q = conformal_upper(bin.errors, level_pct / 100);
        lo = std::min(lo, -q);
        hi = std::max(hi, q);
      } else {
        lo = std::min(lo, conformal_lower(bin.errors, tail));
        hi = std::max(hi, conformal_upper(bin.errors, 1 - tail));
      }
      if (bin.lead_s >= lead) break;
    }
    const double longest = error_bins.back().lead_s;
    const double grow = lead > longest && longest > 0 ? std::sqrt(lead / longest) : 1.0;
    const double unit = relative_errors ? mean : 1.0;
    lo *= grow * unit;
    hi *= grow * unit;
  }
  const double lower = std::clamp(mean + lo, lower_bound, upper_bound);
  const double upper = std::clamp(mean + hi, lower_bound, upper_bound);
  return {level_pct, lower, upper};
}

}  // namespace perfval::capacity
