// Growth models and forecasts: fit, model choice by rolling-origin backtest (AICc on short histories), intervals.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "perfval/capacity/config.hpp"

namespace perfval::capacity {

enum class ModelKind { linear, exponential, quadratic, logistic };
const char* to_string(ModelKind kind);

// A fitted model. Evaluating it needs no linear algebra library, so it is a plain value.
struct FittedModel {
  ModelKind kind = ModelKind::linear;
  bool daily = false;          // daily Fourier terms are included
  bool weekly = false;         // weekly Fourier terms are included
  double t_end = 0;            // Unix seconds; the design's time origin (the last observation)
  double scale = 1;            // seconds; u = (t - t_end) / scale is the trend's time variable
  double capacity = 0;         // metric unit; the logistic ceiling K (0 for other kinds)
  std::vector<int> columns;    // design columns in use (see basis in fit_basis.hpp)
  std::vector<double> coef;    // one per column, in the model's fitting space (y, log y or logit y/K)
  std::vector<double> cov;     // (X'WX)^-1, row-major columns x columns, for parameter uncertainty
  double sigma_z = 0;          // residual standard deviation in the fitting space

  std::string name() const;    // "exponential+weekly"
  double predict(double t) const;        // metric unit, trend and seasonality, never negative
  double predict_trend(double t) const;  // metric unit, without the seasonal terms
  double fit_space(double t) const;      // the linear predictor in the fitting space
  double leverage(double t) const;       // b' (X'WX)^-1 b at time t
  double dy_dz(double t) const;          // derivative of the metric value w.r.t. the linear predictor
};

// How a model compared with the others.
struct CandidateScore {
  std::string model;  // FittedModel::name()
  double score = 0;   // backtest: relative error at the horizon, percent; AICc: the criterion value
};

struct ForecastOptions {
  double horizon_days = 30;           // days ahead the forecast is for
  SeasonalityMode seasonality = SeasonalityMode::automatic;
  std::size_t min_points = 10;        // fewer points is an error
  std::size_t max_fit_points = 4096;  // longer series are reduced to this many bucket medians
  bool allow_backtest = true;         // false forces AICc (tests and comparisons)
  std::vector<ModelKind> models{ModelKind::linear, ModelKind::exponential, ModelKind::quadratic,
                                ModelKind::logistic};
};

struct Interval {
  double level_pct = 0;  // percent coverage, e.g. 80
  double lower = 0;      // metric unit
  double upper = 0;      // metric unit
};

struct Forecast {
  FittedModel model;                   // the chosen model
  std::string method;                  // "backtest" or "aicc"
  std::string reason;                  // why this model, in a sentence
  std::vector<CandidateScore> candidates;  // every model tried, best first
  double r2 = 0;                       // in-sample coefficient of determination in metric units
  double backtest_error_pct = -1;      // percent, mean relative error near the backtest horizon; -1 for AICc
  double backtest_horizon_days = 0;    // days; how far ahead the backtest forecast
  double backtest_rmse = 0;            // metric unit; forecast error near the backtest horizon
  double residual_sd = 0;              // metric unit; in-sample residual spread
  std::size_t points = 0;              // raw points given
  std::size_t fit_points = 0;          // points fitted (bucket medians for long series)
  std::size_t outliers = 0;            // fitted points given zero weight as spikes
  double bucket_s = 0;                 // seconds per bucket, 0 when the series was not reduced
  double t_first = 0;                  // Unix seconds of the first point
  double t_last = 0;                   // Unix seconds of the last point
  double current = 0;                  // metric unit; median of the latest non-spike points

  double predict(double t) const { return model.predict(t); }
  Interval interval(double t, double level_pct) const;
};

// Fits and chooses a model. `t` is Unix seconds, strictly increasing; `v` finite and >= 0. Throws
// perfval::Error (without a location; the caller names the metric) for too few points or a constant series.
Forecast forecast_series(const std::vector<double>& t, const std::vector<double>& v, const ForecastOptions& options);

// The `predict_linear` practice: ordinary least squares over the last `window_days`, evaluated at `t_target`.
double predict_linear_baseline(const std::vector<double>& t, const std::vector<double>& v, double window_days,
                               double t_target);

// Two-sided standard normal quantile for a central coverage, e.g. 95 -> 1.95996.
double normal_quantile_for_coverage(double level_pct);

}  // namespace perfval::capacity
