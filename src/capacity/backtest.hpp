// The rolling-origin backtest every candidate model is judged by: where the origins are, how a candidate's
// forecasts are scored, and the errors the chosen model's intervals are calibrated on. Private to the module.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "fit_engine.hpp"

namespace perfval::capacity::engine {

struct Plan {
  std::vector<Fold> folds;        // ascending train_end; empty when no backtest is possible
  double horizon_s = 0;           // seconds: the longest lead the backtest scores
  int bins = 0;                   // lead-time bins of horizon_s / bins seconds each
  std::string why_none;           // why there is no backtest ("" when there is one)
};

// Origins spread over the last 70 % of the history; each forecasts up to horizon_days ahead (at least four
// spacings, at most half the history) or to the end of the data, whichever comes first.
Plan plan_backtest(const FitData& d, double horizon_days, double spacing_s, std::size_t min_train_rows);

// The calibration plan: `origins` origins from the first origin of `base` to the end of `d`, with the same
// horizon and bins (base's times are looked up in d, which may be finer than the rows base was planned on).
// The chosen model is refitted at each, so its intervals rest on many more error samples than the 12 origins
// the choice is made on. Empty when d has no usable origin.
Plan plan_calibration(const FitData& d, const Plan& base, double first_origin, int origins, std::size_t min_train_rows);

// The folds of `plan` whose origins are in its last third (at least two): the recent evaluations a choice
// must also win, so that a trend the latest history contradicts is not trusted.
Plan recent_part(const Plan& plan);

// Mean absolute error over every fold's scored rows, each lead-time bin weighted alike (so the many short-lead
// rows of late origins do not outweigh the long leads a capacity forecast is for). preds[f] holds fold f's
// forecasts of rows [train_end, score_end).
double backtest_mae(const FitData& d, const Plan& plan, const std::vector<std::vector<double>>& preds);

// The errors (actual - forecast) of every scored row, grouped by lead-time bin and sorted; `relative` divides
// each by its forecast (for multiplicative models, whose errors grow with the level).
std::vector<ErrorBin> backtest_errors(const FitData& d, const Plan& plan, const std::vector<std::vector<double>>& preds,
                                      bool relative);

// Each bin's errors pooled with its neighbours' (leads b-1, b, b+1), sorted: smoother quantiles from three times
// the samples, at the cost of a little lead resolution.
std::vector<ErrorBin> pool_neighbours(const std::vector<ErrorBin>& bins);

}  // namespace perfval::capacity::engine
