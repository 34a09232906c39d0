// Tests of src/capacity/baseline_models.cpp: each simple forecaster, fitted alone on a generated series,
// recovers the parameters the series was made with.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>
#include <random>

#include "perfval/capacity/forecast.hpp"

namespace perfval::capacity {
namespace {

constexpr double kDay = 86400;
constexpr double kT0 = 1'700'000'000;
constexpr double kPi = std::numbers::pi;

struct Synthetic {
  std::vector<double> t, v;
};

// f(day) every step_s seconds for `days` days plus Gaussian noise of sd `noise`, from a fixed seed.
Synthetic make(double days, double step_s, const std::function<double(double)>& f, double noise, unsigned seed = 3) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> n(0, 1);
  Synthetic s;
  for (double x = 0; x <= days * kDay; x += step_s) {
    s.t.push_back(kT0 + x);
    s.v.push_back(std::max(0.0, f(x / kDay) + noise * n(rng)));
  }
  return s;
}

Forecast only(const Synthetic& s, ModelKind kind, double horizon_days) {
  ForecastOptions o;
  o.models = {kind};
  o.horizon_days = horizon_days;
  return forecast_series(s.t, s.v, o);
}

TEST(BaselineModels, NaiveIsTheLastValue) {
  const auto s = make(5, 300, [](double d) { return 30 + d; }, 2);
  const Forecast f = only(s, ModelKind::naive, 1);
  EXPECT_EQ(f.model.kind, ModelKind::naive);
  EXPECT_DOUBLE_EQ(f.predict(s.t.back() + 0.5 * kDay), s.v.back());
  EXPECT_DOUBLE_EQ(f.predict(s.t.back() + 3 * kDay), s.v.back());
}

TEST(BaselineModels, LevelIsTheMedianOfAWindowAndIgnoresSpikes) {
  auto s = make(10, 300, [](double) { return 20; }, 2);
  for (std::size_t i = s.v.size() - 20; i < s.v.size(); i += 4) s.v[i] = 95;  // spikes near the end
  const Forecast f = only(s, ModelKind::level, 3);
  EXPECT_EQ(f.model.kind, ModelKind::level);
  EXPECT_NEAR(f.predict(s.t.back() + kDay), 20, 0.4) << f.model.name();
  EXPECT_FALSE(f.model.window.empty());
}

TEST(BaselineModels, SeasonalNaiveRepeatsTheLastDay) {
  auto daily = [](double d) { return 50 + 10 * std::sin(2 * kPi * d); };
  const auto s = make(8, 600, daily, 0);  // the first origin (30 %) needs 2 days before it
  const Forecast f = only(s, ModelKind::seasonal_naive, 2);
  ASSERT_EQ(f.model.kind, ModelKind::seasonal_naive) << f.reason;
  EXPECT_TRUE(f.model.daily);
  for (double ahead : {0.1, 0.6, 1.3, 1.9}) {
    const double at = s.t.back() + ahead * kDay;
    EXPECT_NEAR(f.predict(at), daily((at - kT0) / kDay), 0.5) << ahead;
  }
}

TEST(BaselineModels, DriftRecoversTheAverageStep) {
  std::mt19937 rng(5);
  std::normal_distribution<double> n(0, 0.05);
  Synthetic s;
  double x = 10;
  for (int i = 0; i <= 14 * 288; ++i) {  // 14 days at 5 minutes, +0.5 per day plus random steps
    s.t.push_back(kT0 + 300.0 * i);
    s.v.push_back(x);
    x += 0.5 / 288 + n(rng);
  }
  const Forecast f = only(s, ModelKind::drift, 4);
  EXPECT_EQ(f.model.kind, ModelKind::drift);
  const double per_day = f.model.slope * kDay;
  EXPECT_NEAR(per_day, (s.v.back() - s.v.front()) / 14, 1e-9);
  EXPECT_NEAR(f.predict(s.t.back() + 4 * kDay), s.v.back() + 4 * per_day, 1e-6);
}

TEST(BaselineModels, HoltRecoversLevelAndTrend) {
  auto line = [](double d) { return 100 + 3 * d; };
  const auto s = make(30, 3600, line, 1);
  const Forecast f = only(s, ModelKind::holt, 5);
  ASSERT_EQ(f.model.kind, ModelKind::holt);
  EXPECT_NEAR(f.model.level, line(30), 2.0);
  EXPECT_NEAR(f.model.slope * kDay, 3, 0.75);
  EXPECT_GT(f.model.phi, 0);
  EXPECT_LE(f.model.phi, 1);
}

TEST(BaselineModels, HoltWintersRecoversTheDailySeason) {
  auto seasonal = [](double d) { return 200 + 30 * std::sin(2 * kPi * d); };
  const auto s = make(20, 3600, seasonal, 2);
  const Forecast f = only(s, ModelKind::holt_winters, 3);
  ASSERT_EQ(f.model.kind, ModelKind::holt_winters) << f.reason;
  EXPECT_TRUE(f.model.daily);
  const auto [lo, hi] = std::minmax_element(f.model.season.begin(), f.model.season.end());
  EXPECT_NEAR(*hi - *lo, 60, 10);
  EXPECT_NEAR(f.model.level, 200, 5);
  for (double ahead : {0.25, 0.75, 2.5}) {
    const double at = s.t.back() + ahead * kDay;
    EXPECT_NEAR(f.predict(at), seasonal((at - kT0) / kDay), 6) << ahead;
  }
}

}  // namespace
}  // namespace perfval::capacity
