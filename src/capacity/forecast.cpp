// forecast_series: validates a series, runs the rolling-origin backtest over every candidate, chooses and
// explains a model, and calibrates its intervals on the backtest's errors.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "backtest.hpp"
#include "baseline_models.hpp"
#include "candidates.hpp"
#include "fit_basis.hpp"
#include "fit_engine.hpp"
#include "perfval/capacity/forecast.hpp"
#include "perfval/common/error.hpp"
#include "perfval/common/format.hpp"

namespace perfval::capacity {

namespace {

constexpr double kTolerance = 1.05;  // a more complex model must beat a simpler one by more than 5 %
constexpr double kFamilyTolerance = 1.10;  // ... and anything else the best naive-family model by more than 10 %
constexpr std::size_t kCombined = 3;
constexpr int kCalOrigins = 48;              // origins the chosen model's intervals are calibrated on
constexpr std::size_t kCoarseAbove = 3072;   // fitted rows above which the choice is made on coarser rows
constexpr std::size_t kBacktestRows = 2048;  // ... this many bucket medians

void validate(const std::vector<double>& t, const std::vector<double>& v) {
  if (t.size() != v.size()) throw Error("internal: timestamps and values differ in length");
  if (t.empty()) throw Error("no points to forecast");
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i])) throw Error("NaN or infinite value " + format_double("%g", v[i]));
    if (i > 0 && t[i] <= t[i - 1]) throw Error("timestamps must increase");
  }
}

double median_spacing(const std::vector<double>& t) {
  if (t.size() < 2) return 0;
  std::vector<double> gaps(t.size() - 1);
  for (std::size_t i = 1; i < t.size(); ++i) gaps[i - 1] = t[i] - t[i - 1];
  return engine::median_of(gaps);
}

double recent_median(const engine::FitData& d) {
  std::vector<double> recent;
  for (std::size_t i = d.y.size(); i-- > 0 && recent.size() < 5;) {
    if (d.w[i] > 0) recent.push_back(d.y[i]);
  }
  return recent.empty() ? d.y.back() : engine::median_of(recent);
}

void describe_history(Forecast& f, const std::vector<double>& t, const std::vector<double>& v, const ForecastOptions& o) {
  f.points = t.size();
  f.t_first = t.front();
  f.t_last = t.back();
  f.spacing_s = median_spacing(t);
  f.lower_bound = o.lower_bound;
  f.upper_bound = o.upper_bound;
  f.current = v.back();
}

// Too little history to judge any model: the last value, with a random walk's interval from the point-to-point
// changes (or the spread of the values), widened.
Forecast naive_only(const std::vector<double>& t, const std::vector<double>& v, const ForecastOptions& o,
                    const std::string& why) {
  Forecast f;
  describe_history(f, t, v, o);
  f.fit_points = t.size();
  f.model.kind = ModelKind::naive;
  f.model.level = v.back();
  f.model.t_end = f.model.t_from = t.back();
  f.method = "naive";
  std::vector<double> diffs;
  for (std::size_t i = 1; i < v.size(); ++i) diffs.push_back(std::fabs(v[i] - v[i - 1]));
  f.fallback_spread = 1.4826 * engine::median_of(diffs);
  if (f.fallback_spread <= 0 && v.size() > 1) {
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    f.fallback_spread = (*hi - *lo) / 2;
  }
  if (f.fallback_spread <= 0) f.fallback_spread = 0.1 * std::fabs(v.back());
  f.reason = why + "; forecasting the last value (naive) with a wide interval";
  f.interval_method = "no backtest: a random walk's spread from the point-to-point changes, doubled";
  return f;
}

// Seasonal candidates need two periods of history before the first origin, at a spacing that resolves them.
std::pair<bool, bool> seasons_allowed(const engine::FitData& d, const engine::Plan& plan, SeasonalityMode mode,
                                      double spacing, std::string& note) {
  const double train = d.t[plan.folds.front().train_end - 1] - d.t.front();
  const bool daily_ok = train >= 2 * basis::kDay && spacing <= 4 * 3600;
  const bool weekly_ok = train >= 2 * basis::kWeek && spacing <= 12 * 3600;
  const bool any = mode == SeasonalityMode::automatic;
  const bool want_daily = any || mode == SeasonalityMode::daily || mode == SeasonalityMode::daily_weekly;
  const bool want_weekly = any || mode == SeasonalityMode::weekly || mode == SeasonalityMode::daily_weekly;
  if (!any && want_daily && !daily_ok) note += "; daily seasonality needs 2 days of history before the first backtest origin at <= 4 h spacing";
  if (!any && want_weekly && !weekly_ok) note += "; weekly seasonality needs 14 days of history before the first backtest origin at <= 12 h spacing";
  return {want_daily && daily_ok, want_weekly && weekly_ok};
}

bool naive_family(ModelKind k) {
  return k == ModelKind::naive || k == ModelKind::level || k == ModelKind::seasonal_naive || k == ModelKind::drift;
}

// The simplest trial within kTolerance of the best backtest score (the best one on a tie in complexity).
std::size_t choose(const std::vector<engine::Trial>& trials, std::size_t& best) {
  best = 0;
  for (std::size_t i = 1; i < trials.size(); ++i) {
    if (trials[i].score < trials[best].score) best = i;
  }
  // A trend or a season fitted to a random walk often wins a backtest by a little: the naive family (the
  // last value, a recent level, the last cycle, drift) keeps the choice unless it is beaten clearly.
  std::size_t family = trials.size();
  for (std::size_t i = 0; i < trials.size(); ++i) {
    if (naive_family(trials[i].model.kind) && (family == trials.size() || trials[i].score < trials[family].score)) family = i;
  }
  if (family != trials.size() && trials[family].score <= trials[best].score * kFamilyTolerance) best = family;
  std::size_t chosen = best;
  const double limit = trials[best].score * kTolerance + 1e-12;
  for (std::size_t i = 0; i < trials.size(); ++i) {
    if (trials[i].score > limit) continue;
    const int ci = trials[i].model.complexity(), cc = trials[chosen].model.complexity();
    if (ci < cc || (ci == cc && trials[i].score < trials[chosen].score)) chosen = i;
  }
  return chosen;
}

// r: error relative to the naive forecast's.
std::string ratio_words(double r) {
  if (r < 0.995) return format_double("%.2g", 1 / r) + "x better than assuming no change";
  if (r <= 1.005) return "as good as assuming no change";
  return format_double("%.2g", r) + "x worse than assuming no change";
}

std::string explain(const Forecast& f, std::size_t chosen, std::size_t best) {
  const auto& table = f.candidates;
  std::string why = "lowest error in a rolling-origin backtest (" + std::to_string(f.backtest_origins) + " origins, up to " +
                    format_double("%.3g", f.backtest_horizon_days) + " d ahead)";
  if (chosen != best) {
    why = "simplest model within 5 % of the lowest error in a rolling-origin backtest (" + std::to_string(f.backtest_origins) +
          " origins, up to " + format_double("%.3g", f.backtest_horizon_days) + " d ahead; best: " + table.front().model + " " +
          format_double("%.3g %%", table.front().score) + ")";
  }
  why += ": mean absolute error " + format_double("%.3g %%", f.backtest_error_pct) + " of the level, " +
         ratio_words(f.backtest_vs_naive);
  int listed = 0;
  std::string others;
  for (const auto& c : table) {
    if (c.model == f.model.name() || listed == 3) continue;
    others += (listed++ ? ", " : "") + c.model + " " + format_double("%.3g %%", c.score);
  }
  if (!others.empty()) why += " (next: " + others + ")";
  return why;
}

void fill_table(Forecast& f, const std::vector<engine::Trial>& trials, double mean_level) {
  for (const auto& t : trials) {
    const double rel = mean_level > 0 ? t.mae / mean_level * 100 : 0;
    f.candidates.push_back({t.model.name(), t.mae, t.score, rel});
  }
  std::stable_sort(f.candidates.begin(), f.candidates.end(), [](auto& a, auto& b) { return a.vs_naive < b.vs_naive; });
}

double mean_of(const std::vector<double>& y) {
  double s = 0;
  for (double x : y) s += x;
  return y.empty() ? 0 : s / static_cast<double>(y.size());
}

struct Choice {
  engine::Plan plan;                  // the backtest the choice was made on (rows of the coarse data)
  std::vector<engine::Trial> trials;  // every candidate scored, the combination last when there is one
  engine::CandidateOptions options;   // what the candidates were fitted with (reused by the refit)
  std::size_t chosen = 0, best = 0;   // indices into trials: the choice, and the lowest score
  std::string note;                   // appended to the reason
  std::string why_none;               // no backtest possible: why
};

// The rolling-origin backtest over every candidate on the rows dc, and the choice among them.
Choice choose_model(const engine::FitData& dc, const std::vector<double>& t, const std::vector<double>& v,
                    const ForecastOptions& opt) {
  Choice ch;
  const double step = median_spacing(dc.t);
  ch.plan = engine::plan_backtest(dc, opt.horizon_days, median_spacing(t), std::max<std::size_t>(opt.min_points, 8));
  if (ch.plan.folds.empty()) {
    ch.why_none = ch.plan.why_none;
    return ch;
  }
  for (auto& fold : ch.plan.folds) fold.start = engine::regime_start(dc, fold.train_end);
  const auto [daily, weekly] = seasons_allowed(dc, ch.plan, opt.seasonality, step, ch.note);
  ch.options = {opt.models, daily, weekly, step, v.back()};
  ch.trials = engine::fit_candidates(dc, ch.plan, engine::regime_start(dc, dc.t.size()), ch.options);
  if (ch.trials.empty()) throw Error("no model could be fitted to this series");
  const engine::Reference reference = engine::naive_mae(dc, ch.plan);
  engine::score_trials(reference, ch.trials);
  const bool combos = std::find(opt.models.begin(), opt.models.end(), ModelKind::combination) != opt.models.end();
  if (combos && ch.trials.size() > kCombined) {
    engine::Trial mix = engine::combine(dc, ch.plan, ch.trials, kCombined, reference);
    if (mix.model.parts.size() > 1) ch.trials.push_back(std::move(mix));
  }
  ch.chosen = choose(ch.trials, ch.best);
  return ch;
}

// The chosen model refitted on every row of d at kCalOrigins origins: its final fit, and the errors its
// intervals are made from (split-conformal, neighbouring leads pooled). Falls back to the choice's own backtest.
void calibrate(Forecast& f, const engine::FitData& d, const engine::FitData& dc, const Choice& ch, const engine::Trial& c,
               std::size_t min_train) {
  const double first = dc.t[ch.plan.folds.front().train_end - 1];
  engine::Plan cal = engine::plan_calibration(d, ch.plan, first, kCalOrigins, min_train);
  const bool regime = engine::uses_regime(c.model);
  if (regime) {
    for (auto& fold : cal.folds) fold.start = engine::regime_start(d, fold.train_end);
  }
  std::optional<engine::Trial> r;
  if (!cal.folds.empty()) r = engine::refit(d, cal, regime ? engine::regime_start(d, d.t.size()) : 0, ch.options, c.model);
  const bool own = !r;
  const engine::FitData& rows = own ? dc : d;
  const engine::Plan& plan = own ? ch.plan : cal;
  if (r) f.model = r->model;
  // Errors against raw points, not bucket medians (whose noise is smaller): intervals are for what is observed.
  engine::FitData observed;
  if (!rows.raw.empty()) {
    observed.t = rows.t;
    observed.y = rows.raw;
  }
  // Absolute errors: a move the history made in one direction (a deploy, a migration) is a risk in both.
  auto bins = engine::backtest_errors(rows.raw.empty() ? rows : observed, plan, own ? c.preds : r->preds, f.relative_errors);
  for (auto& b : bins) {
    for (double& e : b.errors) e = std::fabs(e);
  }
  f.error_bins = engine::pool_neighbours(bins);
  f.symmetric_errors = true;
  f.interval_method = "split-conformal: the chosen model refitted at " + std::to_string(plan.folds.size()) +
                      " rolling origins; forecast +- the finite-sample quantile of its absolute errors at each lead "
                      "(neighbouring leads pooled)";
}

}  // namespace

Forecast forecast_series(const std::vector<double>& t, const std::vector<double>& v, const ForecastOptions& opt) {
  validate(t, v);
  if (t.size() < std::max<std::size_t>(opt.min_points, 2)) {
    return naive_only(t, v, opt, std::to_string(t.size()) + " points are too few for a model (min_points: " +
                                     std::to_string(opt.min_points) + ")");
  }
  if (!opt.allow_backtest) return naive_only(t, v, opt, "backtest disabled");
  if (std::all_of(v.begin(), v.end(), [&](double x) { return x == v.front(); })) {
    return naive_only(t, v, opt, "constant series: all " + std::to_string(v.size()) + " points equal " + format_double("%g", v.front()));
  }
  const engine::FitData d = engine::prepare(t, v, opt.max_fit_points);
  // Long series are chosen on coarser rows (the choice hardly needs 4,096 of them); the chosen model is then
  // refitted on every row, at many more origins, for its forecast and its intervals.
  const engine::FitData coarse = d.t.size() > kCoarseAbove ? engine::prepare(t, v, kBacktestRows) : engine::FitData{};
  const engine::FitData& dc = coarse.t.empty() ? d : coarse;
  Choice ch = choose_model(dc, t, v, opt);
  if (!ch.why_none.empty()) return naive_only(t, v, opt, ch.why_none);
  const engine::Trial& c = ch.trials[ch.chosen];
  const double level = mean_of(dc.y);

  Forecast f;
  describe_history(f, t, v, opt);
  f.model = c.model;
  f.method = "backtest";
  f.r2 = c.r2;
  f.backtest_origins = static_cast<int>(ch.plan.folds.size());
  f.backtest_horizon_days = ch.plan.horizon_s / basis::kDay;
  f.backtest_error_pct = level > 0 ? c.mae / level * 100 : 0;
  f.backtest_vs_naive = c.score;
  f.relative_errors = c.model.kind == ModelKind::exponential;
  calibrate(f, d, dc, ch, c, std::max<std::size_t>(opt.min_points, 8));
  f.fit_points = d.t.size();
  f.outliers = d.outliers;
  f.bucket_s = d.bucket_s;
  f.current = recent_median(d);
  fill_table(f, ch.trials, level);
  f.reason = explain(f, ch.chosen, ch.best) + ch.note;
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
