// Evaluating fitted growth models and their prediction intervals (no linear algebra library needed here).
#include <algorithm>
#include <cmath>

#include "fit_basis.hpp"
#include "perfval/capacity/forecast.hpp"

namespace perfval::capacity {

const char* to_string(ModelKind kind) {
  static const char* names[] = {"linear", "exponential", "quadratic", "logistic"};
  return names[static_cast<int>(kind)];
}

std::string FittedModel::name() const {
  std::string out = to_string(kind);
  if (daily && weekly) return out + "+daily+weekly";
  if (daily) return out + "+daily";
  if (weekly) return out + "+weekly";
  return out;
}

namespace {

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

}  // namespace

double FittedModel::fit_space(double t) const { return linear_predictor(*this, t, true); }

double FittedModel::predict(double t) const { return std::max(0.0, to_metric(*this, fit_space(t))); }

double FittedModel::predict_trend(double t) const {
  return std::max(0.0, to_metric(*this, linear_predictor(*this, t, false)));
}

double FittedModel::leverage(double t) const {
  double b[basis::kColumns];
  basis::fill(t, t_end, scale, b);
  const std::size_t p = columns.size();
  if (cov.size() != p * p) return 0;
  double total = 0;
  for (std::size_t i = 0; i < p; ++i) {
    double row = 0;
    for (std::size_t j = 0; j < p; ++j) row += cov[i * p + j] * b[columns[j]];
    total += b[columns[i]] * row;
  }
  return std::max(0.0, total);
}

double FittedModel::dy_dz(double t) const {
  const double y = to_metric(*this, fit_space(t));
  switch (kind) {
    case ModelKind::exponential:
      return y;
    case ModelKind::logistic:
      return y * (1.0 - y / capacity);
    default:
      return 1.0;
  }
}

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

Interval Forecast::interval(double t, double level_pct) const {
  const double mean = predict(t);
  const double lead_days = std::max(0.0, (t - t_last) / basis::kDay);
  const double slope = model.dy_dz(t);
  double var = residual_sd * residual_sd + model.sigma_z * model.sigma_z * model.leverage(t) * slope * slope;
  if (backtest_horizon_days > 0) {
    // The backtest measured how far forecasts drift beyond the noise; that drift grows with the lead time.
    const double excess = std::max(0.0, backtest_rmse * backtest_rmse - residual_sd * residual_sd);
    const double ratio = lead_days / backtest_horizon_days;
    var += excess * ratio * ratio;
  }
  const double half = normal_quantile_for_coverage(level_pct) * std::sqrt(var);
  return {level_pct, std::max(0.0, mean - half), mean + half};
}

}  // namespace perfval::capacity
