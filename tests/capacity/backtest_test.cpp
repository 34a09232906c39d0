// Tests of src/capacity/backtest.cpp and forecast.cpp's choice: intervals calibrated on backtest errors cover
// what they claim, forecasts stay within the metric's bounds, and the simplest adequate model is chosen.
#include <gtest/gtest.h>

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

struct Split {
  std::vector<double> t, v;    // history: the first 70 %
  std::vector<double> tt, tv;  // the held-out rest
};

// 14 days at 5 minutes of f(day, rng), split 70/30 like the scoring script.
Split make(const std::function<double(double, std::mt19937&)>& f, unsigned seed) {
  std::mt19937 rng(seed);
  Split s;
  const int n = 14 * 288, cut = n * 7 / 10;
  for (int i = 0; i < n; ++i) {
    const double t = kT0 + 300.0 * i, v = f(i / 288.0, rng);
    (i < cut ? s.t : s.tt).push_back(t);
    (i < cut ? s.v : s.tv).push_back(v);
  }
  return s;
}

Forecast fit(const Split& s) {
  ForecastOptions o;
  o.horizon_days = (s.tt.back() - s.t.back()) / kDay;
  o.upper_bound = 100;
  return forecast_series(s.t, s.v, o);
}

bool naive_family(ModelKind k) { return k == ModelKind::naive || k == ModelKind::level || k == ModelKind::drift; }

// Pooled over 12 simulated noisy series with a slowly wandering level, the intervals hold about what they say.
TEST(Backtest, ConformalIntervalsCoverWhatTheyClaimOnSimulatedSeries) {
  double in80 = 0, in95 = 0, points = 0;
  for (unsigned seed = 1; seed <= 12; ++seed) {
    double wander = 0;
    const Split s = make(
        [&](double d, std::mt19937& rng) {
          std::normal_distribution<double> n(0, 1);
          wander = 0.995 * wander + 0.05 * n(rng);
          return std::max(0.0, 30 + 4 * std::sin(2 * kPi * d) + wander + 2 * n(rng));
        },
        seed);
    const Forecast f = fit(s);
    EXPECT_EQ(f.method, "backtest");
    EXPECT_NE(f.interval_method.find("split-conformal"), std::string::npos) << f.interval_method;
    for (std::size_t i = 0; i < s.tt.size(); ++i) {
      const Interval a = f.interval(s.tt[i], 80), b = f.interval(s.tt[i], 95);
      in80 += a.lower <= s.tv[i] && s.tv[i] <= a.upper;
      in95 += b.lower <= s.tv[i] && s.tv[i] <= b.upper;
      points += 1;
    }
  }
  // The targets, 75-88 % and 90-99 % (79.6 % and 95.2 % when written), for 12 series whose errors are
  // correlated in time.
  EXPECT_GT(in80 / points * 100, 75);
  EXPECT_LT(in80 / points * 100, 88);
  EXPECT_GT(in95 / points * 100, 90);
  EXPECT_LT(in95 / points * 100, 99);
}

TEST(Backtest, PercentForecastsAndIntervalsStayWithinTheBounds) {
  const Split up = make([](double d, std::mt19937& rng) { return std::min(100.0, 70 + 3 * d + std::normal_distribution<double>(0, 2)(rng)); }, 3);
  const Split down = make([](double d, std::mt19937& rng) { return std::max(0.0, 30 - 3 * d + std::normal_distribution<double>(0, 2)(rng)); }, 4);
  for (const Split* s : {&up, &down}) {
    const Forecast f = fit(*s);
    for (double ahead = 0; ahead <= 30; ahead += 0.5) {
      const double at = s->t.back() + ahead * kDay;
      EXPECT_GE(f.predict(at), 0);
      EXPECT_LE(f.predict(at), 100);
      for (double level : {80.0, 95.0}) {
        const Interval i = f.interval(at, level);
        EXPECT_GE(i.lower, 0) << f.model.name();
        EXPECT_LE(i.upper, 100) << f.model.name();
        EXPECT_LE(i.lower, i.upper);
      }
    }
  }
}

TEST(Backtest, RandomWalksChooseANaiveFamilyModel) {
  int naive = 0;
  for (unsigned seed = 1; seed <= 12; ++seed) {
    double x = 50;
    const Split s = make([&](double, std::mt19937& rng) { return x += std::normal_distribution<double>(0, 0.3)(rng); }, seed);
    const Forecast f = fit(s);
    naive += naive_family(f.model.kind);
  }
  // A random walk sometimes wanders in one direction for days, and a trend then wins the backtest fairly;
  // two in three must still stay with the naive family.
  EXPECT_GE(naive, 8);
}

TEST(Backtest, ExponentialGrowthDoesNotChooseANaiveModel) {
  const Split s = make([](double d, std::mt19937& rng) { return 10 * std::exp(0.08 * d) * (1 + 0.03 * std::normal_distribution<double>(0, 1)(rng)); }, 2);
  const Forecast f = fit(s);
  EXPECT_FALSE(naive_family(f.model.kind)) << f.model.name();
  EXPECT_LT(f.backtest_vs_naive, 0.5) << f.reason;
  EXPECT_NE(f.reason.find("better than assuming no change"), std::string::npos) << f.reason;
}

TEST(Backtest, FlatNoiseChoosesALevelAndBeatsTheLastValue) {
  const Split s = make([](double, std::mt19937& rng) { return 25 + 3 * std::normal_distribution<double>(0, 1)(rng); }, 9);
  const Forecast f = fit(s);
  EXPECT_EQ(f.model.kind, ModelKind::level) << f.reason;
  EXPECT_LT(f.backtest_vs_naive, 0.9) << f.reason;
  EXPECT_NEAR(f.predict(s.tt.back()), 25, 0.5);
  EXPECT_GE(f.candidates.size(), 8u);  // the backtest table holds every candidate
}

TEST(Backtest, ALevelShiftStartsTheWindowAfterIt) {
  const Split s = make([](double d, std::mt19937& rng) { return (d < 7 ? 30 : 50) + 2 * std::normal_distribution<double>(0, 1)(rng); }, 5);
  const Forecast f = fit(s);
  // At the new level (within the noise, sd 2), not at a mix of the two, and fitted only on data after the shift.
  EXPECT_NEAR(f.predict(s.tt.back()), 50, 5) << f.model.name() << ": " << f.reason;
  EXPECT_GE(f.model.t_from, kT0 + 6.5 * kDay) << f.model.name();
}

TEST(Backtest, AHorizonOfMinutesIsStillBacktestedAndSaysWhyNotWhenItCannotBe) {
  Split s = make([](double d, std::mt19937& rng) { return 40 + d + std::normal_distribution<double>(0, 1)(rng); }, 6);
  ForecastOptions o;
  o.horizon_days = 10.0 / 1440;  // 10 minutes
  const Forecast f = forecast_series(s.t, s.v, o);
  EXPECT_EQ(f.method, "backtest") << f.reason;
  EXPECT_GT(f.backtest_horizon_days * kDay, 10 * 60 - 1);
  s.t.resize(20);
  s.v.resize(20);
  const Forecast short_history = forecast_series(s.t, s.v, o);
  EXPECT_EQ(short_history.method, "naive");
  EXPECT_NE(short_history.reason.find("20 points are too few for a backtest"), std::string::npos) << short_history.reason;
}

}  // namespace
}  // namespace perfval::capacity
