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
  t.mae = backtest_mae(d, plan, t.preds);
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

void add_regression(const FitData& d, const Plan& plan, std::size_t final_start, const CandidateOptions& o,
                    std::vector<Trial>& out) {
  std::vector<Candidate> cands;
  const bool shifted = final_start > 0 || std::any_of(plan.folds.begin(), plan.folds.end(), [](auto& f) { return f.start > 0; });
  for (ModelKind kind : o.models) {
    if (kind != ModelKind::linear && kind != ModelKind::exponential && kind != ModelKind::quadratic &&
        kind != ModelKind::logistic) {
      continue;
    }
    for (const bool recent : {false, true}) {
      if (recent && (!shifted || kind == ModelKind::logistic)) continue;
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
    t.mae = backtest_mae(d, plan, t.preds);
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

double naive_mae(const FitData& d, const Plan& plan) {
  std::vector<std::vector<double>> preds;
  for (const Fold& f : plan.folds) preds.emplace_back(f.score_end - f.train_end, d.y[f.train_end - 1]);
  return backtest_mae(d, plan, preds);
}

namespace {

double relative(double mae, double reference) {
  if (reference > 0) return mae / reference;
  return mae > 0 ? INFINITY : 1.0;
}

}  // namespace

void score_trials(double reference, std::vector<Trial>& trials) {
  for (auto& t : trials) t.score = relative(t.mae, reference);
}

Trial combine(const FitData& d, const Plan& plan, const std::vector<Trial>& trials, std::size_t count, double reference) {
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
  c.preds = best.front()->preds;
  for (std::size_t f = 0; f < c.preds.size(); ++f) {
    for (std::size_t i = 0; i < c.preds[f].size(); ++i) {
      double s = 0;
      for (const Trial* t : best) s += t->preds[f][i];
      c.preds[f][i] = s / static_cast<double>(best.size());
    }
  }
  c.mae = backtest_mae(d, plan, c.preds);
  c.score = relative(c.mae, reference);
  return c;
}

}  // namespace perfval::capacity::engine
