// Tests of src/capacity/forecast.cpp: fits recover known growth on synthetic series with noise, spikes and gaps.
#include "perfval/capacity/forecast.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <numbers>
#include <random>

#include "perfval/common/error.hpp"

namespace perfval::capacity {
namespace {

constexpr double kDay = 86400;
constexpr double kT0 = 1'700'000'000;  // 2023-11-14, a fixed origin for every synthetic series

struct Synthetic {
  std::vector<double> t, v;
};

// Samples f(day) every `step_s` seconds for `days` days, with Gaussian noise of sd `noise` (relative if
// `relative`), from a fixed seed so the test is deterministic.
Synthetic make(double days, double step_s, const std::function<double(double)>& f, double noise,
               bool relative = false, unsigned seed = 7) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> n(0, 1);
  Synthetic s;
  for (double x = 0; x <= days * kDay; x += step_s) {
    const double truth = f(x / kDay);
    s.t.push_back(kT0 + x);
    s.v.push_back(std::max(0.0, truth + n(rng) * (relative ? noise * truth : noise)));
  }
  return s;
}

double rel_error(double got, double want) { return std::fabs(got - want) / want; }

TEST(Forecast, RecoversLinearGrowthAndKeepsTheSimpleModel) {
  auto line = [](double d) { return 40 + 0.5 * d; };
  const auto s = make(60, 3600, line, 1.0);
  ForecastOptions o;
  o.horizon_days = 30;
  const Forecast f = forecast_series(s.t, s.v, o);
  const double at = s.t.back() + 30 * kDay;
  EXPECT_LT(rel_error(f.predict(at), line(90)), 0.02) << f.model.name() << ": " << f.reason;
  EXPECT_EQ(f.model.kind, ModelKind::linear) << f.reason;
  EXPECT_EQ(f.method, "backtest");
  EXPECT_GT(f.r2, 0.95);
  const Interval i95 = f.interval(at, 95), i80 = f.interval(at, 80);
  EXPECT_LT(i95.lower, line(90));
  EXPECT_GT(i95.upper, line(90));
  EXPECT_LT(i95.lower, i80.lower);
  EXPECT_GT(i95.upper, i80.upper);
}

TEST(Forecast, RecoversExponentialGrowth) {
  auto expo = [](double d) { return 100 * std::exp(0.02 * d); };
  const auto s = make(90, 3600, expo, 0.02, true);
  ForecastOptions o;
  o.horizon_days = 30;
  const Forecast f = forecast_series(s.t, s.v, o);
  EXPECT_EQ(f.model.kind, ModelKind::exponential) << f.reason;
  EXPECT_LT(rel_error(f.predict(s.t.back() + 30 * kDay), expo(120)), 0.03) << f.reason;
  // The recovered rate is 2 % a day: compare the trend over one day far from the edges.
  const double rate = std::log(f.model.predict_trend(kT0 + 46 * kDay) / f.model.predict_trend(kT0 + 45 * kDay));
  EXPECT_NEAR(rate, 0.02, 0.001);
}

TEST(Forecast, RecoversTrendWithDailyAndWeeklySeasonality) {
  auto seasonal = [](double d) {
    return 200 + 1.0 * d + 30 * std::sin(2 * std::numbers::pi * d) + 15 * std::sin(2 * std::numbers::pi * d / 7);
  };
  const auto s = make(60, 900, seasonal, 3.0);
  ForecastOptions o;
  o.horizon_days = 30;
  const Forecast f = forecast_series(s.t, s.v, o);
  EXPECT_TRUE(f.model.daily) << f.model.name();
  EXPECT_TRUE(f.model.weekly) << f.model.name();
  for (double extra : {30.0, 30.25, 30.5}) {  // peaks and troughs of the daily cycle at the horizon
    const double at = s.t.back() + extra * kDay;
    EXPECT_LT(rel_error(f.predict(at), seasonal((at - kT0) / kDay)), 0.03) << extra << " " << f.reason;
  }
  EXPECT_NEAR(f.model.predict_trend(kT0 + 90 * kDay), 290, 6);
}

TEST(Forecast, AFewSpikesDoNotSwingTheTrend) {
  auto line = [](double d) { return 40 + 0.5 * d; };
  auto s = make(60, 3600, line, 0.5);
  for (std::size_t i : {std::size_t{100}, std::size_t{400}, std::size_t{900}, std::size_t{1200}, s.v.size() - 3}) s.v[i] *= 10;  // one right at the end
  ForecastOptions o;
  const Forecast f = forecast_series(s.t, s.v, o);
  EXPECT_GE(f.outliers, 5u);
  EXPECT_LT(rel_error(f.predict(s.t.back() + 30 * kDay), line(90)), 0.02) << f.reason;
  EXPECT_LT(rel_error(f.current, line(60)), 0.03);
}

TEST(Forecast, GapsInTheHistoryAreHarmless) {
  auto line = [](double d) { return 10 + 2 * d; };
  auto s = make(60, 1800, line, 1.0);
  Synthetic gappy;
  for (std::size_t i = 0; i < s.t.size(); ++i) {
    const double day = (s.t[i] - kT0) / kDay;
    if (day > 20 && day < 32) continue;  // a 12-day outage of the metrics pipeline
    gappy.t.push_back(s.t[i]);
    gappy.v.push_back(s.v[i]);
  }
  const Forecast f = forecast_series(gappy.t, gappy.v, ForecastOptions{});
  EXPECT_LT(rel_error(f.predict(s.t.back() + 30 * kDay), line(90)), 0.02) << f.reason;
}

TEST(Forecast, SaturatingGrowthPrefersTheLogisticModel) {
  auto sat = [](double d) { return 1000 / (1 + std::exp(-(d - 30) / 8)); };
  const auto s = make(90, 3600, sat, 0.01, true);
  ForecastOptions o;
  o.horizon_days = 30;
  const Forecast f = forecast_series(s.t, s.v, o);
  EXPECT_EQ(f.model.kind, ModelKind::logistic) << f.reason;
  EXPECT_LT(rel_error(f.predict(s.t.back() + 30 * kDay), sat(120)), 0.03) << f.reason;
}

TEST(Forecast, ShortHistoriesGetTheNaiveForecastWithAWideInterval) {
  auto line = [](double d) { return 5 + 3 * d; };
  const auto s = make(1, 3600, line, 0.1);  // 25 points: too few for a backtest
  const Forecast f = forecast_series(s.t, s.v, ForecastOptions{});
  EXPECT_EQ(f.method, "naive");
  EXPECT_EQ(f.model.kind, ModelKind::naive);
  EXPECT_LT(f.backtest_error_pct, 0);
  EXPECT_NE(f.reason.find("25 points are too few for a backtest"), std::string::npos) << f.reason;
  EXPECT_DOUBLE_EQ(f.predict(s.t.back() + 2 * kDay), s.v.back());
  // Wide: the interval two days out spans far more than the hour-to-hour change (0.125 per hour).
  const Interval i = f.interval(s.t.back() + 2 * kDay, 80);
  EXPECT_GT(i.upper - i.lower, 2.0);
  EXPECT_LT(i.lower, s.v.back());
  EXPECT_GT(i.upper, s.v.back());
}

TEST(Forecast, LongSeriesAreReducedToBucketMedians) {
  auto line = [](double d) { return 100 + d; };
  const auto s = make(90, 60, line, 2.0);  // 129,601 points
  ForecastOptions o;
  const Forecast f = forecast_series(s.t, s.v, o);
  EXPECT_EQ(f.points, s.t.size());
  EXPECT_LE(f.fit_points, o.max_fit_points);
  EXPECT_GT(f.bucket_s, 60);
  EXPECT_LT(rel_error(f.predict(s.t.back() + 30 * kDay), line(120)), 0.01);
}

TEST(Forecast, TooFewPointsGetTheNaiveForecastAndSayHowManyAModelNeeds) {
  const std::vector<double> t{1, 2, 3, 4}, v{1, 2, 3, 4};
  const Forecast f = forecast_series(t, v, ForecastOptions{});
  EXPECT_EQ(f.method, "naive");
  EXPECT_DOUBLE_EQ(f.predict(10), 4);
  EXPECT_NE(f.reason.find("4 points are too few for a model (min_points: 10)"), std::string::npos) << f.reason;
  EXPECT_THROW(forecast_series({}, {}, ForecastOptions{}), Error);
}

TEST(Forecast, ConstantSeriesStaysWhereItIs) {
  std::vector<double> t, v;
  for (int i = 0; i < 50; ++i) {
    t.push_back(kT0 + i * 60.0);
    v.push_back(42);
  }
  const Forecast f = forecast_series(t, v, ForecastOptions{});
  EXPECT_EQ(f.model.kind, ModelKind::naive) << f.reason;
  EXPECT_DOUBLE_EQ(f.predict(t.back() + 30 * kDay), 42);
  EXPECT_NE(f.reason.find("constant series: all 50 points equal 42"), std::string::npos) << f.reason;
}

TEST(Forecast, PredictLinearBaselineIsPlainLeastSquaresOverTheWindow) {
  std::vector<double> t, v;
  for (int d = 0; d <= 60; ++d) {
    t.push_back(kT0 + d * kDay);
    v.push_back(d < 30 ? 1000.0 : 10.0 + d);  // the first half is outside a 30-day window
  }
  EXPECT_NEAR(predict_linear_baseline(t, v, 30, t.back() + 10 * kDay), 80.0, 1e-9);
}

TEST(Forecast, NormalQuantiles) {
  EXPECT_NEAR(normal_quantile_for_coverage(95), 1.959964, 1e-5);
  EXPECT_NEAR(normal_quantile_for_coverage(80), 1.281552, 1e-5);
}

}  // namespace
}  // namespace perfval::capacity
