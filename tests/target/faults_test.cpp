// Tests of fault injection: error fraction converges, latency is added, stall holds are exact at window edges.
#include "perfval/target/faults.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>

namespace perfval::target {
namespace {

using std::chrono::milliseconds;

StallSpec stall(int length_ms, int period_ms) { return {milliseconds(length_ms), milliseconds(period_ms), ""}; }

TEST(StallHold, HoldsUntilTheWindowEndsAndIsExactAtEdges) {
  const StallSpec s = stall(500, 5000);
  EXPECT_EQ(stall_hold(s, milliseconds(0)), milliseconds(500));       // window opens at server start
  EXPECT_EQ(stall_hold(s, milliseconds(1)), milliseconds(499));
  EXPECT_EQ(stall_hold(s, milliseconds(499)), milliseconds(1));
  EXPECT_EQ(stall_hold(s, milliseconds(500)), milliseconds(0));       // window is half-open
  EXPECT_EQ(stall_hold(s, milliseconds(4999)), milliseconds(0));
  EXPECT_EQ(stall_hold(s, milliseconds(5000)), milliseconds(500));    // next period
  EXPECT_EQ(stall_hold(s, milliseconds(5250)), milliseconds(250));
  EXPECT_EQ(stall_hold(s, Nanos(milliseconds(5500)) - Nanos(1)), Nanos(1));
  EXPECT_EQ(stall_hold(s, milliseconds(12 * 5000 + 100)), milliseconds(400));
}

TEST(StallHold, DisabledStallNeverHolds) {
  EXPECT_EQ(stall_hold(StallSpec{}, milliseconds(0)), Nanos(0));
  EXPECT_EQ(stall_hold(StallSpec{}, milliseconds(123456)), Nanos(0));
}

double error_fraction(const Faults& f, int draws) {
  int errors = 0;
  for (int i = 0; i < draws; ++i) errors += f.decide(milliseconds(0)).error ? 1 : 0;
  return static_cast<double>(errors) / draws;
}

TEST(Faults, ErrorFractionIsWithinThreeSigmaOfTheRate) {
  for (double rate : {0.01, 0.1, 0.5}) {
    const Faults f(LatencySpec{}, rate, StallSpec{}, 42);
    const int n = 20000;
    const double sigma = std::sqrt(rate * (1 - rate) / n);
    EXPECT_NEAR(error_fraction(f, n), rate, 3 * sigma) << "rate " << rate;
  }
}

TEST(Faults, EveryThreadConvergesToTheRate) {
  const Faults f(LatencySpec{}, 0.2, StallSpec{}, 7);
  const int n = 20000;
  double fractions[2] = {0, 0};
  std::thread a([&] { fractions[0] = error_fraction(f, n); });
  std::thread b([&] { fractions[1] = error_fraction(f, n); });
  a.join();
  b.join();
  const double sigma = std::sqrt(0.2 * 0.8 / n);
  EXPECT_NEAR(fractions[0], 0.2, 3 * sigma);
  EXPECT_NEAR(fractions[1], 0.2, 3 * sigma);
  EXPECT_NE(fractions[0], fractions[1]) << "threads draw independent streams";
}

TEST(Faults, RatesZeroAndOneAreExact) {
  EXPECT_EQ(error_fraction(Faults(LatencySpec{}, 0.0, StallSpec{}, 1), 1000), 0.0);
  EXPECT_EQ(error_fraction(Faults(LatencySpec{}, 1.0, StallSpec{}, 1), 1000), 1.0);
  EXPECT_FALSE(Faults(LatencySpec{}, 0.0, StallSpec{}, 1).active());
}

TEST(Faults, LatencyIsAddedToEveryResponse) {
  const auto spec = parse_latency_spec("uniform:10ms-20ms");
  ASSERT_TRUE(spec);
  const Faults f(*spec, 0.0, StallSpec{}, 3);
  double sum = 0;
  for (int i = 0; i < 2000; ++i) {
    const FaultDecision d = f.decide(milliseconds(0));
    ASSERT_GE(d.delay, milliseconds(10));
    ASSERT_LE(d.delay, milliseconds(20));
    EXPECT_FALSE(d.error);
    sum += static_cast<double>(d.delay.count());
  }
  EXPECT_NEAR(sum / 2000 / 1e6, 15.0, 0.5);
}

TEST(Faults, StallAppliesWhereTheDelayedResponseLands) {
  const auto latency = parse_latency_spec("100ms");
  ASSERT_TRUE(latency);
  const Faults f(*latency, 0.0, stall(500, 5000), 3);
  // Ready at 4.95 s + 100 ms = 5.05 s, inside the window [5 s, 5.5 s): held until 5.5 s.
  EXPECT_EQ(f.decide(milliseconds(4950)).delay, milliseconds(550));
  // Ready at 1.1 s: outside any window, only the latency.
  EXPECT_EQ(f.decide(milliseconds(1000)).delay, milliseconds(100));
}

}  // namespace
}  // namespace perfval::target
