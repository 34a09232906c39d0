// Tests of the executor schedules: VUs over time for stages, arrival instants, and exact work shares.
#include "perfval/loadgen/schedule.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "perfval/common/error.hpp"

namespace {
using namespace perfval::loadgen;
using std::chrono::milliseconds;
using std::chrono::seconds;

ExecutorConfig ramping_vus(std::int64_t start, std::vector<Stage> stages) {
  ExecutorConfig c;
  c.kind = ExecutorKind::ramping_vus;
  c.start_vus = start;
  c.stages = std::move(stages);
  return c;
}

TEST(Schedule, RampingVusInterpolatesBetweenStages) {
  const auto c = ramping_vus(0, {{seconds(10), 100}, {seconds(10), 100}, {seconds(5), 0}});
  EXPECT_EQ(active_vus_at(c, seconds(0)), 0);
  EXPECT_EQ(active_vus_at(c, seconds(5)), 50);
  EXPECT_EQ(active_vus_at(c, milliseconds(2550)), 25);  // floor(25.5)
  EXPECT_EQ(active_vus_at(c, seconds(15)), 100);
  EXPECT_EQ(active_vus_at(c, milliseconds(22500)), 50);
  EXPECT_EQ(active_vus_at(c, seconds(30)), 0);         // after the last stage: its target
  EXPECT_EQ(max_vus(c), 100);
}

TEST(Schedule, SpikeIsAnInstantJump) {
  // A zero-length-looking spike: 5 VUs, then 200 within 1 s, hold, drop.
  const auto c = ramping_vus(5, {{seconds(60), 5}, {seconds(1), 200}, {seconds(60), 200}, {seconds(1), 5}});
  EXPECT_EQ(active_vus_at(c, seconds(30)), 5);
  EXPECT_EQ(active_vus_at(c, milliseconds(60500)), 102);  // half way up: 5 + 195/2 = 102.5
  EXPECT_EQ(active_vus_at(c, seconds(90)), 200);
  EXPECT_EQ(active_vus_at(c, seconds(200)), 5);
  EXPECT_EQ(max_vus(c), 200);
}

TEST(Schedule, ConstantArrivalRateInstantsAreEvenlySpaced) {
  ExecutorConfig c;
  c.kind = ExecutorKind::constant_arrival_rate;
  c.rate = 50;
  c.time_unit = seconds(1);
  c.duration = seconds(2);
  ArrivalSchedule s(c);
  EXPECT_EQ(s.total(), 100);
  EXPECT_EQ(s.time_of(0)->count(), 0);
  EXPECT_EQ(s.time_of(1)->count(), 20'000'000);  // 20 ms apart
  EXPECT_EQ(s.time_of(99)->count(), 1'980'000'000);
  EXPECT_FALSE(s.time_of(100).has_value());
}

TEST(Schedule, TimeUnitScalesTheRate) {
  ExecutorConfig c;
  c.kind = ExecutorKind::constant_arrival_rate;
  c.rate = 30;
  c.time_unit = seconds(60);  // 30 per minute = 0.5/s
  c.duration = seconds(60);
  ArrivalSchedule s(c);
  EXPECT_EQ(s.total(), 30);
  EXPECT_EQ(s.time_of(1)->count(), 2'000'000'000);
}

TEST(Schedule, RampingArrivalRateFollowsTheIntegral) {
  ExecutorConfig c;
  c.kind = ExecutorKind::ramping_arrival_rate;
  c.start_rate = 0;
  c.time_unit = seconds(1);
  c.stages = {{seconds(10), 100}, {seconds(10), 100}};
  ArrivalSchedule s(c);
  // Ramp 0 -> 100/s over 10 s: 500 iterations; then 1000 more at 100/s.
  EXPECT_EQ(s.total(), 1500);
  // During the ramp A(t) = 5 t^2, so iteration k is due at sqrt(k / 5) s.
  for (int k : {1, 20, 125, 499}) {
    EXPECT_NEAR(static_cast<double>(s.time_of(k)->count()) / 1e9, std::sqrt(k / 5.0), 1e-6) << k;
  }
  EXPECT_NEAR(static_cast<double>(s.time_of(500)->count()) / 1e9, 10.0, 1e-6);
  EXPECT_NEAR(static_cast<double>(s.time_of(600)->count()) / 1e9, 11.0, 1e-6);
  EXPECT_NEAR(s.rate_at(seconds(5)), 50.0, 1e-9);
  // Instants never go backwards.
  for (int k = 1; k < s.total(); ++k) ASSERT_GE(s.time_of(k)->count(), s.time_of(k - 1)->count());
}

TEST(Schedule, ZeroRateStageSchedulesNothingUntilItEnds) {
  ExecutorConfig c;
  c.kind = ExecutorKind::ramping_arrival_rate;
  c.start_rate = 0;
  c.stages = {{seconds(5), 0}, {seconds(1), 0}, {seconds(2), 10}};
  ArrivalSchedule s(c);
  EXPECT_EQ(s.total(), 10);                      // ramp 0 -> 10/s over 2 s
  EXPECT_GE(s.time_of(0)->count(), 6'000'000'000);  // not before the ramp starts
}

TEST(Schedule, SharesAddUpExactlyForAnySplit) {
  for (int segments : {1, 2, 3, 4, 7}) {
    for (int threads : {1, 2, 3}) {
      for (std::int64_t n : {0, 1, 5, 10, 99, 1000}) {
        std::int64_t sum = 0;
        for (int i = 0; i < segments; ++i) {
          for (int t = 0; t < threads; ++t) sum += Share::make(i, segments, t, threads).count_below(n);
        }
        EXPECT_EQ(sum, n) << segments << " segments x " << threads << " threads";
      }
    }
  }
}

TEST(Schedule, EveryItemHasExactlyOneOwner) {
  const int segments = 3, threads = 2;
  for (std::int64_t k = 0; k < 100; ++k) {
    int owners = 0;
    for (int i = 0; i < segments; ++i) {
      for (int t = 0; t < threads; ++t) owners += Share::make(i, segments, t, threads).owns(k);
    }
    EXPECT_EQ(owners, 1) << k;
  }
  const Share s = Share::make(1, 3, 1, 2);  // items 4, 10, 16, ...
  EXPECT_EQ(s.item(0), 4);
  EXPECT_EQ(s.item(2), 16);
  EXPECT_TRUE(s.owns(10));
  EXPECT_FALSE(s.owns(11));
}

TEST(Schedule, SegmentParsing) {
  const Segment s = parse_segment("2/4");
  EXPECT_EQ(s.index, 2);
  EXPECT_EQ(s.count, 4);
  EXPECT_EQ(s.to_string(), "2/4");
  for (const char* bad : {"", "4/4", "-1/4", "1/0", "a/b", "1/", "/3", "1-4", "1/4x"}) {
    EXPECT_THROW(parse_segment(bad), perfval::Error) << bad;
  }
}

}  // namespace
