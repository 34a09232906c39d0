// The run-level noise model: run locations, the machine's shift from the controls, run-to-run spread over a
// history, the noise of a difference, the three-way call, and the paired test of interleaved A/B rounds.
#include "perfval/regression/noise.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "perfval/regression/ab.hpp"
#include "perfval/regression/stats.hpp"

namespace perfval::regression {
namespace {

TEST(Noise, LocationIsTheLogMedianWithARobustSpread) {
  const auto loc = locate({100, 102, 98, 250, 101}, 0);  // one slow repetition does not move it
  ASSERT_TRUE(loc);
  EXPECT_NEAR(loc->log_value, std::log(101.0), 1e-12);
  EXPECT_LT(loc->log_spread, 0.03);
  EXPECT_EQ(loc->n, 5u);
  const auto single = locate({}, 40);
  ASSERT_TRUE(single);
  EXPECT_EQ(single->n, 1u);
  EXPECT_EQ(single->log_spread, 0);
  EXPECT_FALSE(locate({}, 0));        // a zero error rate has no log
  EXPECT_FALSE(locate({1, -1}, 0));
}

TEST(Noise, MachineShiftIsTheMedianControlAndSaysSo) {
  std::map<std::string, RunLocation> prev, cur;
  prev["control/cpu"] = {std::log(10.0), 0, 5};
  prev["control/memory"] = {std::log(100.0), 0, 5};
  prev["control/syscall"] = {std::log(50.0), 0, 5};
  cur["control/cpu"] = {std::log(12.3), 0, 5};      // +23 %
  cur["control/memory"] = {std::log(130.0), 0, 5};  // +30 %
  cur["control/syscall"] = {std::log(60.0), 0, 5};  // +20 %
  const MachineShift s = machine_shift(prev, cur);
  ASSERT_TRUE(s.measured());
  EXPECT_NEAR(log_to_pct(s.log_shift), 23, 1e-9);
  EXPECT_NEAR(s.disagreement, std::log(1.3) - std::log(1.23), 1e-12);
  EXPECT_NE(s.describe("wall-clock time").find("the current run's machine was 23% slower"), std::string::npos)
      << s.describe("wall-clock time");
  cur.erase("control/cpu");
  cur.erase("control/memory");
  cur.erase("control/syscall");
  EXPECT_FALSE(machine_shift(prev, cur).measured());
}

TEST(Noise, RunSpreadComesFromSuccessiveRunsAndIgnoresOneStep) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0, 0.05);
  std::vector<double> flat, stepped;
  for (int i = 0; i < 40; ++i) {
    const double e = noise(rng);
    flat.push_back(e);
    stepped.push_back(e + (i >= 20 ? std::log(2.0) : 0));  // the code got 2x slower half way
  }
  const double a = *run_spread(flat, 5), b = *run_spread(stepped, 5);
  EXPECT_NEAR(a, 0.05, 0.015);
  EXPECT_LT(b - a, 0.02);      // the step counts once, in one difference of 39
  EXPECT_GT(stddev(stepped), 0.3);  // the plain spread of the values would be dominated by it
  EXPECT_FALSE(run_spread({0.1, 0.2, 0.1, 0.2}, 5));
  EXPECT_NEAR(*run_spread({0, 0.1, 0, 0.1, 0}, 5), 0.1 * std::sqrt(std::acos(-1.0)) / 2, 1e-12);
}

TEST(Noise, DifferenceNoiseAddsRepetitionsAndRunLevelNoise) {
  const RunLocation a{0, 0.10, 5}, b{0, 0.10, 5};
  const double within = 1.253 * 0.10 * std::sqrt(2.0 / 5);
  EXPECT_NEAR(difference_noise(a, b, 0), within, 1e-12);
  EXPECT_NEAR(difference_noise(a, b, 0.05), std::sqrt(within * within + 2 * 0.05 * 0.05), 1e-12);
  const RunLocation single{0, 0, 1};
  EXPECT_NEAR(difference_noise(single, b, 0), 1.253 * 0.10 / std::sqrt(5.0), 1e-12);
  EXPECT_NEAR(difference_noise(single, single, 0.05), 0.05 * std::sqrt(2.0), 1e-12);
}

TEST(Noise, ThreeWayCallAgainstThresholdAndNoise) {
  EXPECT_EQ(call_change(std::log(1.05), 0.01, 10, 0.001).call, Call::unchanged);      // significant, but small
  EXPECT_EQ(call_change(std::log(1.30), 0.02, 10, 0.001).call, Call::regressed);      // z = 13
  EXPECT_EQ(call_change(std::log(1.30), 0.135, 10, 0.001).call, Call::inconclusive);  // z = 1.9
  EXPECT_EQ(call_change(-std::log(1.30), 0.02, 10, 0.001).call, Call::improved);
  const ChangeCall c = call_change(std::log(1.30), 0.135, 10, 0.001);
  EXPECT_NEAR(c.z, std::log(1.3) / 0.135, 1e-12);
  EXPECT_NEAR(c.p_value, 2 * (1 - normal_cdf(c.z)), 1e-12);
}

TEST(Noise, DetectableChangeIsWhereTheCallFlips) {
  // Threshold 10 %, noise 0.1, alpha 0.05: the noise decides (1.96 x 0.1 > log 1.1), and a change just beyond it
  // is called while one just inside is not.
  const ChangeCall wide = call_change(0, 0.1, 10, 0.05);
  EXPECT_NEAR(wide.detectable, 1.959964 * 0.1, 1e-5);
  EXPECT_EQ(call_change(wide.detectable * 1.01, 0.1, 10, 0.05).call, Call::regressed);
  EXPECT_EQ(call_change(wide.detectable * 0.99, 0.1, 10, 0.05).call, Call::inconclusive);
  // Little noise: the threshold decides.
  EXPECT_NEAR(call_change(0, 0.001, 10, 0.05).detectable, std::log(1.1), 1e-12);
  // With a t of 3 degrees of freedom the same noise needs a larger change (t(0.975, 3) = 3.182).
  EXPECT_NEAR(call_change(0, 0.1, 10, 0.05, 3).detectable, 0.3182, 2e-3);
}

TEST(Noise, StudentTMatchesTables) {
  EXPECT_NEAR(student_t_cdf(2.262, 9), 0.975, 5e-4);  // t(0.975, 9) = 2.262
  EXPECT_NEAR(student_t_cdf(-3.250, 9), 0.005, 5e-4);
  EXPECT_NEAR(student_t_cdf(1.96, 1e6), 0.975, 1e-4);
  EXPECT_NEAR(student_t_quantile(0.995, 9), 3.250, 2e-3);
  EXPECT_NEAR(student_t_cdf(0, 4), 0.5, 1e-12);
}

TEST(AbPairing, OrderAlternatesSoEachRoundSeesTheSameMachine) {
  EXPECT_EQ(std::string(ab_round_order(0)) + ab_round_order(1) + ab_round_order(2), "ABBAAB");
}

TEST(AbPairing, PairedTestOverRounds) {
  // Ten rounds in which B is 10 % slower than A with 2 % noise per round.
  std::vector<double> ratios;
  std::mt19937_64 rng(3);
  std::normal_distribution<double> within(0, 0.02);
  for (int r = 0; r < 10; ++r) ratios.push_back(std::log(1.10) + within(rng));
  const PairedChange c = paired_change(ratios);
  EXPECT_EQ(c.rounds, 10u);
  EXPECT_NEAR(c.mean, std::log(1.10), 0.02);
  EXPECT_LT(c.p_value, 1e-5);
  const PairedChange same = paired_change({0.01, -0.02, 0.015, -0.01, 0.0, 0.02, -0.015, 0.005});
  EXPECT_GT(same.p_value, 0.5);
  EXPECT_EQ(paired_change({0.1}).p_value, 1);  // one round: no test
}

}  // namespace
}  // namespace perfval::regression
