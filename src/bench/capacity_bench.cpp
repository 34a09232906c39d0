// capacity/: speed of `perfval capacity analyze` (5 metrics x 90 days at 1-minute resolution) and forecast
// accuracy against the predict_linear practice over synthetic growth families (figures in docs/capacity.md).
#include <benchmark/benchmark.h>

#include <cmath>
#include <functional>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "perfval/capacity/analysis.hpp"
#include "perfval/capacity/forecast.hpp"
#include "perfval/capacity/series.hpp"

namespace perfval::capacity {
namespace {

constexpr double kDay = 86400;
constexpr double kT0 = 1'700'000'000;
constexpr double kPi = std::numbers::pi;

using Truth = std::function<double(double day)>;

Series sample(const std::string& metric, double days, double step_s, const Truth& f, double noise_sd,
              bool relative, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> n(0, 1);
  Series s;
  s.metric = metric;
  const auto count = static_cast<std::size_t>(days * kDay / step_s);
  s.t.reserve(count);
  s.v.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const double x = static_cast<double>(i) * step_s;
    const double truth = f(x / kDay);
    s.t.push_back(kT0 + x);
    s.v.push_back(std::max(0.0, truth + n(rng) * (relative ? noise_sd * truth : noise_sd)));
  }
  return s;
}

// Five metrics, 90 days at one-minute resolution: 129,600 points each, with noise and daily/weekly cycles.
std::vector<AnalysisInput> five_metrics() {
  std::vector<AnalysisInput> in;
  const Truth shapes[5] = {
      [](double d) { return 30 + 0.4 * d + 8 * std::sin(2 * kPi * d); },
      [](double d) { return 40 * std::exp(0.008 * d); },
      [](double d) { return 10000 + 150 * d + 300 * std::sin(2 * kPi * d / 7); },
      [](double d) { return 200 + 3 * d + 80 * std::sin(2 * kPi * d) + 30 * std::sin(2 * kPi * d / 7); },
      [](double d) { return 20 + 0.5 * d; }};
  for (int k = 0; k < 5; ++k) {
    const auto kind = static_cast<MetricKind>(k);
    in.push_back({default_metric(kind), sample(to_string(kind), 90, 60, shapes[k], 0.01, true, 11 + k)});
  }
  return in;
}

void analyze_five_metrics(benchmark::State& state) {
  const auto inputs = five_metrics();
  const CapacityConfig config = default_config();
  std::size_t points = 0;
  for (auto _ : state) {
    const CapacityReport r = analyze(config, inputs, {150, "config"}, kT0 + 90 * kDay);
    benchmark::DoNotOptimize(r.analysed);
    for (const auto& in : inputs) points += in.series.t.size();
  }
  state.counters["points_per_metric"] = static_cast<double>(inputs.front().series.t.size());
  state.SetItemsProcessed(static_cast<std::int64_t>(points));
}

struct Family {
  const char* name;
  Truth truth;
  double noise;   // standard deviation, absolute or relative
  bool relative;  // noise is a fraction of the value
};

const std::vector<Family>& families() {
  static const std::vector<Family> f{
      {"linear", [](double d) { return 100 + 2 * d; }, 3, false},
      {"exponential", [](double d) { return 100 * std::exp(0.015 * d); }, 0.02, true},
      {"weekly_seasonal_trend",
       [](double d) { return 200 + d + 40 * std::sin(2 * kPi * d / 7) + 15 * std::sin(2 * kPi * d); }, 5, false},
      {"step_change", [](double d) { return 100 + 0.5 * d + (d >= 40 ? 50 : 0); }, 3, false},
      {"saturating", [](double d) { return 1000 / (1 + std::exp(-(d - 30) / 8)); }, 0.01, true}};
  return f;
}

// Mean absolute percentage error over the last day before the horizon (a whole daily cycle, so a lucky phase
// cannot flatter either method), for perfval and for predict_linear over the last 30 days, over 10 seeds.
void backtest_family(benchmark::State& state, const Family& fam) {
  constexpr double kHistory = 60, kHorizon = 30, kWindow = 30;
  constexpr int kSeeds = 10;
  double ours = 0, baseline = 0;
  for (auto _ : state) {
    ours = baseline = 0;
    for (int seed = 0; seed < kSeeds; ++seed) {
      const Series s = sample(fam.name, kHistory, 3600, fam.truth, fam.noise, fam.relative, 100 + seed);
      ForecastOptions o;
      o.horizon_days = kHorizon;
      const Forecast f = forecast_series(s.t, s.v, o);
      for (int h = 0; h < 24; ++h) {
        const double at = s.t.back() + (kHorizon - 1) * kDay + (h + 1) * 3600.0;
        const double truth = fam.truth((at - kT0) / kDay);
        ours += std::fabs(f.predict(at) - truth) / truth;
        baseline += std::fabs(predict_linear_baseline(s.t, s.v, kWindow, at) - truth) / truth;
      }
    }
  }
  const double n = kSeeds * 24;
  state.counters["perfval_err_pct"] = ours / n * 100;
  state.counters["predict_linear_err_pct"] = baseline / n * 100;
  state.counters["error_reduction_pct"] = baseline > 0 ? (1 - ours / baseline) * 100 : 0;
}

const bool registered = [] {
  benchmark::RegisterBenchmark("capacity/analyze/5x129600", analyze_five_metrics)->Unit(benchmark::kMillisecond);
  for (const auto& fam : families()) {
    benchmark::RegisterBenchmark((std::string("capacity/backtest/") + fam.name).c_str(), backtest_family, fam)
        ->Iterations(1)
        ->Unit(benchmark::kMillisecond);
  }
  return true;
}();

}  // namespace
}  // namespace perfval::capacity
