// Rolling-origin backtest: origins, lead-time-balanced scores and the error samples behind the intervals.
#include "backtest.hpp"

#include <algorithm>
#include <cmath>

#include "perfval/common/format.hpp"

namespace perfval::capacity::engine {

namespace {

constexpr int kOrigins = 12;
constexpr int kBins = 12;
constexpr std::size_t kMinRows = 30;

int bin_of(double lead, const Plan& p) {
  return std::clamp(static_cast<int>(lead / p.horizon_s * p.bins), 0, p.bins - 1);
}

}  // namespace

Plan plan_backtest(const FitData& d, double horizon_days, double spacing_s, std::size_t min_train_rows) {
  Plan p;
  const std::size_t n = d.t.size();
  const double t0 = d.t.front(), t1 = d.t.back(), span = t1 - t0;
  if (n < kMinRows) {
    p.why_none = std::to_string(n) + " points are too few for a backtest (it needs " + std::to_string(kMinRows) + ")";
    return p;
  }
  p.horizon_s = std::min(std::max(horizon_days * 86400, 4 * spacing_s), 0.5 * span);
  p.bins = kBins;
  const double first = t0 + 0.3 * span, last = t1 - spacing_s;
  for (int k = 0; k < kOrigins; ++k) {
    const double origin = first + (last - first) * k / (kOrigins - 1);
    Fold f;
    f.train_end = static_cast<std::size_t>(std::upper_bound(d.t.begin(), d.t.end(), origin) - d.t.begin());
    if (f.train_end < std::max<std::size_t>(min_train_rows, 8) || f.train_end >= n) continue;
    const double from = d.t[f.train_end - 1];
    f.score_end = static_cast<std::size_t>(std::upper_bound(d.t.begin(), d.t.end(), from + p.horizon_s) - d.t.begin());
    if (!p.folds.empty() && p.folds.back().train_end == f.train_end) continue;
    if (f.score_end > f.train_end) p.folds.push_back(f);
  }
  if (p.folds.size() < 2) {
    p.folds.clear();
    p.why_none = std::to_string(n) + " points over " + format_double("%.2g", span / 86400) +
                 " d leave fewer than 2 usable backtest origins";
  }
  return p;
}

Plan plan_calibration(const FitData& d, const Plan& base, double first_origin, int origins, std::size_t min_train_rows) {
  Plan p;
  p.horizon_s = base.horizon_s;
  p.bins = base.bins;
  const std::size_t n = d.t.size();
  if (base.folds.empty() || n < kMinRows || origins < 2) return p;
  const double last = d.t.back() - (d.t.back() - d.t.front()) / static_cast<double>(n);
  for (int k = 0; k < origins; ++k) {
    const double origin = first_origin + (last - first_origin) * k / (origins - 1);
    Fold f;
    f.train_end = static_cast<std::size_t>(std::upper_bound(d.t.begin(), d.t.end(), origin) - d.t.begin());
    if (f.train_end < std::max<std::size_t>(min_train_rows, 8) || f.train_end >= n) continue;
    if (!p.folds.empty() && p.folds.back().train_end == f.train_end) continue;
    f.score_end = static_cast<std::size_t>(std::upper_bound(d.t.begin(), d.t.end(), d.t[f.train_end - 1] + p.horizon_s) -
                                           d.t.begin());
    if (f.score_end > f.train_end) p.folds.push_back(f);
  }
  if (p.folds.size() < 2) p.folds.clear();
  return p;
}

Plan recent_part(const Plan& plan) {
  Plan p = plan;
  const std::size_t keep = std::max<std::size_t>(2, plan.folds.size() / 3);
  if (p.folds.size() > keep) p.folds.erase(p.folds.begin(), p.folds.end() - static_cast<std::ptrdiff_t>(keep));
  return p;
}

double backtest_mae(const FitData& d, const Plan& plan, const std::vector<std::vector<double>>& preds) {
  std::vector<double> sum(static_cast<std::size_t>(plan.bins), 0), count(static_cast<std::size_t>(plan.bins), 0);
  for (std::size_t f = 0; f < plan.folds.size(); ++f) {
    const Fold& fold = plan.folds[f];
    const double from = d.t[fold.train_end - 1];
    for (std::size_t i = fold.train_end; i < fold.score_end; ++i) {
      const auto b = static_cast<std::size_t>(bin_of(d.t[i] - from, plan));
      sum[b] += std::fabs(d.y[i] - preds[f][i - fold.train_end]);
      count[b] += 1;
    }
  }
  double total = 0, bins = 0;
  for (std::size_t b = 0; b < sum.size(); ++b) {
    if (count[b] == 0) continue;
    total += sum[b] / count[b];
    bins += 1;
  }
  return bins > 0 ? total / bins : 0;
}

std::vector<ErrorBin> backtest_errors(const FitData& d, const Plan& plan, const std::vector<std::vector<double>>& preds,
                                      bool relative) {
  std::vector<ErrorBin> bins(static_cast<std::size_t>(plan.bins));
  for (std::size_t b = 0; b < bins.size(); ++b) bins[b].lead_s = plan.horizon_s * static_cast<double>(b + 1) / plan.bins;
  for (std::size_t f = 0; f < plan.folds.size(); ++f) {
    const Fold& fold = plan.folds[f];
    const double from = d.t[fold.train_end - 1];
    for (std::size_t i = fold.train_end; i < fold.score_end; ++i) {
      const double forecast = preds[f][i - fold.train_end];
      const double e = d.y[i] - forecast;
      bins[static_cast<std::size_t>(bin_of(d.t[i] - from, plan))].errors.push_back(relative ? e / std::max(forecast, 1e-12) : e);
    }
  }
  std::erase_if(bins, [](const ErrorBin& b) { return b.errors.empty(); });
  for (auto& b : bins) std::sort(b.errors.begin(), b.errors.end());
  return bins;
}

std::vector<ErrorBin> pool_neighbours(const std::vector<ErrorBin>& bins) {
  std::vector<ErrorBin> out(bins.size());
  for (std::size_t b = 0; b < bins.size(); ++b) {
    out[b].lead_s = bins[b].lead_s;
    for (std::size_t j = b == 0 ? 0 : b - 1; j <= std::min(b + 1, bins.size() - 1); ++j) {
      out[b].errors.insert(out[b].errors.end(), bins[j].errors.begin(), bins[j].errors.end());
    }
    std::sort(out[b].errors.begin(), out[b].errors.end());
  }
  return out;
}

}  // namespace perfval::capacity::engine
