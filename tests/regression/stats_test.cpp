// Tests of the Mann-Whitney U test and sample summaries against values worked out by hand.
#include "perfval/regression/stats.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

namespace perfval::regression {
namespace {

// Two-sided p by brute force: every way of choosing which pooled values belong to x (an independent check
// of the exact distribution, valid for tie-free samples).
double brute_force_p(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<double> pooled = x;
  pooled.insert(pooled.end(), y.begin(), y.end());
  const std::size_t n = pooled.size(), n1 = x.size();
  const double observed = mann_whitney_u(x, y).u;
  std::vector<int> pick(n, 0);
  std::fill(pick.begin(), pick.begin() + static_cast<std::ptrdiff_t>(n1), 1);
  std::sort(pick.begin(), pick.end());
  double total = 0, extreme = 0;
  do {
    std::vector<double> a, b;
    for (std::size_t i = 0; i < n; ++i) (pick[i] ? a : b).push_back(pooled[i]);
    double u1 = 0;
    for (double va : a)
      for (double vb : b) u1 += va > vb ? 1.0 : 0.0;
    const double u = std::min(u1, static_cast<double>(a.size() * b.size()) - u1);
    total += 1;
    if (u <= observed) extreme += 1;
  } while (std::next_permutation(pick.begin(), pick.end()));
  return std::min(1.0, extreme / total);
}

TEST(Summaries, MeanMedianStddevCv) {
  const std::vector<double> xs{2, 4, 4, 4, 5, 5, 7, 9};
  EXPECT_DOUBLE_EQ(mean(xs), 5.0);
  EXPECT_DOUBLE_EQ(median(xs), 4.5);
  // Sum of squared deviations is 32 (the classic population-sd-2 example); sample sd = sqrt(32/7).
  EXPECT_NEAR(stddev(xs), std::sqrt(32.0 / 7.0), 1e-12);
  EXPECT_NEAR(coefficient_of_variation(xs), std::sqrt(32.0 / 7.0) / 5.0, 1e-12);
  EXPECT_EQ(median({3, 1, 2}), 2);
  EXPECT_EQ(stddev({1}), 0);
  EXPECT_EQ(mean({}), 0);
}

TEST(FDistribution, KnownQuantiles) {
  // Tables of the F distribution (and scipy.stats.f.ppf): the design effect divides by its median.
  EXPECT_NEAR(f_quantile(0.5, 1, 8), 0.4990, 1e-3);
  EXPECT_NEAR(f_quantile(0.95, 1, 8), 5.3177, 1e-3);
  EXPECT_NEAR(f_quantile(0.95, 4, 20), 2.8661, 1e-3);
  EXPECT_NEAR(f_cdf(f_quantile(0.3, 3, 12), 3, 12), 0.3, 1e-9);
  EXPECT_EQ(f_cdf(0, 2, 5), 0);
}

TEST(IncompleteBeta, ClosedFormsOnBothSidesOfItsSymmetrySwitch) {
  // The t, F and change-point p-values all come from I_x(a, b): I_x(a, 1) = x^a, I_x(1, b) = 1 - (1 - x)^b,
  // I_1/2(a, a) = 1/2, at x below and above (a + 1) / (a + b + 2), where it switches to I_{1-x}(b, a).
  for (double x : {0.05, 0.3, 0.7, 0.95}) {
    EXPECT_NEAR(incomplete_beta(x, 3, 1), std::pow(x, 3), 1e-12) << x;
    EXPECT_NEAR(incomplete_beta(x, 1, 4.5), 1 - std::pow(1 - x, 4.5), 1e-12) << x;
  }
  EXPECT_NEAR(incomplete_beta(0.5, 7.5, 7.5), 0.5, 1e-12);
  EXPECT_EQ(incomplete_beta(0, 2, 3), 0);
  EXPECT_EQ(incomplete_beta(1, 2, 3), 1);
  // The two-sided t tail is twice one side of the cdf.
  EXPECT_NEAR(student_t_two_sided_p(2.262, 9), 2 * (1 - student_t_cdf(2.262, 9)), 1e-12);
  EXPECT_EQ(student_t_two_sided_p(INFINITY, 9), 0);
}

TEST(NormalCdf, KnownQuantiles) {
  // Standard normal table: Phi(0) = 0.5, Phi(1.96) = 0.9750, Phi(-1) = 0.1587.
  EXPECT_NEAR(normal_cdf(0), 0.5, 1e-12);
  EXPECT_NEAR(normal_cdf(1.96), 0.9750, 1e-4);
  EXPECT_NEAR(normal_cdf(-1), 0.1587, 1e-4);
}

TEST(MannWhitney, CompleteSeparationSmallSamplesIsExact) {
  // x entirely below y: U = 0. Of C(6,3) = 20 equally likely arrangements only one gives U = 0 and one
  // gives U = 9, so the exact two-sided p = 2/20 = 0.1 (derived by hand).
  const auto r = mann_whitney_u({1, 2, 3}, {4, 5, 6});
  EXPECT_TRUE(r.exact);
  EXPECT_FALSE(r.ties);
  EXPECT_DOUBLE_EQ(r.u1, 0);
  EXPECT_DOUBLE_EQ(r.u2, 9);
  EXPECT_DOUBLE_EQ(r.u, 0);
  EXPECT_NEAR(r.p_value, 0.1, 1e-12);
}

TEST(MannWhitney, ExactPMatchesEnumerationAndTextbookTable) {
  // x = {1.1, 3.5, 4.2, 7.7}, y = {2.0, 5.3, 6.1, 8.4, 9.0}: x beats y in 0 + 1 + 1 + 3 = 5 pairs, so U = 5.
  // Critical-value tables for n1 = 4, n2 = 5 give U <= 1 as the two-sided 5 % region, so p must exceed 0.05.
  // Exact: arrangements with U = u are partitions of u into at most 4 parts of at most 5; for u = 0..5 there
  // are 1, 1, 2, 3, 5, 6 (derived by hand), so P(U <= 5) = 18/126 and the two-sided p = 36/126 = 0.2857.
  const std::vector<double> x{1.1, 3.5, 4.2, 7.7}, y{2.0, 5.3, 6.1, 8.4, 9.0};
  const auto r = mann_whitney_u(x, y);
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.u1, 5);
  EXPECT_DOUBLE_EQ(r.u, 5);
  EXPECT_NEAR(r.p_value, brute_force_p(x, y), 1e-12);
  EXPECT_NEAR(r.p_value, 36.0 / 126.0, 1e-12);
}

TEST(MannWhitney, ExactAgreesWithBruteForceOnSeveralShapes) {
  const std::vector<std::pair<std::vector<double>, std::vector<double>>> cases{
      {{1, 5, 9}, {2, 3, 4, 6, 7}},
      {{10, 20, 30, 40, 50}, {11, 12, 13, 14, 15}},
      {{0.5}, {0.1, 0.2, 0.3, 0.4, 0.6}},
      {{3, 8, 1, 9, 4, 7}, {2, 6, 5, 10, 11, 12}}};
  for (const auto& [x, y] : cases) {
    const auto r = mann_whitney_u(x, y);
    ASSERT_TRUE(r.exact);
    EXPECT_NEAR(r.p_value, brute_force_p(x, y), 1e-12);
  }
}

TEST(MannWhitney, TiesUseMidranksAndTieCorrectedNormalApproximation) {
  // Worked by hand. Pooled, sorted: 1x 2x 2x 2y 3x 3y 4y 5y. Midranks: 1 -> 1; the three 2s share ranks
  // 2..4 -> 3; the two 3s share 5..6 -> 5.5; 4 -> 7; 5 -> 8. R_x = 1 + 3 + 3 + 5.5 = 12.5,
  // U_x = 12.5 - 4*5/2 = 2.5. Mean n1 n2 / 2 = 8. Tie-corrected variance:
  // n1 n2 / 12 * ((n + 1) - sum(t^3 - t) / (n (n - 1))) = 16/12 * (9 - (24 + 6) / 56) = 11.285714.
  // z = -(|2.5 - 8| - 0.5) / sqrt(11.285714) = -1.488351; p = 2 * (1 - Phi(1.488351)) = 0.13667.
  const auto r = mann_whitney_u({1, 2, 2, 3}, {2, 3, 4, 5});
  EXPECT_TRUE(r.ties);
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.u1, 2.5);
  EXPECT_DOUBLE_EQ(r.u2, 13.5);
  EXPECT_NEAR(r.z, -1.488351, 1e-6);
  EXPECT_NEAR(r.p_value, 0.13667, 1e-4);
}

TEST(MannWhitney, LargeSamplesUseNormalApproximation) {
  // x = 1..25, y = 26..50 (no ties, above the exact limit): U = 0, mean 312.5, variance 25*25*51/12
  // = 2656.25 (sd 51.5388); z = -(312.5 - 0.5) / 51.5388 = -6.0536; p = 2 * Phi(-6.0536) = 1.42e-9.
  std::vector<double> x, y;
  for (int i = 1; i <= 25; ++i) x.push_back(i), y.push_back(i + 25);
  const auto r = mann_whitney_u(x, y);
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.u, 0);
  EXPECT_NEAR(r.z, -6.0536, 1e-3);
  EXPECT_NEAR(r.p_value, 1.42e-9, 0.02e-9);
}

TEST(MannWhitney, IdenticalSamplesAreNotSignificant) {
  const auto r = mann_whitney_u({5, 5, 5}, {5, 5, 5});
  EXPECT_DOUBLE_EQ(r.u1, 4.5);
  EXPECT_DOUBLE_EQ(r.p_value, 1.0);
  const auto same = mann_whitney_u({1, 2, 3, 4}, {1.5, 2.5, 3.5, 4.5});
  EXPECT_GT(same.p_value, 0.5);
}

TEST(MannWhitney, DirectionOfU1FollowsFirstSample) {
  const auto r = mann_whitney_u({4, 5, 6}, {1, 2, 3});
  EXPECT_DOUBLE_EQ(r.u1, 9);
  EXPECT_DOUBLE_EQ(r.u, 0);
}

TEST(MannWhitney, EmptySampleIsRejected) {
  EXPECT_THROW(mann_whitney_u({}, {1.0}), std::invalid_argument);
}

}  // namespace
}  // namespace perfval::regression

namespace perfval::regression {
namespace {

TEST(NormalQuantile, InvertsTheCdf) {
  EXPECT_NEAR(normal_quantile(0.975), 1.959964, 1e-6);  // standard table value
  EXPECT_NEAR(normal_quantile(0.5), 0.0, 1e-9);
  EXPECT_NEAR(normal_cdf(normal_quantile(0.01)), 0.01, 1e-9);
}

TEST(ShiftInterval, ExactOrderStatisticsOnAHandWorkedExample) {
  // x = {0..4}, y = {10..14}: the 25 differences y - x are 10 + (j - i), i.e. 6 once, 7 twice, 8 three
  // times, 9 four, 10 five, 11 four, 12 three, 13 twice, 14 once; the median (Hodges-Lehmann) is 10.
  // For n1 = n2 = 5 the U counts for u = 0..3 are 1, 1, 2, 3 of C(10,5) = 252, so 2 P(U <= 2) = 8/252 <= 0.05
  // but 2 P(U <= 3) = 14/252 > 0.05: cut c = 3, interval [D(3), D(23)] = [7, 13], coverage 1 - 8/252.
  const auto r = shift_interval({0, 1, 2, 3, 4}, {10, 11, 12, 13, 14}, 0.05);
  EXPECT_DOUBLE_EQ(r.estimate, 10);
  EXPECT_DOUBLE_EQ(r.lower, 7);
  EXPECT_DOUBLE_EQ(r.upper, 13);
  EXPECT_NEAR(r.confidence, 1 - 8.0 / 252.0, 1e-12);
}

TEST(ShiftInterval, TooFewValuesGiveTheFullRange) {
  // n1 = n2 = 3: even U = 0 has two-sided probability 0.1 > 0.05, so no difference can be cut.
  const auto r = shift_interval({1, 2, 3}, {4, 5, 6}, 0.05);
  EXPECT_DOUBLE_EQ(r.lower, 1);
  EXPECT_DOUBLE_EQ(r.upper, 5);
  EXPECT_DOUBLE_EQ(r.estimate, 3);
}

TEST(ShiftInterval, LargeSamplesCoverTheTrueShift) {
  // 30 vs 30 values on a grid, shifted by exactly 5: the interval must contain 5 and be narrower than the range.
  std::vector<double> x, y;
  for (int i = 0; i < 30; ++i) x.push_back(i * 0.7), y.push_back(i * 0.7 + 5);
  const auto r = shift_interval(x, y, 0.05);
  EXPECT_DOUBLE_EQ(r.estimate, 5);
  EXPECT_LT(r.lower, 5);
  EXPECT_GT(r.upper, 5);
  EXPECT_GT(r.lower, -20.3 + 5);
}

}  // namespace
}  // namespace perfval::regression
