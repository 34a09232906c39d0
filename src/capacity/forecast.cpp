// forecast_series: validates a series, plans the rolling-origin backtest, and chooses and explains a model.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "fit_basis.hpp"
#include "fit_engine.hpp"
#include "perfval/capacity/forecast.hpp"
#include "perfval/common/error.hpp"
#include "perfval/common/format.hpp"

namespace perfval::capacity {

namespace {

constexpr int kFolds = 4;
constexpr std::size_t kMinBacktestRows = 30;

void validate(const std::vector<double>& t, const std::vector<double>& v, const ForecastOptions& opt) {
  if (t.size() != v.size()) throw Error("internal: timestamps and values differ in length");
  if (t.size() < opt.min_points) {
    throw Error("too few points for a fit: got " + std::to_string(t.size()) + ", need at least " +
                std::to_string(opt.min_points));
  }
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i]) || v[i] < 0) throw Error("negative or NaN value " + format_double("%g", v[i]));
    if (i > 0 && t[i] <= t[i - 1]) throw Error("timestamps must increase");
  }
  if (std::all_of(v.begin(), v.end(), [&](double x) { return x == v.front(); })) {
    throw Error("constant series: all " + std::to_string(v.size()) + " points equal " + format_double("%g", v.front()) +
                "; there is no trend to fit");
  }
}

struct Plan {
  std::vector<engine::Fold> folds;  // ascending train_end
  double hb_days = 0;               // backtest horizon, days
  double train_span_s = 0;          // seconds of history the shortest training window has
};

Plan plan_backtest(const engine::FitData& d, const ForecastOptions& opt) {
  Plan plan;
  const double t0 = d.t.front(), t1 = d.t.back(), span = t1 - t0;
  plan.train_span_s = span;
  if (!opt.allow_backtest || d.t.size() < kMinBacktestRows) return plan;
  const double hb = std::min(opt.horizon_days * basis::kDay, 0.25 * span);
  const double step = std::min(hb / 2, (t1 - hb - (t0 + 0.5 * span)) / (kFolds - 1));
  for (int j = kFolds - 1; j >= 0; --j) {
    const double origin = t1 - hb - j * step;
    engine::Fold f;
    f.train_end = static_cast<std::size_t>(std::lower_bound(d.t.begin(), d.t.end(), origin) - d.t.begin());
    f.lead_begin = static_cast<std::size_t>(std::upper_bound(d.t.begin(), d.t.end(), origin + hb / 2) - d.t.begin());
    f.lead_end = static_cast<std::size_t>(std::upper_bound(d.t.begin(), d.t.end(), origin + hb) - d.t.begin());
    std::size_t scored = 0;
    for (std::size_t i = f.lead_begin; i < f.lead_end; ++i) scored += d.w[i] > 0;
    if (f.train_end < std::max<std::size_t>(opt.min_points, 16) || scored < 2) continue;
    if (plan.folds.empty()) plan.train_span_s = origin - t0;
    plan.folds.push_back(f);
  }
  if (plan.folds.size() < 2) {
    plan.folds.clear();
    plan.train_span_s = span;
    return plan;
  }
  plan.hb_days = hb / basis::kDay;
  return plan;
}

struct SeasonChoice {
  std::vector<std::pair<bool, bool>> options;  // (daily, weekly)
  std::string note;                            // why requested seasonality was left out, or ""
};

SeasonChoice season_options(const engine::FitData& d, SeasonalityMode mode, double train_span_s) {
  std::vector<double> gaps(d.t.size() > 1 ? d.t.size() - 1 : 0);
  for (std::size_t i = 1; i < d.t.size(); ++i) gaps[i - 1] = d.t[i] - d.t[i - 1];
  std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
  const double spacing = gaps.empty() ? 0 : gaps[gaps.size() / 2];
  const bool daily_ok = train_span_s >= 2 * basis::kDay && spacing <= 4 * 3600;
  const bool weekly_ok = train_span_s >= 2 * basis::kWeek && spacing <= 12 * 3600;
  SeasonChoice out;
  const bool want_daily = mode == SeasonalityMode::daily || mode == SeasonalityMode::daily_weekly;
  const bool want_weekly = mode == SeasonalityMode::weekly || mode == SeasonalityMode::daily_weekly;
  if (want_daily && !daily_ok) out.note += "daily seasonality needs 2 days of history at <= 4 h spacing; ";
  if (want_weekly && !weekly_ok) out.note += "weekly seasonality needs 14 days of history at <= 12 h spacing; ";
  if (mode == SeasonalityMode::automatic) {
    out.options.push_back({false, false});
    if (daily_ok) out.options.push_back({true, false});
    if (weekly_ok) out.options.push_back({false, true});
    if (daily_ok && weekly_ok) out.options.push_back({true, true});
  } else {
    out.options.push_back({want_daily && daily_ok, want_weekly && weekly_ok});
  }
  return out;
}

double aicc(const engine::Evaluation& e) {
  const double n = e.n_eff, k = static_cast<double>(e.params);
  if (n - k - 1 <= 0) return INFINITY;
  return n * std::log(std::max(e.sse, 1e-300) / n) + 2 * k + 2 * k * (k + 1) / (n - k - 1);
}

double score_of(const engine::Evaluation& e, bool backtest) { return backtest ? e.rel_error * 100 : aicc(e); }

// Index of the chosen evaluation: the best score, or by backtest the simplest within 5 % of the best.
std::size_t choose(const std::vector<engine::Evaluation>& evals, bool backtest, std::size_t& best) {
  best = evals.size();
  for (std::size_t i = 0; i < evals.size(); ++i) {
    if (evals[i].ok && (best == evals.size() || score_of(evals[i], backtest) < score_of(evals[best], backtest))) best = i;
  }
  if (best == evals.size()) return best;
  std::size_t chosen = best;
  // Backtest: within 5 % of the best error. AICc: within 2 of the best (the usual "substantial support" rule).
  const double b = score_of(evals[best], backtest);
  const double limit = backtest ? b * 1.05 + 1e-6 : b + 2.0;
  for (std::size_t i = 0; i < evals.size(); ++i) {
    if (!evals[i].ok || score_of(evals[i], backtest) > limit) continue;
    if (evals[i].params < evals[chosen].params) chosen = i;
  }
  return chosen;
}

std::string explain(const Forecast& f, const std::vector<engine::Evaluation>& evals, std::size_t chosen,
                    std::size_t best, const Plan& plan, const std::string& note) {
  std::string why;
  const bool bt = f.method == "backtest";
  if (bt) {
    why = "lowest rolling-origin backtest error (" + std::to_string(plan.folds.size()) + " origins, " +
          format_double("%.1f", plan.hb_days) + " d ahead): " + format_double("%.2f", score_of(evals[chosen], true)) + " %";
    if (chosen != best) {
      why = "simplest model within 5 % of the best backtest error (" + evals[best].model.name() + " " +
            format_double("%.2f", score_of(evals[best], true)) + " %): " + format_double("%.2f", score_of(evals[chosen], true)) + " %";
    }
  } else {
    why = "history of " + std::to_string(f.fit_points) + " points over " +
          format_double("%.1f", (f.t_last - f.t_first) / basis::kDay) + " d is too short for a rolling-origin backtest; " +
          (chosen == best ? "lowest AICc " : "simplest model within 2 of the lowest AICc: ") +
          format_double("%.1f", score_of(evals[chosen], false));
  }
  int listed = 0;
  std::string others;
  for (const auto& c : f.candidates) {
    if (c.model == f.model.name() || listed == 3) continue;
    others += (listed++ ? ", " : "") + c.model + " " + format_double(bt ? "%.2f %%" : "%.1f", c.score);
  }
  if (!others.empty()) why += " (next: " + others + ")";
  if (!note.empty()) why += "; " + note.substr(0, note.size() - 2);
  return why;
}

// Spread of the raw points around the model (robust: 1.4826 x median absolute residual). Bucket medians hide
// the point-to-point noise an observation at the horizon will have.
double raw_residual_sd(const FittedModel& m, const std::vector<double>& t, const std::vector<double>& v) {
  std::vector<double> r(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) r[i] = std::fabs(v[i] - m.predict(t[i]));
  const auto mid = r.begin() + static_cast<std::ptrdiff_t>(r.size() / 2);
  std::nth_element(r.begin(), mid, r.end());
  return 1.4826 * *mid;
}

double recent_median(const engine::FitData& d) {
  std::vector<double> recent;
  for (std::size_t i = d.y.size(); i-- > 0 && recent.size() < 5;) {
    if (d.w[i] > 0) recent.push_back(d.y[i]);
  }
  if (recent.empty()) return d.y.back();
  std::sort(recent.begin(), recent.end());
  return recent[recent.size() / 2];
}

}  // namespace

Forecast forecast_series(const std::vector<double>& t, const std::vector<double>& v, const ForecastOptions& opt) {
  validate(t, v, opt);
  const engine::FitData d = engine::prepare(t, v, opt.max_fit_points);
  const Plan plan = plan_backtest(d, opt);
  const SeasonChoice seasons = season_options(d, opt.seasonality, plan.train_span_s);
  std::vector<engine::Candidate> candidates;
  for (ModelKind kind : opt.models) {
    for (const auto& [daily, weekly] : seasons.options) candidates.push_back({kind, daily, weekly});
  }
  const auto evals = engine::evaluate(d, candidates, plan.folds);
  const bool backtest = !plan.folds.empty();
  std::size_t best = 0;
  const std::size_t chosen = choose(evals, backtest, best);
  if (chosen == evals.size()) throw Error("no growth model could be fitted to this series");
  const auto& e = evals[chosen];
  Forecast f;
  f.model = e.model;
  f.method = backtest ? "backtest" : "aicc";
  for (const auto& x : evals) {
    if (x.ok) f.candidates.push_back({x.model.name(), score_of(x, backtest)});
  }
  std::sort(f.candidates.begin(), f.candidates.end(), [](auto& a, auto& b) { return a.score < b.score; });
  f.r2 = e.sst > 0 ? 1 - e.sse / e.sst : 0;
  f.backtest_error_pct = backtest ? e.rel_error * 100 : -1;
  f.backtest_horizon_days = plan.hb_days;
  f.backtest_rmse = e.rmse;
  f.residual_sd = std::sqrt(e.sse / std::max(1.0, e.n_eff - static_cast<double>(e.params)));
  if (d.bucket_s > 0) f.residual_sd = std::max(f.residual_sd, raw_residual_sd(f.model, t, v));
  f.points = t.size();
  f.fit_points = d.t.size();
  f.outliers = d.outliers;
  f.bucket_s = d.bucket_s;
  f.t_first = t.front();
  f.t_last = t.back();
  f.current = recent_median(d);
  f.reason = explain(f, evals, chosen, best, plan, seasons.note);
  return f;
}

double predict_linear_baseline(const std::vector<double>& t, const std::vector<double>& v, double window_days,
                               double t_target) {
  const double from = t.back() - window_days * basis::kDay;
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] < from) continue;
    const double x = (t[i] - t.back()) / basis::kDay;
    n += 1;
    sx += x;
    sy += v[i];
    sxx += x * x;
    sxy += x * v[i];
  }
  const double denom = n * sxx - sx * sx;
  if (n < 2 || denom <= 0) return n > 0 ? sy / n : 0;
  const double slope = (n * sxy - sx * sy) / denom;
  const double intercept = (sy - slope * sx) / n;
  return intercept + slope * (t_target - t.back()) / basis::kDay;
}

}  // namespace perfval::capacity
