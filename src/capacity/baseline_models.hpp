// The simple forecasters every fit is judged against: naive, recent level, seasonal naive, drift, and Holt's
// exponential smoothing (damped trend, with or without a season). Private to the capacity module.
#pragma once

#include <cstddef>
#include <string>

#include "fit_engine.hpp"

namespace perfval::capacity::engine {

// Each fits rows [begin, end) of `d` (spike rows, weight 0, are skipped where that matters) and returns a
// model whose predict(t) forecasts from d.t[end - 1] on. step_s is the median spacing of the rows.
FittedModel fit_naive(const FitData& d, std::size_t end);
FittedModel fit_level(const FitData& d, std::size_t begin, std::size_t end, const std::string& window);
FittedModel fit_seasonal_naive(const FitData& d, std::size_t end, double period_s, double step_s);
FittedModel fit_drift(const FitData& d, std::size_t end);

// Smoothing parameters of Holt / Holt-Winters.
struct Smoothing {
  double alpha = 0;  // level
  double beta = 0;   // trend, as a share of alpha
  double gamma = 0;  // season
  double phi = 1;    // damping per step
};

// Holt and Holt-Winters choose their parameters from a grid by one-step-ahead squared error, or use `fixed`;
// `chosen` (when given) receives the parameters used. The backtest fixes the parameters chosen on the whole
// history, so each origin costs one pass rather than one per grid point.
FittedModel fit_holt(const FitData& d, std::size_t begin, std::size_t end, double step_s,
                     const Smoothing* fixed = nullptr, Smoothing* chosen = nullptr);
FittedModel fit_holt_winters(const FitData& d, std::size_t begin, std::size_t end, double period_s, double step_s,
                             const Smoothing* fixed = nullptr, Smoothing* chosen = nullptr);

// First row of the current regime of rows [0, end): after the last level shift larger than the series' own
// spread, or 0 when there is none.
std::size_t regime_start(const FitData& d, std::size_t end);

}  // namespace perfval::capacity::engine
