// The fitting engine behind forecast_series: series reduction, the design matrix and candidate evaluation.
// Private to the capacity module; Eigen stays inside fit_engine.cpp.
#pragma once

#include <cstddef>
#include <vector>

#include "perfval/capacity/forecast.hpp"

namespace perfval::capacity::engine {

// The rows a model is fitted to: raw points, or bucket medians for long series, with spike weights.
struct FitData {
  std::vector<double> t;    // Unix seconds, increasing
  std::vector<double> y;    // metric unit
  std::vector<double> w;    // 1 for normal rows, 0 for rows judged to be spikes
  std::vector<double> raw;  // metric unit: per row, one raw point of its bucket (chosen pseudo-randomly), what
                            // intervals are calibrated against; empty when the rows are the raw points
  double t_end = 0;         // Unix seconds of the last row
  double scale = 1;         // seconds; the trend variable is (t - t_end) / scale
  double bucket_s = 0;      // seconds per bucket, 0 when not reduced
  std::size_t outliers = 0; // rows with weight 0
};

// Median of buf (reordered); 0 for an empty buffer.
double median_of(std::vector<double>& buf);

// Reduces to at most max_points bucket medians (all rows kept when shorter) and marks isolated spikes.
FitData prepare(const std::vector<double>& t, const std::vector<double>& v, std::size_t max_points);

struct Candidate {
  ModelKind kind = ModelKind::linear;
  bool daily = false;   // with daily Fourier terms
  bool weekly = false;  // with weekly Fourier terms
  bool recent = false;  // fitted only on the rows since the last level shift (Fold::start)
};

// One rolling-origin fold: rows [0, train_end) are known at the origin, rows [train_end, score_end) are
// forecast and scored.
struct Fold {
  std::size_t train_end = 0;
  std::size_t score_end = 0;
  std::size_t start = 0;  // first row of the current regime at this origin (see regime_start)
};

struct Evaluation {
  Candidate candidate;
  bool ok = false;            // false when the model could not be fitted (e.g. exponential with zeros)
  FittedModel model;          // fitted on every row (recent candidates: since final_start)
  std::vector<std::vector<double>> preds;  // per fold: the forecast of each scored row, metric unit
  double sse = 0;             // metric unit squared: in-sample weighted residual sum of squares
  double sst = 0;             // metric unit squared: weighted total sum of squares around the mean
  double n_eff = 0;           // rows with non-zero weight
  std::size_t params = 0;     // fitted parameters (logistic counts its ceiling)
};

// Fits every regression candidate on each fold's training rows and on all rows; the design matrix is built
// once and the full-history normal equations are accumulated in one pass over the folds.
std::vector<Evaluation> evaluate(const FitData& data, const std::vector<Candidate>& candidates,
                                 const std::vector<Fold>& folds, std::size_t final_start);

}  // namespace perfval::capacity::engine
