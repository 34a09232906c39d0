// Naive, recent level, seasonal naive, drift and Holt / Holt-Winters exponential smoothing, fitted on a row range.
#include "baseline_models.hpp"

#include <algorithm>
#include <cmath>

namespace perfval::capacity::engine {

namespace {

FittedModel base(ModelKind kind, const FitData& d, std::size_t begin, std::size_t end) {
  FittedModel m;
  m.kind = kind;
  m.t_end = d.t[end - 1];
  m.t_from = d.t[begin];
  return m;
}

std::size_t slot_of(double t, double period_s, std::size_t slots) {
  const double phase = std::fmod(t, period_s) / period_s;
  return std::min(static_cast<std::size_t>(phase * static_cast<double>(slots)), slots - 1);
}

std::size_t slot_count(double period_s, double step_s) {
  return std::clamp<std::size_t>(static_cast<std::size_t>(std::lround(period_s / std::max(step_s, 1.0))), 1, 4096);
}

// Empty slots (NaN) take the value of the nearest filled slot before them, circularly.
void fill_gaps(std::vector<double>& season, double fallback) {
  std::size_t first = season.size();
  for (std::size_t i = 0; i < season.size() && first == season.size(); ++i) {
    if (!std::isnan(season[i])) first = i;
  }
  if (first == season.size()) {
    std::fill(season.begin(), season.end(), fallback);
    return;
  }
  double last = season[first];
  for (std::size_t k = 0; k < season.size(); ++k) {
    double& s = season[(first + k) % season.size()];
    if (std::isnan(s)) s = last;
    else last = s;
  }
}

struct SmoothState {
  double sse = 0;              // one-step-ahead squared errors
  double level = 0;            // at the last row
  double trend = 0;            // per step at the last row
  std::vector<double> season;  // per slot
};

// What one pass needs per row, computed once per fit rather than once per parameter set.
struct Rows {
  std::vector<std::size_t> index;  // the weighted rows of [begin, end)
  std::vector<double> steps;       // smoothing steps since the previous weighted row (1 for regular spacing)
  std::vector<std::size_t> slot;   // season slot of each row (empty without a season)
};

Rows rows_of(const FitData& d, std::size_t begin, std::size_t end, double step_s, double period_s, std::size_t slots) {
  Rows r;
  double t_prev = d.t[begin];
  for (std::size_t i = begin; i < end; ++i) {
    if (d.w[i] <= 0) continue;
    r.index.push_back(i);
    r.steps.push_back(std::max(1.0, std::round((d.t[i] - t_prev) / step_s)));
    t_prev = d.t[i];
    if (slots) r.slot.push_back(slot_of(d.t[i], period_s, slots));
  }
  return r;
}

// One pass of damped-trend exponential smoothing (with a season when the state has one) over the rows.
SmoothState smooth(const FitData& d, const Rows& rows, const Smoothing& p, const SmoothState& init) {
  SmoothState s = init;
  const bool seasonal = !s.season.empty();
  for (std::size_t j = 0; j < rows.index.size(); ++j) {
    const double k = rows.steps[j];
    const double damp = k == 1 ? p.phi : p.phi * (1 - std::pow(p.phi, k)) / (1 - p.phi + 1e-300);
    const double level_pred = s.level + (p.phi >= 1 ? k : damp) * s.trend;
    const double trend_pred = (k == 1 ? p.phi : std::pow(p.phi, k)) * s.trend;
    const double season = seasonal ? s.season[rows.slot[j]] : 0;
    const double e = d.y[rows.index[j]] - level_pred - season;
    if (j > 0) s.sse += e * e;
    s.level = level_pred + p.alpha * e;
    s.trend = trend_pred + p.alpha * p.beta * e;
    if (seasonal) s.season[rows.slot[j]] += p.gamma * (1 - p.alpha) * e;
  }
  return s;
}

double initial_level(const FitData& d, std::size_t begin, std::size_t end) {
  std::vector<double> head;
  for (std::size_t i = begin; i < end && head.size() < 12; ++i) {
    if (d.w[i] > 0) head.push_back(d.y[i]);
  }
  return head.empty() ? d.y[begin] : median_of(head);
}

FittedModel smoothed_model(ModelKind kind, const FitData& d, std::size_t begin, std::size_t end, double step_s,
                           double period_s, const SmoothState& best, double phi) {
  FittedModel m = base(kind, d, begin, end);
  m.level = best.level;
  m.slope = best.trend / step_s;
  m.phi = phi;
  m.step_s = step_s;
  if (period_s > 0) {
    m.period_s = period_s;
    m.season = best.season;
  }
  return m;
}

}  // namespace

FittedModel fit_naive(const FitData& d, std::size_t end) {
  FittedModel m = base(ModelKind::naive, d, end - 1, end);
  m.level = d.y[end - 1];
  return m;
}

FittedModel fit_level(const FitData& d, std::size_t begin, std::size_t end, const std::string& window) {
  FittedModel m = base(ModelKind::level, d, begin, end);
  std::vector<double> ys;
  ys.reserve(end - begin);
  for (std::size_t i = begin; i < end; ++i) {
    if (d.w[i] > 0) ys.push_back(d.y[i]);
  }
  m.level = ys.empty() ? d.y[end - 1] : median_of(ys);
  m.window = window;
  return m;
}

FittedModel fit_seasonal_naive(const FitData& d, std::size_t end, double period_s, double step_s) {
  const double from = d.t[end - 1] - period_s;
  std::size_t begin = end;
  while (begin > 0 && d.t[begin - 1] > from) --begin;
  FittedModel m = base(ModelKind::seasonal_naive, d, begin, end);
  m.period_s = period_s;
  m.season.assign(slot_count(period_s, step_s), NAN);
  for (std::size_t i = begin; i < end; ++i) m.season[slot_of(d.t[i], period_s, m.season.size())] = d.y[i];
  fill_gaps(m.season, d.y[end - 1]);
  m.daily = period_s < 2 * 86400;
  m.weekly = !m.daily;
  return m;
}

FittedModel fit_drift(const FitData& d, std::size_t end) {
  FittedModel m = base(ModelKind::drift, d, 0, end);
  m.level = d.y[end - 1];
  const double span = d.t[end - 1] - d.t[0];
  m.slope = span > 0 ? (d.y[end - 1] - d.y[0]) / span : 0;
  return m;
}

FittedModel fit_holt(const FitData& d, std::size_t begin, std::size_t end, double step_s, const Smoothing* fixed,
                     Smoothing* chosen) {
  static const double alphas[] = {0.02, 0.05, 0.1, 0.2, 0.4, 0.7, 1.0};
  static const double betas[] = {0.02, 0.1, 0.3};
  static const double phis[] = {0.9, 0.98, 0.995};
  SmoothState init;
  init.level = initial_level(d, begin, end);
  const Rows rows = rows_of(d, begin, end, step_s, 0, 0);
  SmoothState best;
  best.sse = INFINITY;
  Smoothing params = fixed ? *fixed : Smoothing{};
  if (fixed) best = smooth(d, rows, params, init);
  for (double a : alphas) {
    for (double b : betas) {
      for (double phi : phis) {
        if (fixed) break;
        SmoothState s = smooth(d, rows, {a, b, 0, phi}, init);
        if (s.sse < best.sse) {
          best = std::move(s);
          params = {a, b, 0, phi};
        }
      }
    }
  }
  if (chosen) *chosen = params;
  return smoothed_model(ModelKind::holt, d, begin, end, step_s, 0, best, params.phi);
}

FittedModel fit_holt_winters(const FitData& d, std::size_t begin, std::size_t end, double period_s, double step_s,
                             const Smoothing* fixed, Smoothing* chosen) {
  static const double alphas[] = {0.05, 0.2, 0.5};
  static const double betas[] = {0.02, 0.2};
  static const double gammas[] = {0.05, 0.3};
  constexpr double kPhi = 0.98;
  // Start from the first two periods: their median is the level, and the mean deviation per slot the season.
  std::size_t init_end = begin;
  while (init_end < end && d.t[init_end] < d.t[begin] + 2 * period_s) ++init_end;
  std::vector<double> ys;
  for (std::size_t i = begin; i < init_end; ++i) {
    if (d.w[i] > 0) ys.push_back(d.y[i]);
  }
  SmoothState init;
  init.level = median_of(ys);
  const std::size_t slots = slot_count(period_s, step_s);
  std::vector<double> sum(slots, 0), count(slots, 0);
  for (std::size_t i = begin; i < init_end; ++i) {
    if (d.w[i] <= 0) continue;
    const std::size_t s = slot_of(d.t[i], period_s, slots);
    sum[s] += d.y[i] - init.level;
    count[s] += 1;
  }
  init.season.assign(slots, NAN);
  for (std::size_t s = 0; s < slots; ++s) {
    if (count[s] > 0) init.season[s] = sum[s] / count[s];
  }
  fill_gaps(init.season, 0);
  const Rows rows = rows_of(d, begin, end, step_s, period_s, slots);
  SmoothState best;
  best.sse = INFINITY;
  Smoothing params = fixed ? *fixed : Smoothing{0, 0, 0, kPhi};
  if (fixed) best = smooth(d, rows, params, init);
  for (double a : alphas) {
    for (double b : betas) {
      for (double g : gammas) {
        if (fixed) break;
        SmoothState s = smooth(d, rows, {a, b, g, kPhi}, init);
        if (s.sse < best.sse) {
          best = std::move(s);
          params = {a, b, g, kPhi};
        }
      }
    }
  }
  if (chosen) *chosen = params;
  FittedModel m = smoothed_model(ModelKind::holt_winters, d, begin, end, step_s, period_s, best, params.phi);
  m.daily = period_s < 2 * 86400;
  m.weekly = !m.daily;
  return m;
}

namespace {

// Median and robust spread (1.4826 x median absolute deviation) of the weighted rows [begin, end), from at
// most about 512 evenly spaced rows: plenty to tell a level shift from noise.
std::pair<double, double> median_spread(const FitData& d, std::size_t begin, std::size_t end, std::vector<double>& buf) {
  buf.clear();
  const std::size_t stride = std::max<std::size_t>(1, (end - begin) / 512);
  for (std::size_t i = begin; i < end; i += stride) {
    if (d.w[i] > 0) buf.push_back(d.y[i]);
  }
  const double med = median_of(buf);
  for (double& x : buf) x = std::fabs(x - med);
  return {med, 1.4826 * median_of(buf)};
}

}  // namespace

std::size_t regime_start(const FitData& d, std::size_t end) {
  constexpr int kSplits = 16;
  constexpr std::size_t kMinRows = 12;
  std::size_t start = 0;
  std::vector<double> buf;
  std::vector<std::size_t> splits;
  for (int round = 0; round < 3; ++round) {
    const std::size_t n = end - start;
    if (n < 2 * kMinRows) break;
    // A grid over the segment, plus splits close to its end so that a recent shift is found soon after it.
    splits.clear();
    for (int k = 1; k < kSplits; ++k) splits.push_back(start + n * static_cast<std::size_t>(k) / kSplits);
    for (std::size_t tail = kMinRows; tail < n / kSplits; tail *= 2) splits.push_back(end - tail);
    double best_ratio = 1.5;  // a shift must clearly exceed the spread of the segments it separates
    std::size_t best_split = 0;
    for (const std::size_t split : splits) {
      if (split - start < kMinRows || end - split < kMinRows) continue;
      const auto [m1, s1] = median_spread(d, start, split, buf);
      const auto [m2, s2] = median_spread(d, split, end, buf);
      const double spread = std::max((s1 + s2) / 2, 1e-12 * (std::fabs(m1) + std::fabs(m2) + 1e-300));
      const double ratio = std::fabs(m2 - m1) / spread;
      if (ratio > best_ratio) {
        best_ratio = ratio;
        best_split = split;
      }
    }
    if (best_split == 0) break;
    start = best_split;
  }
  return start;
}

}  // namespace perfval::capacity::engine
