// The candidate models of one series, each fitted at every backtest origin and on the whole history.
// Private to the capacity module.
#pragma once

#include <vector>

#include "backtest.hpp"
#include "fit_engine.hpp"

namespace perfval::capacity::engine {

struct Trial {
  FittedModel model;                       // fitted on the whole history
  std::vector<std::vector<double>> preds;  // per fold: forecasts of the scored rows
  double mae = 0;                          // metric unit: backtest_mae
  double score = 1;                        // mae / the naive forecast's backtest mae: what the choice ranks by
  double r2 = 0;                           // in-sample R^2 (regression models), else 0
};

struct CandidateOptions {
  std::vector<ModelKind> models;  // kinds to try (ForecastOptions::models)
  bool daily = false;             // seasonal candidates with a daily period are allowed
  bool weekly = false;            // ... with a weekly period
  double step_s = 0;              // seconds: median spacing of the fitted rows
  double last_value = 0;          // metric unit: the last raw observation (the naive forecast)
};

// Every candidate that could be fitted at every origin, scored; the combination is not among them.
std::vector<Trial> fit_candidates(const FitData& d, const Plan& plan, std::size_t final_start,
                                  const CandidateOptions& options);

// The mean of the `count` best trials (by mae), scored like the others; `reference` is the naive forecast's mae.
Trial combine(const FitData& d, const Plan& plan, const std::vector<Trial>& trials, std::size_t count, double reference);

// The naive forecast's backtest mae: the reference every score is relative to.
double naive_mae(const FitData& d, const Plan& plan);

// Sets every trial's score to its mae relative to `reference`.
void score_trials(double reference, std::vector<Trial>& trials);

}  // namespace perfval::capacity::engine
