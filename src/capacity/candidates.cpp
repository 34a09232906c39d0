// Fits every candidate model at each backtest origin and on the whole history: baselines, smoothing, regression.
#include "candidates.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include "baseline_models.hpp"
#include "fit_basis.hpp"
#include "perfval/capacity/series.hpp"
#include "perfval/common/format.hpp"

namespace perfval::capacity::engine {

namespace {

void measure(const FitData& d, const Plan& plan, Trial& t) {
  t.mae = backtest_mae(d, plan, t.preds);
  const Plan recent = recent_part(plan);
  const std::vector<std::vector<double>> tail(t.preds.end() - static_cast<std::ptrdiff_t>(recent.folds.size()), t.preds.end());
  t.recent_mae = backtest_mae(d, recent, tail);
}

// The members' forecasts averaged, fold by fold and row by row.
std::vector<std::vector<double>> mean_preds(const std::vector<const Trial*>& members) {
  std::vector<std::vector<double>> out = members.front()->preds;
  for (std::size_t f = 0; f < out.size(); ++f) {
    for (std::size_t i = 0; i < out[f].size(); ++i) {
      double s = 0;
      for (const Trial* t : members) s += t->preds[f][i];
      out[f][i] = s / static_cast<double>(members.size());
    }
  }
  return out;
}

// Fits `fit(end, start)` at every origin and on all rows, and scores it.
Trial run_trial(const FitData& d, const Plan& plan, std::size_t final_start,
                const std::function<FittedModel(std::size_t end, std::size_t start)>& fit) {
  Trial t;
  for (const Fold& f : plan.folds) {
    const FittedModel m = fit(f.train_end, f.start);
    std::vector<double> p;
    p.reserve(f.score_end - f.train_end);
    for (std::size_t i = f.train_end; i < f.score_end; ++i) p.push_back(m.predict(d.t[i]));
    t.preds.push_back(std::move(p));
  }
  t.model = fit(d.t.size(), final_start);
  measure(d, plan, t);
  return t;
}

std::string duration_words(double s) {
  if (s >= 2 * 86400) return format_double("%.3g d", s / 86400);
  if (s >= 3600) return format_double("%.3g h", s / 3600);
  return format_double("%.3g min", s / 60);
}

std::size_t first_after(const FitData& d, std::size_t end, double from) {
  return static_cast<std::size_t>(std::upper_bound(d.t.begin(), d.t.begin() + static_cast<std::ptrdiff_t>(end), from) -
                                  d.t.begin());
}

void add_levels(const FitData& d, const Plan& plan, std::size_t final_start, std::vector<Trial>& out) {
  const double shortest_train = d.t[plan.folds.front().train_end - 1] - d.t.front();
  for (double w : {3600.0, 6 * 3600.0, 86400.0, 7 * 86400.0}) {
    if (w > 0.5 * shortest_train) break;
    const std::string label = "last " + duration_words(w);
    out.push_back(run_trial(d, plan, final_start, [&](std::size_t end, std::size_t) {
      return fit_level(d, std::min(first_after(d, end, d.t[end - 1] - w), end - 1), end, label);
    }));
  }
  out.push_back(run_trial(d, plan, final_start, [&](std::size_t end, std::size_t start) {
    const std::string label = start > 0 ? "since " + format_timestamp(d.t[start]) : "all " + duration_words(d.t[end - 1] - d.t[0]);
    return fit_level(d, start, end, label);
  }));
}

void add_seasonal(const FitData& d, const Plan& plan, std::size_t final_start, const CandidateOptions& o,
                  ModelKind kind, std::vector<Trial>& out) {
  for (const double period : {basis::kDay, basis::kWeek}) {
    if ((period == basis::kDay && !o.daily) || (period == basis::kWeek && !o.weekly)) continue;
    Smoothing chosen;
    if (kind == ModelKind::holt_winters) fit_holt_winters(d, 0, d.t.size(), period, o.step_s, nullptr, &chosen);
    out.push_back(run_trial(d, plan, final_start, [&](std::size_t end, std::size_t) {
      return kind == ModelKind::seasonal_naive ? fit_seasonal_naive(d, end, period, o.step_s)
                                               : fit_holt_winters(d, 0, end, period, o.step_s, &chosen);
    }));
  }
}

bool regression(ModelKind k) {
  return k == ModelKind::linear || k == ModelKind::exponential || k == ModelKind::quadratic || k == ModelKind::logistic;
}

void add_regression(const FitData& d, const Plan& plan, std::size_t final_start, const CandidateOptions& o,
                    std::vector<Trial>& out) {
  std::vector<Candidate> cands;
  const bool shifted = final_start > 0 || std::any_of(plan.folds.begin(), plan.folds.end(), [](auto& f) { return f.start > 0; });
  for (ModelKind kind : o.models) {
    if (!regression(kind)) continue;
    for (const bool recent : {false, true}) {
      if (recent && (!shifted || kind == ModelKind::logistic)) continue;
      if (o.exact_seasons) {
        cands.push_back({kind, o.daily, o.weekly, recent});
        continue;
      }
      cands.push_back({kind, false, false, recent});
      if (o.daily) cands.push_back({kind, true, false, recent});
      if (o.weekly) cands.push_back({kind, false, true, recent});
      if (o.daily && o.weekly) cands.push_back({kind, true, true, recent});
    }
  }
  for (auto& e : evaluate(d, cands, plan.folds, final_start)) {
    if (!e.ok || e.preds.size() != plan.folds.size()) continue;
    Trial t;
    t.model = std::move(e.model);
    if (e.candidate.recent) t.model.window = "since " + format_timestamp(e.model.t_from);
    t.preds = std::move(e.preds);
    measure(d, plan, t);
    t.r2 = e.sst > 0 ? 1 - e.sse / e.sst : 0;
    out.push_back(std::move(t));
  }
}

bool wants(const CandidateOptions& o, ModelKind k) { return std::find(o.models.begin(), o.models.end(), k) != o.models.end(); }

}  // namespace

std::vector<Trial> fit_candidates(const FitData& d, const Plan& plan, std::size_t final_start, const CandidateOptions& o) {
  std::vector<Trial> out;
  if (wants(o, ModelKind::naive)) {
    out.push_back(run_trial(d, plan, final_start, [&](std::size_t end, std::size_t) { return fit_naive(d, end); }));
    out.back().model.level = o.last_value;  // the raw last value, also when the rows are bucket medians
  }
  if (wants(o, ModelKind::level)) add_levels(d, plan, final_start, out);
  if (wants(o, ModelKind::seasonal_naive)) add_seasonal(d, plan, final_start, o, ModelKind::seasonal_naive, out);
  if (wants(o, ModelKind::drift)) {
    out.push_back(run_trial(d, plan, final_start, [&](std::size_t end, std::size_t) { return fit_drift(d, end); }));
  }
  if (wants(o, ModelKind::holt)) {
    Smoothing chosen;
    fit_holt(d, 0, d.t.size(), o.step_s, nullptr, &chosen);
    out.push_back(run_trial(d, plan, final_start, [&](std::size_t end, std::size_t) {
      return fit_holt(d, 0, end, o.step_s, &chosen);
    }));
  }
  if (wants(o, ModelKind::holt_winters)) add_seasonal(d, plan, final_start, o, ModelKind::holt_winters, out);
  add_regression(d, plan, final_start, o, out);
  return out;
}

Reference naive_mae(const FitData& d, const Plan& plan) {
  Trial naive;
  for (const Fold& f : plan.folds) naive.preds.emplace_back(f.score_end - f.train_end, d.y[f.train_end - 1]);
  measure(d, plan, naive);
  return {naive.mae, naive.recent_mae};
}

namespace {

double relative(double mae, double reference) {
  if (reference > 0) return mae / reference;
  return mae > 0 ? INFINITY : 1.0;
}

bool has_trend(const FittedModel& m) {
  if (m.kind == ModelKind::combination) return std::any_of(m.parts.begin(), m.parts.end(), has_trend);
  return m.kind != ModelKind::naive && m.kind != ModelKind::level && m.kind != ModelKind::seasonal_naive;
}

// A trend is trusted on the whole backtest unless it did worse than no change on the recent folds: then the
// recent ratio is its score too (a walk that drifted and turned no longer picks the old line). Trends that
// merely tie no change at the noise floor of a settled series keep their whole-backtest score.
double score_of(const Trial& t, const Reference& reference) {
  const double all = relative(t.mae, reference.mae);
  if (!has_trend(t.model)) return all;
  const double recent = relative(t.recent_mae, reference.recent_mae);
  return recent > 1 ? std::max(all, recent) : all;
}

}  // namespace

void score_trials(const Reference& reference, std::vector<Trial>& trials) {
  for (auto& t : trials) t.score = score_of(t, reference);
}

Trial combine(const FitData& d, const Plan& plan, const std::vector<Trial>& trials, std::size_t count,
              const Reference& reference) {
  constexpr double kMemberLimit = 1.25;  // members are within 25 % of the best score: no poor model dilutes it
  std::vector<const Trial*> best;
  for (const auto& t : trials) best.push_back(&t);
  std::sort(best.begin(), best.end(), [](auto* a, auto* b) { return a->score < b->score; });
  const double limit = best.front()->score * kMemberLimit;
  std::erase_if(best, [&](const Trial* t) { return t->score > limit; });
  best.resize(std::min(count, best.size()));
  Trial c;
  c.model.kind = ModelKind::combination;
  c.model.t_end = d.t.back();
  c.model.t_from = d.t.front();
  for (const Trial* t : best) c.model.parts.push_back(t->model);
  c.preds = mean_preds(best);
  measure(d, plan, c);
  c.score = score_of(c, reference);
  return c;
}

namespace {

// What refit matches on: the name with a since-shift window's date left out.
std::string match_key(const FittedModel& m) {
  FittedModel k = m;
  if (k.window.rfind("since ", 0) == 0) k.window = "since";
  if (k.window.rfind("all ", 0) == 0) k.window = "all";
  return k.name();
}

std::optional<Trial> refit_one(const FitData& d, const Plan& plan, std::size_t final_start, CandidateOptions options,
                               const FittedModel& chosen) {
  options.models = {chosen.kind};
  if (regression(chosen.kind)) {
    options.daily = chosen.daily;
    options.weekly = chosen.weekly;
    options.exact_seasons = true;
  }
  const std::string key = match_key(chosen);
  for (auto& t : fit_candidates(d, plan, final_start, options)) {
    if (match_key(t.model) == key) return std::move(t);
  }
  return std::nullopt;
}

}  // namespace

bool uses_regime(const FittedModel& m) {
  if (m.kind == ModelKind::combination) return std::any_of(m.parts.begin(), m.parts.end(), uses_regime);
  const bool since = m.window.rfind("since ", 0) == 0;
  if (m.kind == ModelKind::level) return since || m.window.rfind("all ", 0) == 0;
  return regression(m.kind) && since;
}

std::optional<Trial> refit(const FitData& d, const Plan& plan, std::size_t final_start, const CandidateOptions& options,
                           const FittedModel& chosen) {
  if (chosen.kind != ModelKind::combination) return refit_one(d, plan, final_start, options, chosen);
  std::vector<Trial> parts;
  for (const auto& p : chosen.parts) {
    auto t = refit_one(d, plan, final_start, options, p);
    if (!t) return std::nullopt;
    parts.push_back(std::move(*t));
  }
  Trial c;
  c.model = chosen;
  c.model.t_end = d.t.back();
  c.model.parts.clear();
  for (const auto& p : parts) c.model.parts.push_back(p.model);
  std::vector<const Trial*> members;
  for (const auto& p : parts) members.push_back(&p);
  c.preds = mean_preds(members);
  measure(d, plan, c);
  return c;
}

}  // namespace perfval::capacity::engine
