// Per-metric analysis: forecast at the horizon, growth against its threshold, time to limits, confidence.
#include "perfval/capacity/analysis.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "perfval/common/error.hpp"
#include "perfval/common/format.hpp"
#include "run_summary.hpp"

namespace perfval::capacity {

namespace {

constexpr double kDay = 86400;

// Days from t_last until the point forecast first reaches `level`, within the horizon; nullopt if never.
std::optional<double> days_until(const Forecast& f, double level, double horizon_days) {
  if (f.current >= level || f.predict(f.t_last) >= level) return 0.0;
  const double horizon = horizon_days * kDay;
  const double step = std::min(3600.0, horizon / 2000);
  double prev = f.t_last;
  for (double t = f.t_last + step; t <= f.t_last + horizon + 1e-6; t += step) {
    if (f.predict(t) >= level) {
      double lo = prev, hi = t;  // bisect to a minute
      while (hi - lo > 60) {
        const double mid = (lo + hi) / 2;
        (f.predict(mid) >= level ? hi : lo) = mid;
      }
      return (hi - f.t_last) / kDay;
    }
    prev = t;
  }
  return std::nullopt;
}

// Highest upper bound of the narrowest interval anywhere in the horizon (seasonal peaks included).
double peak_upper(const Forecast& f, double level, double horizon_days) {
  const double horizon = horizon_days * kDay;
  const double step = std::min(3600.0, horizon / 2000);
  double peak = 0;
  for (double t = f.t_last; t <= f.t_last + horizon + 1e-6; t += step) peak = std::max(peak, f.interval(t, level).upper);
  return peak;
}

void grade(MetricResult& r, const Forecast& f) {
  const double history_days = (f.t_last - f.t_first) / kDay;
  const std::string span = format_double("%.1f", history_days) + " d of history for a " + format_double("%.0f", r.horizon_days) + " d horizon";
  if (f.method != "backtest") {
    r.confidence = "low";
    r.confidence_reason = "no backtest (" + f.reason + "); " + span;
    return;
  }
  if (f.backtest_error_pct <= 5 && history_days >= r.horizon_days) {
    r.confidence = "high";
  } else if (f.backtest_error_pct <= 15 && history_days >= r.horizon_days / 2) {
    r.confidence = "medium";
  } else {
    r.confidence = "low";
  }
  r.confidence_reason = "backtest error " + format_double("%.1f", f.backtest_error_pct) + " % of the level up to " +
                        format_double("%.3g", f.backtest_horizon_days) + " d ahead; " + span;
}

// The forecast across the horizon at the data's spacing (coarser when that would exceed kPathPoints).
void fill_path(MetricResult& r, const CapacityConfig& config, const Forecast& f) {
  constexpr double kPathPoints = 2000;
  const double horizon = r.horizon_days * kDay;
  const double step = std::max(f.spacing_s > 0 ? f.spacing_s : 3600.0, horizon / kPathPoints);
  for (double t = f.t_last + step; t <= f.t_last + horizon + 1e-6; t += step) {
    PathPoint p{t, f.predict(t), {}};
    for (double level : config.interval_levels) p.intervals.push_back(f.interval(t, level));
    r.path.push_back(std::move(p));
  }
}

void fill_forecast(MetricResult& r, const CapacityConfig& config, const MetricConfig& m, const Forecast& f) {
  r.model = f.model.name();
  r.method = f.method;
  r.reason = f.reason;
  r.window = f.model.window.empty() ? (f.model.kind == ModelKind::combination ? "per model" : "all " +
             format_double("%.3g d", (f.t_last - f.t_first) / kDay)) : f.model.window;
  r.interval_method = f.interval_method;
  r.r2 = f.r2;
  r.backtest_error_pct = f.backtest_error_pct;
  r.backtest_vs_naive = f.backtest_vs_naive;
  r.backtest_horizon_days = f.backtest_horizon_days;
  r.backtest_origins = f.backtest_origins;
  r.backtest = f.candidates;
  r.points = f.points;
  r.fit_points = f.fit_points;
  r.outliers = f.outliers;
  r.history_from = f.t_first;
  r.history_to = f.t_last;
  r.current = f.current;
  const double at = f.t_last + m.horizon_days * kDay;
  r.projected = f.predict(at);
  for (double level : config.interval_levels) r.intervals.push_back(f.interval(at, level));
  fill_path(r, config, f);
  r.peak_upper = peak_upper(f, config.interval_levels.front(), m.horizon_days);
  const double trend_now = f.model.predict_trend(f.t_last);
  r.growth_pct = trend_now > 0 ? (f.model.predict_trend(at) - trend_now) / trend_now * 100 : 0;
  r.growth_exceeded = r.growth_pct > m.growth_threshold_pct;
  r.days_to_threshold = days_until(f, m.capacity_threshold, m.horizon_days);
  if (m.hard_limit) r.days_to_limit = days_until(f, *m.hard_limit, m.horizon_days);
  r.alert = r.days_to_threshold.has_value();
  grade(r, f);
}

// Values outside the metric's bounds are kept (the forecast stays inside them), but said.
void warn_out_of_bounds(MetricResult& r, const MetricConfig& m, const Series& s) {
  const double hi = m.bound_max.value_or(INFINITY);
  std::size_t count = 0, first = 0;
  for (std::size_t i = 0; i < s.v.size(); ++i) {
    if (s.v[i] >= m.bound_min && s.v[i] <= hi) continue;
    if (count++ == 0) first = i;
  }
  if (count == 0) return;
  std::string where = s.file.empty() ? "" : s.file;
  if (!where.empty() && first < s.lines.size()) where += ":" + std::to_string(s.lines[first]);
  where += (where.empty() ? "" : ": ") + r.name + ": ";
  r.warnings.push_back(where + std::to_string(count) + (count == 1 ? " value" : " values") + " outside the bounds [" +
                       format_double("%g", m.bound_min) + ", " + (m.bound_max ? format_double("%g", hi) : "none") +
                       "] (first: " + format_double("%g", s.v[first]) + " at " + format_timestamp(s.t[first]) +
                       "); kept, and the forecast stays within the bounds");
}

// The history for the HTML report's chart: min and max per bucket, so spikes stay visible in long series.
void fill_observed(MetricResult& r, const Series& s) {
  const std::size_t n = std::min(s.t.size(), s.v.size());
  const std::size_t per = std::max<std::size_t>(1, (n + kObservedBuckets - 1) / kObservedBuckets);
  for (std::size_t i = 0; i < n; i += per) {
    ObservedBucket b{s.t[i], s.v[i], s.v[i]};
    for (std::size_t j = i; j < std::min(n, i + per); ++j) b.low = std::min(b.low, s.v[j]), b.high = std::max(b.high, s.v[j]);
    r.observed.push_back(b);
  }
  if (n > 0 && per > 1) r.observed.push_back({s.t[n - 1], s.v[n - 1], s.v[n - 1]});
}

}  // namespace

MetricResult analyze_series(const CapacityConfig& config, const MetricConfig& m, const Series& series) {
  MetricResult r;
  r.name = series.name();
  r.kind = m.kind;
  r.unit = m.unit;
  r.horizon_days = m.horizon_days;
  r.growth_threshold_pct = m.growth_threshold_pct;
  r.capacity_threshold = m.capacity_threshold;
  r.hard_limit = m.hard_limit;
  if (!series.error.empty()) {
    r.error = series.error;
    return r;
  }
  r.bound_min = m.bound_min;
  r.bound_max = m.bound_max;
  warn_out_of_bounds(r, m, series);
  fill_observed(r, series);
  ForecastOptions o;
  o.horizon_days = m.horizon_days;
  o.lower_bound = m.bound_min;
  o.upper_bound = m.bound_max.value_or(INFINITY);
  o.seasonality = m.seasonality;
  o.min_points = config.min_points;
  o.max_fit_points = config.max_fit_points;
  try {
    fill_forecast(r, config, m, forecast_series(series.t, series.v, o));
  } catch (const Error& e) {
    r.error = r.name + ": " + e.what();
  }
  return r;
}

int CapacityReport::exit_code() const {
  if (analysed == 0) return exit_code::usage;
  return alert ? exit_code::threshold_failed : exit_code::ok;
}

CapacityReport analyze(const CapacityConfig& config, const std::vector<AnalysisInput>& inputs,
                       const Throughput& throughput, double now_unix) {
  CapacityReport report;
  report.config_file = config.file;
  report.generated_at = now_unix;
  report.throughput = throughput;
  for (const auto& in : inputs) {
    MetricResult r = analyze_series(config, in.metric, in.series);
    if (r.analysed()) {
      ++report.analysed;
      report.alert = report.alert || r.alert;
      for (auto& rec : recommend(config, r, throughput)) report.recommendations.push_back(std::move(rec));
    } else {
      ++report.failed;
    }
    report.metrics.push_back(std::move(r));
  }
  return report;
}

Throughput measured_throughput(const CapacityConfig& config, const std::vector<std::string>& summary_paths) {
  if (summary_paths.empty()) return {config.scaling.replicas.per_replica_rps, "config"};
  double total = 0;
  std::string sources;
  for (const auto& path : summary_paths) {
    const nlohmann::json doc = read_run_summary(path, "(a summary.json written by perfval run)");
    const nlohmann::json::json_pointer ptr("/metrics/http_reqs/rate");
    const nlohmann::json rate = doc.contains(ptr) ? doc.at(ptr) : nlohmann::json();
    if (!rate.is_number() || rate.get<double>() <= 0) {
      throw Error(path + ": metrics.http_reqs.rate: expected a positive request rate");
    }
    total += rate.get<double>();
    sources += (sources.empty() ? "" : ", ") + path;
  }
  return {total / static_cast<double>(summary_paths.size()), sources};
}

}  // namespace perfval::capacity
