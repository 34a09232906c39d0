// Tests of change-point detection: steps are found where they begin with the levels of their own segments;
// spikes, noise and steady trends give none; the segment tests behind significance match known values.
#include "perfval/regression/change_point.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "perfval/regression/segment_tests.hpp"

namespace perfval::regression {
namespace {

// Levels with multiplicative noise: each value is level * (1 + u), u uniform in [-spread, spread].
std::vector<double> levels(const std::vector<std::pair<std::size_t, double>>& runs, double spread, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-spread, spread);
  std::vector<double> v;
  for (const auto& [count, level] : runs)
    for (std::size_t i = 0; i < count; ++i) v.push_back(level * (1 + u(rng)));
  return v;
}

TEST(SegmentTests, StudentTailMatchesTables) {
  // Two-sided critical values from standard t tables: t(0.975, 10) = 2.228, t(0.995, 30) = 2.750.
  EXPECT_NEAR(student_t_two_sided_p(2.228, 10), 0.05, 5e-4);
  EXPECT_NEAR(student_t_two_sided_p(-2.750, 30), 0.01, 1e-4);
  EXPECT_DOUBLE_EQ(student_t_two_sided_p(0, 5), 1.0);
  // One degree of freedom is the Cauchy distribution: P(|T| >= 1) = 1/2 exactly.
  EXPECT_NEAR(student_t_two_sided_p(1, 1), 0.5, 1e-12);
}

TEST(SegmentTests, LineFitOfAnExactLine) {
  const std::vector<double> v{3, 5, 7, 9, 11};
  const auto f = fit_line(v, 0, v.size());
  EXPECT_NEAR(f.intercept, 3, 1e-12);
  EXPECT_NEAR(f.slope, 2, 1e-12);
  EXPECT_EQ(f.slope_p, 0);  // no residual at all: the slope is certain
}

TEST(SegmentTests, StepBeyondTrendSeparatesAStepFromALine) {
  std::vector<double> step(20, 100.0), line;
  for (std::size_t i = 10; i < 20; ++i) step[i] = 150;
  for (int i = 0; i < 20; ++i) line.push_back(100 + 2.5 * i + (i % 2 ? 0.5 : -0.5));
  const auto s = test_step(step, 0, 10, 20);
  EXPECT_EQ(s.t_test_p, 0);
  EXPECT_EQ(s.beyond_trend_p, 0);
  EXPECT_NEAR(s.step, 50, 1e-9);
  EXPECT_NEAR(s.level, 100, 1e-9);
  const auto l = test_step(line, 0, 10, 20);
  EXPECT_LT(l.t_test_p, 1e-6);       // the two halves of a line do differ in mean...
  EXPECT_GT(l.beyond_trend_p, 0.05);  // ...but a line explains them: no step
}

TEST(EDivisiveStatistic, MatchesHandComputedValue) {
  // Series {0, 0, 1, 1} split at 2: between mean |x - y| = 1, within-side means 0, so
  // Q = (2*2/4) * (2*1 - 0 - 0) = 2 (derived by hand from the definition).
  EXPECT_DOUBLE_EQ(e_divisive_statistic({0, 0, 1, 1}, 0, 4, 2), 2.0);
  EXPECT_DOUBLE_EQ(e_divisive_statistic({0, 0, 1, 1}, 0, 4, 1), 0.5);
}

TEST(ChangePoints, ThreeLevelsGiveTwoPointsWithTheirOwnSegmentMeans) {
  // 100, 150, 400 ms for 30 runs each: the latest change is 150 -> 400, not the mean of the first 60 runs.
  const auto series = levels({{30, 100}, {30, 150}, {30, 400}}, 0.02, 1);
  const auto cps = e_divisive(series);
  ASSERT_EQ(cps.size(), 2u);
  EXPECT_EQ(cps[0].index, 30u);
  EXPECT_EQ(cps[1].index, 60u);
  EXPECT_NEAR(cps[0].mean_before, 100, 1);
  EXPECT_NEAR(cps[0].mean_after, 150, 1.5);
  EXPECT_NEAR(cps[1].mean_before, 150, 1.5);
  EXPECT_NEAR(cps[1].mean_after, 400, 4);
  EXPECT_NEAR(cps[1].change_pct, 166.7, 3);
  EXPECT_LT(cps[1].p_value, 0.001);
}

TEST(ChangePoints, SingleSpikesDoNotSplit) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    auto series = levels({{90, 100}}, 0.02, seed);
    for (std::size_t i : {20u, 50u, 75u}) series[i] *= 2;
    EXPECT_TRUE(e_divisive(series).empty()) << "seed " << seed;
  }
}

TEST(ChangePoints, SteadyTrendIsADriftNotASplit) {
  for (double spread : {0.0, 0.02}) {
    std::mt19937_64 rng(3);
    std::uniform_real_distribution<double> u(-spread, spread);
    std::vector<double> series;
    for (int i = 0; i < 90; ++i) series.push_back(100 * std::pow(1.005, i) * (1 + u(rng)));
    const auto a = analyze_change_points(series);
    EXPECT_TRUE(a.change_points.empty()) << "spread " << spread;
    ASSERT_TRUE(a.drift) << "spread " << spread;
    EXPECT_EQ(a.drift->begin, 0u);
    EXPECT_NEAR(a.drift->slope_pct, 0.62, 0.1);  // 0.5 %/run compounding, relative to the fitted start
    EXPECT_GT(a.drift->total_change_pct, 45);
  }
}

TEST(ChangePoints, LongGrowthSeriesIsNotCutIntoPieces) {
  // The old detector cut a steady growth series of ~800 points into 131 segments.
  std::mt19937_64 rng(4);
  std::normal_distribution<double> noise(0, 1);
  std::vector<double> series;
  for (int i = 0; i < 800; ++i) series.push_back(100 + 0.1 * i + noise(rng));
  const auto a = analyze_change_points(series);
  EXPECT_LE(a.change_points.size(), 1u);
  EXPECT_TRUE(a.drift);
}

TEST(ChangePoints, NoiseAloneGivesNone) {
  int with_change = 0;
  for (std::uint64_t seed = 100; seed < 120; ++seed)
    if (!e_divisive(levels({{60, 100}}, 0.1, seed)).empty()) ++with_change;
  EXPECT_EQ(with_change, 0);
}

TEST(ChangePoints, SmallSignificantChangeBelowTheMagnitudeIsDropped) {
  // A clean 2 % step is significant, but below the default 5 % it is not reported; with 1 % it is.
  const auto series = levels({{40, 100}, {40, 102}}, 0.002, 9);
  EXPECT_TRUE(e_divisive(series).empty());
  ChangePointOptions fine;
  fine.min_magnitude_pct = 1;
  const auto cps = e_divisive(series, fine);
  ASSERT_EQ(cps.size(), 1u);
  EXPECT_EQ(cps[0].index, 40u);
}

TEST(ChangePoints, MinimumSegmentKeepsShortBurstsOut) {
  // Three slow runs in a row are shorter than the 5-run minimum segment on either side of a change.
  auto series = levels({{40, 100}, {3, 200}, {40, 100}}, 0.02, 11);
  EXPECT_TRUE(e_divisive(series).empty());
}

TEST(ChangePoints, ConstantAndShortSeriesHaveNone) {
  EXPECT_TRUE(e_divisive(std::vector<double>(20, 3.0)).empty());
  EXPECT_TRUE(e_divisive({1, 2, 30, 40}).empty());  // shorter than two minimum segments
  EXPECT_TRUE(e_divisive({}).empty());
  EXPECT_FALSE(analyze_change_points({}).drift);
}

TEST(ChangePoints, SameInputSameAnswer) {
  const auto series = levels({{25, 10}, {25, 13}}, 0.05, 5);
  const auto a = e_divisive(series), b = e_divisive(series);
  ASSERT_EQ(a.size(), b.size());
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].index, b[0].index);
  EXPECT_EQ(a[0].p_value, b[0].p_value);
}

}  // namespace
}  // namespace perfval::regression
