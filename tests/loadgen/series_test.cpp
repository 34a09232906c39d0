// Tests for the coordinator's compact 1-second series and the per-window histograms.
#include "perfval/loadgen/series.hpp"

#include <gtest/gtest.h>

namespace perfval::loadgen {
namespace {

// A delta of `n` requests of `micros` each for request 0 (of 2).
Stats delta(std::uint64_t n, std::int64_t micros, std::uint64_t failed = 0) {
  Stats s(2);
  s.by_request[0].requests = n;
  s.by_request[0].failed = failed;
  s.by_request[0].duration.record(micros, static_cast<std::int64_t>(n));
  s.iterations = n;
  return s;
}

Gauges vus(std::int64_t active, std::int64_t allocated) { return Gauges{active, allocated, active}; }

TEST(IntervalSeries, SecondClosesOnceEveryRunningWorkerReportedIt) {
  IntervalSeries series(2);
  series.add(0, 1, delta(100, 1000), vus(5, 5), false);
  EXPECT_TRUE(series.points().empty()) << "worker 1 has not reported second 1";
  series.add(1, 1, delta(50, 3000, 5), vus(5, 5), false);
  ASSERT_EQ(series.points().size(), 1U);
  const IntervalSample& s = series.points()[0];
  EXPECT_EQ(s.requests, 150U);
  EXPECT_EQ(s.errors, 5U);
  EXPECT_EQ(s.vus, 10);
  EXPECT_NEAR(s.p50, 1.0, 0.01);   // 100 of 150 requests took 1 ms
  EXPECT_NEAR(s.p99, 3.0, 0.01);
  EXPECT_EQ(series.open_seconds(), 0U);
}

TEST(IntervalSeries, MemoryDoesNotGrowWithRunLengthBeyondOnePointPerSecond) {
  IntervalSeries series(2);
  for (int n = 1; n <= 3600; ++n) {
    series.add(0, n, delta(10, 500 + n), vus(3, 3), false);
    series.add(1, n, delta(10, 700), vus(3, 3), false);
    ASSERT_LE(series.open_seconds(), 1U);
  }
  EXPECT_EQ(series.points().size(), 3600U);
  EXPECT_LE(sizeof(IntervalSample), 160U) << "one compact point per second";
}

TEST(IntervalSeries, AFinishedWorkerDoesNotHoldSecondsOpen) {
  IntervalSeries series(2);
  series.add(0, 1, delta(10, 1000), vus(2, 2), false);
  series.add(1, 1, delta(10, 1000), vus(2, 2), true);  // worker 1 is done after second 1
  series.add(0, 2, delta(10, 1000), vus(2, 2), false);
  ASSERT_EQ(series.points().size(), 2U);
  EXPECT_EQ(series.points()[1].requests, 10U);
}

TEST(IntervalSeries, GaugesAreLatestValuesNotSums) {
  // Five VUs for ten seconds are five VUs, not fifty: the series and current() read the gauges as they are.
  IntervalSeries series(1);
  for (int n = 1; n <= 10; ++n) series.add(0, n, delta(5, 1000), vus(5, 7), false);
  EXPECT_EQ(series.current().vus, 5);
  EXPECT_EQ(series.vus_max(), 7);
  for (const auto& p : series.points()) EXPECT_EQ(p.vus, 5);
}

TEST(IntervalSeries, TheLastSecondKeepsTheVusItRanWith) {
  IntervalSeries series(2);
  series.add(0, 1, delta(5, 1000), vus(2, 2), false);
  series.add(1, 1, delta(5, 1000), vus(1, 1), false);
  series.add(0, 2, delta(5, 1000), vus(0, 2), true);  // both end during second 2, after full seconds of work
  series.add(1, 2, delta(5, 1000), vus(0, 1), true);
  series.finish(2.0);
  ASSERT_EQ(series.points().size(), 2U);
  EXPECT_EQ(series.points()[1].vus, 3);
  EXPECT_DOUBLE_EQ(series.points()[1].length, 1.0);
  EXPECT_EQ(series.current().vus, 0) << "the current value is what the workers last said";
}

TEST(IntervalSeries, AnEmptySliverAtTheEndJoinsTheSecondBefore) {
  IntervalSeries series(2);
  series.add(0, 1, delta(5, 1000), vus(2, 2), false);
  series.add(1, 1, delta(5, 1000), vus(1, 1), false);
  series.add(1, 2, Stats(2), vus(0, 1), true);  // both final snapshots come just after 1 s, with nothing new
  series.add(0, 2, Stats(2), vus(0, 2), true);
  series.finish(1.0004);
  ASSERT_EQ(series.points().size(), 1U);
  EXPECT_DOUBLE_EQ(series.points()[0].t, 1.0004);
  EXPECT_NEAR(series.points()[0].length, 1.0004, 1e-12);
  EXPECT_EQ(series.points()[0].vus, 3);
}

TEST(IntervalSeries, FinishShortensThePartialLastSecondAndKeepsItsVus) {
  IntervalSeries series(1);
  series.add(0, 1, delta(5, 1000), vus(4, 4), false);
  series.add(0, 2, delta(2, 1000), vus(0, 4), true);  // final snapshot: iterations over, 0 active
  series.finish(1.5);
  ASSERT_EQ(series.points().size(), 2U);
  EXPECT_DOUBLE_EQ(series.points()[1].t, 1.5);
  EXPECT_DOUBLE_EQ(series.points()[1].length, 0.5);
  EXPECT_EQ(series.points()[1].vus, 4);
  EXPECT_DOUBLE_EQ(series.points()[1].rps(), 4.0);
}

TEST(StatsWindows, AWindowHoldsExactlyTheSecondsItSpans) {
  StatsWindows windows({{"ramp", 1, 2}, {"plateau", 3, 5}}, 2);
  Histogram plateau;
  for (int n = 1; n <= 6; ++n) {
    const Stats d = delta(10, 100 * n);
    windows.add(n, d);
    if (n >= 3 && n <= 5) plateau += d.by_request[0].duration;
  }
  const auto& w = windows.windows();
  ASSERT_EQ(w.size(), 2U);
  EXPECT_EQ(w[0].stats.by_request[0].requests, 20U);
  EXPECT_EQ(w[1].stats.by_request[0].requests, 30U);
  EXPECT_EQ(w[1].stats.by_request[0].duration, plateau);
  EXPECT_EQ(w[1].window.name, "plateau");
}

}  // namespace
}  // namespace perfval::loadgen
