// Tests of how forecast intervals are calibrated (src/capacity/forecast.cpp calibrate, model.cpp
// Forecast::interval): finite-sample conformal ranks, symmetric errors, the dense refit of the chosen model on
// every row of a long series, and a backtest that does not trust a trend the recent history contradicts.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "perfval/capacity/forecast.hpp"

namespace perfval::capacity {
namespace {

constexpr double kDay = 86400;
constexpr double kT0 = 1'700'000'000;

// A forecast at a constant 50 whose intervals come from one bin of the given (sorted) errors.
Forecast with_errors(std::vector<double> errors, bool symmetric) {
  Forecast f;
  f.model.kind = ModelKind::naive;
  f.model.level = 50;
  f.model.t_end = f.model.t_from = f.t_last = kT0;
  f.lower_bound = -1e9;
  f.upper_bound = 1e9;
  f.error_bins.push_back({3600, std::move(errors)});
  f.symmetric_errors = symmetric;
  return f;
}

TEST(Calibration, SymmetricIntervalsAreTheFiniteSampleRankOfTheAbsoluteErrors) {
  const Forecast f = with_errors({1, 2, 3, 4, 5, 6, 7, 8, 9}, true);
  // 9 errors: the 80 % interval is +- the ceil(10 x 0.8) = 8th smallest, not the interpolated 7.4.
  const Interval i80 = f.interval(kT0 + 1800, 80);
  EXPECT_DOUBLE_EQ(i80.lower, 42);
  EXPECT_DOUBLE_EQ(i80.upper, 58);
  // 95 %: rank ceil(9.5) = 10 is beyond the sample, so the largest error is used.
  const Interval i95 = f.interval(kT0 + 1800, 95);
  EXPECT_DOUBLE_EQ(i95.lower, 41);
  EXPECT_DOUBLE_EQ(i95.upper, 59);
}

TEST(Calibration, SignedIntervalsUseTheLowerAndUpperConformalRanks) {
  const Forecast f = with_errors({-4, -3, -2, -1, 0, 1, 2, 3, 4}, false);
  // 60 %: tails of 0.2 each: the floor(10 x 0.2) = 2nd and the ceil(10 x 0.8) = 8th smallest error.
  const Interval i = f.interval(kT0 + 1800, 60);
  EXPECT_DOUBLE_EQ(i.lower, 47);
  EXPECT_DOUBLE_EQ(i.upper, 53);
}

// 14 days at 1 minute: 20,160 points, reduced to 4,096 fitted rows; the choice runs on coarser rows.
TEST(Calibration, ALongSeriesIsCalibratedOnEveryFittedRowAtManyOrigins) {
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0, 1);
  std::vector<double> t, v, tt, tv;
  const int n = 14 * 1440, cut = n * 7 / 10;
  for (int i = 0; i < n; ++i) {
    const double d = i / 1440.0;
    (i < cut ? t : tt).push_back(kT0 + 60.0 * i);
    (i < cut ? v : tv).push_back(20 + 2 * d + noise(rng));
  }
  ForecastOptions o;
  o.horizon_days = (tt.back() - t.back()) / kDay;
  const Forecast f = forecast_series(t, v, o);
  EXPECT_EQ(f.fit_points, o.max_fit_points);
  EXPECT_EQ(f.backtest_origins, 12);
  const auto at = f.interval_method.find("refitted at ");
  ASSERT_NE(at, std::string::npos) << f.interval_method;
  EXPECT_GE(std::stoi(f.interval_method.substr(at + 12)), 40) << f.interval_method;
  EXPECT_EQ(f.model.kind, ModelKind::linear) << f.reason;
  EXPECT_NEAR(f.predict(tt.back()), 20 + 2 * 14, 1) << f.model.name();
  int in80 = 0;
  for (std::size_t i = 0; i < tt.size(); ++i) {
    const Interval a = f.interval(tt[i], 80);
    in80 += a.lower <= tv[i] && tv[i] <= a.upper;
  }
  // Against the raw 1-minute points, not the bucket medians (whose errors are smaller: 58 % when used).
  EXPECT_NEAR(100.0 * in80 / static_cast<double>(tt.size()), 80, 8);
}

// A walk that drifted up for days and then turned: a line fitted to the whole history wins the early folds
// by a lot, but the recent folds contradict it, and the forecast must not continue the old climb.
TEST(Calibration, AWalkThatDriftedThenTurnedDoesNotFollowTheOldTrend) {
  for (unsigned seed = 1; seed <= 3; ++seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> step(0, 0.05);
    std::vector<double> t, v;
    double x = 30;
    const int n = 10 * 288, turn = n * 3 / 4;  // 10 days of history, turning after 7.5 days
    for (int i = 0; i < n; ++i) {
      x += (i < turn ? 0.02 : -0.02) + step(rng);
      t.push_back(kT0 + 300.0 * i);
      v.push_back(x);
    }
    ForecastOptions o;
    o.horizon_days = 4;
    const Forecast f = forecast_series(t, v, o);
    // The old climb would put the level 4 days on about 11.5 above today's; anything but a level or the
    // last value must at least not climb.
    EXPECT_LE(f.predict(t.back() + 4 * kDay), v.back() + 2) << seed << ": " << f.model.name() << ": " << f.reason;
  }
}

}  // namespace
}  // namespace perfval::capacity
