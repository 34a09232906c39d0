// The candidate models of one series, each fitted at every backtest origin and on the whole history.
// Private to the capacity module.
#pragma once

#include <optional>
#include <vector>

#include "backtest.hpp"
#include "fit_engine.hpp"

namespace perfval::capacity::engine {

struct Trial {
  FittedModel model;                       // fitted on the whole history
  std::vector<std::vector<double>> preds;  // per fold: forecasts of the scored rows
  double mae = 0;                          // metric unit: backtest_mae
  double recent_mae = 0;                   // metric unit: backtest_mae over the recent_part of the folds
  double score = 1;                        // relative to the naive forecast (see score_trials): what the choice
                                           // ranks by
  double r2 = 0;                           // in-sample R^2 (regression models), else 0
};

struct CandidateOptions {
  std::vector<ModelKind> models;  // kinds to try (ForecastOptions::models)
  bool daily = false;             // seasonal candidates with a daily period are allowed
  bool weekly = false;            // ... with a weekly period
  double step_s = 0;              // seconds: median spacing of the fitted rows
  double last_value = 0;          // metric unit: the last raw observation (the naive forecast)
  bool exact_seasons = false;     // regressions: only the variant with exactly `daily` and `weekly` (a refit)
};

// The naive forecast's backtest mae (all folds, recent folds): the references every score is relative to.
struct Reference {
  double mae = 0;         // metric unit
  double recent_mae = 0;  // metric unit
};
// Every candidate that could be fitted at every origin, scored; the combination is not among them.
std::vector<Trial> fit_candidates(const FitData& d, const Plan& plan, std::size_t final_start,
                                  const CandidateOptions& options);

// The mean of the `count` best trials (by mae), scored like the others; `reference` is the naive forecast's mae.
Trial combine(const FitData& d, const Plan& plan, const std::vector<Trial>& trials, std::size_t count,
              const Reference& reference);

Reference naive_mae(const FitData& d, const Plan& plan);

// Sets every trial's score: its mae relative to the naive forecast's; for a model with a trend (anything but
// naive, a level or the last cycle) that did worse than the naive forecast over the recent folds, the worse of
// that and the recent ratio, so that a trend the latest history contradicts is not trusted.
void score_trials(const Reference& reference, std::vector<Trial>& trials);

// Whether a fit of m depends on where the current regime starts (Fold::start): a level since a shift or over
// all rows, a regression since a shift, or a combination with such a part.
bool uses_regime(const FittedModel& m);

// The trial `chosen` names, refitted at `plan`'s origins on `d` (which may be finer than the rows it was chosen
// on): its forecasts there and its fit on all of d. Models are matched by kind, variant and window (a
// since-shift window matches whatever shift d shows). Nothing when it cannot be refitted that way.
std::optional<Trial> refit(const FitData& d, const Plan& plan, std::size_t final_start, const CandidateOptions& options,
                           const FittedModel& chosen);

}  // namespace perfval::capacity::engine
