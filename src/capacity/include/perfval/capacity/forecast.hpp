// Forecasting models and their choice: naive-family baselines, exponential smoothing and growth curves, all
// ranked by one rolling-origin backtest, with intervals calibrated on the backtest's own errors.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "perfval/capacity/config.hpp"

namespace perfval::capacity {

// From the simplest to the most flexible; a more flexible model must beat a simpler one on the backtest.
enum class ModelKind {
  naive,           // the last value, unchanged ("it stays where it is")
  level,           // the median of a recent window (or of everything since the last level shift)
  seasonal_naive,  // the last daily or weekly cycle, repeated
  drift,           // random walk with drift: the last value plus the average step of the history
  holt,            // Holt's linear trend with damping (exponential smoothing)
  holt_winters,    // Holt's damped trend plus a daily or weekly season (additive)
  linear,          // least squares y = a + b u (+ Fourier seasonality)
  exponential,     // least squares log y = a + b u (+ seasonality)
  quadratic,       // least squares y = a + b u + c u^2 (+ seasonality)
  logistic,        // saturating y = K / (1 + exp(-(a + b u + seasonality)))
  combination,     // the mean of the best few other models
};
const char* to_string(ModelKind kind);

// A fitted model. Evaluating it needs no linear algebra library, so it is a plain value.
struct FittedModel {
  ModelKind kind = ModelKind::naive;
  bool daily = false;          // daily seasonality (Fourier terms, or the season of a seasonal model)
  bool weekly = false;         // weekly seasonality
  double t_end = 0;            // Unix seconds; the last observation the model was fitted on
  double t_from = 0;           // Unix seconds; the first observation it used (the fit window starts here)
  // Regression models (linear ... logistic):
  double scale = 1;            // seconds; u = (t - t_end) / scale is the trend's time variable
  double capacity = 0;         // metric unit; the logistic ceiling K (0 for other kinds)
  std::vector<int> columns;    // design columns in use (see basis in fit_basis.hpp)
  std::vector<double> coef;    // one per column, in the model's fitting space (y, log y or logit y/K)
  std::vector<double> cov;     // (X'WX)^-1, row-major columns x columns, for parameter uncertainty
  double sigma_z = 0;          // residual standard deviation in the fitting space
  // Baselines and smoothing (naive ... holt_winters):
  double level = 0;            // metric unit at t_end
  double slope = 0;            // metric unit per second at t_end (drift, holt)
  double phi = 1;              // trend damping per step (holt); 1 = undamped
  double step_s = 0;           // seconds per smoothing step
  double period_s = 0;         // seconds; the season's length (seasonal models), 0 without a season
  std::vector<double> season;  // metric unit per phase slot of period_s / season.size() seconds (absolute phase)
  std::string window;          // the fit window in words: "all 9.8 d", "last 6 h", "since 2024-03-02T10:00:00Z"
  std::vector<FittedModel> parts;  // combination: the models averaged

  std::string name() const;    // "exponential+weekly", "level(last 6 h)", "mean of 3 (holt, linear, level)"
  int complexity() const;      // rank used for "ties go to the simpler model"
  double predict(double t) const;        // metric unit, trend and seasonality, never negative
  double predict_trend(double t) const;  // metric unit, without the seasonal terms
  double fit_space(double t) const;      // regression: the linear predictor in the fitting space
};

// One candidate's row of the backtest table.
struct CandidateScore {
  std::string model;   // FittedModel::name()
  double mae = 0;      // metric unit: mean absolute error over the backtest (each lead weighted alike)
  double vs_naive = 1; // mae / the naive forecast's mae in the same backtest (< 1: better than assuming no change)
  double score = 0;    // percent: mae relative to the mean level (the figure the reason quotes)
};

struct ForecastOptions {
  double horizon_days = 30;           // days ahead the forecast is for
  SeasonalityMode seasonality = SeasonalityMode::automatic;
  std::size_t min_points = 10;        // fewer points get the naive forecast with a wide interval
  std::size_t max_fit_points = 4096;  // longer series are reduced to this many bucket medians
  bool allow_backtest = true;         // false forces the naive forecast (tests and comparisons)
  double lower_bound = 0;             // metric unit: forecasts and intervals never go below this
  double upper_bound = std::numeric_limits<double>::infinity();  // metric unit: ... nor above this
  std::vector<ModelKind> models{ModelKind::naive,       ModelKind::level,        ModelKind::seasonal_naive,
                                ModelKind::drift,       ModelKind::holt,         ModelKind::holt_winters,
                                ModelKind::linear,      ModelKind::exponential,  ModelKind::quadratic,
                                ModelKind::logistic,    ModelKind::combination};
};

struct Interval {
  double level_pct = 0;  // percent coverage, e.g. 80
  double lower = 0;      // metric unit
  double upper = 0;      // metric unit
};

// The chosen model's backtest errors (actual - forecast) at one range of lead times.
struct ErrorBin {
  double lead_s = 0;            // seconds: the upper end of the bin's lead times
  std::vector<double> errors;   // metric unit, sorted ascending
};

struct Forecast {
  FittedModel model;                   // the chosen model
  std::string method;                  // "backtest", or "naive" when there is too little to backtest
  std::string reason;                  // why this model, in words
  std::vector<CandidateScore> candidates;  // the backtest table: every model tried, best first
  double r2 = 0;                       // in-sample coefficient of determination (regression models; else 0)
  double backtest_error_pct = -1;      // percent: the chosen model's mae relative to the mean level; -1 without backtest
  double backtest_vs_naive = 1;        // the chosen model's CandidateScore::vs_naive
  double backtest_horizon_days = 0;    // days: how far ahead the backtest forecast
  int backtest_origins = 0;            // forecast origins the backtest used
  std::string interval_method;         // how the intervals were made, in words
  std::vector<ErrorBin> error_bins;    // by lead time: the errors the intervals are quantiles of
  bool relative_errors = false;        // error_bins hold errors / forecast (multiplicative models), not metric units
  bool symmetric_errors = false;       // error_bins hold |actual - forecast|: intervals are forecast +- a quantile
  double fallback_spread = 0;          // metric unit per sqrt(step): the naive interval's spread without a backtest
  double spacing_s = 0;                // seconds: median spacing of the points
  double lower_bound = 0;              // metric unit: the metric's bounds, applied to everything below
  double upper_bound = std::numeric_limits<double>::infinity();
  std::size_t points = 0;              // raw points given
  std::size_t fit_points = 0;          // points fitted (bucket medians for long series)
  std::size_t outliers = 0;            // fitted points given zero weight as spikes
  double bucket_s = 0;                 // seconds per bucket, 0 when the series was not reduced
  double t_first = 0;                  // Unix seconds of the first point
  double t_last = 0;                   // Unix seconds of the last point
  double current = 0;                  // metric unit; median of the latest non-spike points

  double predict(double t) const;      // the model's forecast within the bounds
  Interval interval(double t, double level_pct) const;
};

// Fits and chooses a model. `t` is Unix seconds, strictly increasing; `v` finite. Throws perfval::Error
// (without a location; the caller names the metric) only for an empty series or malformed input.
Forecast forecast_series(const std::vector<double>& t, const std::vector<double>& v, const ForecastOptions& options);

// The `predict_linear` practice: ordinary least squares over the last `window_days`, evaluated at `t_target`.
double predict_linear_baseline(const std::vector<double>& t, const std::vector<double>& v, double window_days,
                               double t_target);

// Two-sided standard normal quantile for a central coverage, e.g. 95 -> 1.95996.
double normal_quantile_for_coverage(double level_pct);

}  // namespace perfval::capacity
