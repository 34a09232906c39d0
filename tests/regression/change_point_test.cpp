// Tests of E-divisive change-point detection: planted shifts are found at the right index, noise gives none.
#include "perfval/regression/change_point.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace perfval::regression {
namespace {

std::vector<double> noise(std::size_t n, double mu, double sd, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> dist(mu, sd);
  std::vector<double> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

TEST(EDivisiveStatistic, MatchesHandComputedValue) {
  // Series {0, 0, 1, 1} split at 2: between mean |x - y| = 1, within-side means 0, so
  // Q = (2*2/4) * (2*1 - 0 - 0) = 2 (derived by hand from the definition).
  EXPECT_DOUBLE_EQ(e_divisive_statistic({0, 0, 1, 1}, 0, 4, 2), 2.0);
  // Split at 1: left {0}, right {0, 1, 1}: between mean 2/3, right within mean (1 + 1 + 0)/3 = 2/3,
  // Q = (1*3/4) * (4/3 - 0 - 2/3) = 0.5.
  EXPECT_DOUBLE_EQ(e_divisive_statistic({0, 0, 1, 1}, 0, 4, 1), 0.5);
}

TEST(EDivisive, FindsPlantedShiftAtTheRightIndex) {
  // 30 weeks around 100 with sd 2, then 20 weeks around 110: the shift begins at index 30.
  std::vector<double> series = noise(30, 100, 2, 7);
  const std::vector<double> after = noise(20, 110, 2, 8);
  series.insert(series.end(), after.begin(), after.end());
  const auto cps = e_divisive(series);
  ASSERT_EQ(cps.size(), 1u);
  EXPECT_EQ(cps[0].index, 30u);
  EXPECT_LT(cps[0].p_value, 0.05);
  EXPECT_NEAR(cps[0].mean_before, 100, 1.5);
  EXPECT_NEAR(cps[0].mean_after, 110, 1.5);
}

TEST(EDivisive, FindsTwoShifts) {
  std::vector<double> series = noise(15, 50, 1, 1);
  for (double v : noise(15, 60, 1, 2)) series.push_back(v);
  for (double v : noise(15, 45, 1, 3)) series.push_back(v);
  // Each further split is tested at alpha, so a third, spurious split is possible at 0.05; real shifts of
  // ten standard deviations reach the smallest p-value 1/(permutations+1), well below 0.01.
  ChangePointOptions options;
  options.alpha = 0.01;
  const auto cps = e_divisive(series, options);
  ASSERT_EQ(cps.size(), 2u);
  EXPECT_EQ(cps[0].index, 15u);
  EXPECT_EQ(cps[1].index, 30u);
}

TEST(EDivisive, FindsNoShiftInPureNoise) {
  // Several independent noise series: a 5 % test may rarely fire, so count over ten of them.
  int with_change = 0;
  for (std::uint64_t seed = 100; seed < 110; ++seed)
    if (!e_divisive(noise(40, 100, 5, seed)).empty()) ++with_change;
  EXPECT_LE(with_change, 1);
}

TEST(EDivisive, ConstantAndShortSeriesHaveNoChangePoint) {
  EXPECT_TRUE(e_divisive(std::vector<double>(20, 3.0)).empty());
  EXPECT_TRUE(e_divisive({1, 2, 30, 40}).empty());  // shorter than two minimum segments
  EXPECT_TRUE(e_divisive({}).empty());
}

TEST(EDivisive, SameInputGivesSameAnswer) {
  std::vector<double> series = noise(20, 10, 1, 5);
  for (double v : noise(20, 13, 1, 6)) series.push_back(v);
  const auto a = e_divisive(series), b = e_divisive(series);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].p_value, b[i].p_value);
}

}  // namespace
}  // namespace perfval::regression
